"""The local board member's journey in a real Chromium, on the demo's area data: the map
with hatched hidden areas, an indicator layer, a district's trend, and the CSV download.
The Danish dashboard is kept as a screenshot (test-artifacts/browser/board-dashboard-da.png).
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from playwright.sync_api import expect

from app.auth.roles import OrganisationType, Role
from app.demo.areas import load_demo_areas
from app.demo.monitoring import seed_demo_monitoring
from tests.browser.conftest import PageProblems
from tests.browser.test_coordinator_journey import log_in
from tests.factories import make_organisation, make_user

pytestmark = pytest.mark.browser


def test_board_member_reads_the_map_an_indicator_a_trend_and_downloads(
    live_server, browser, db_session, screenshot_dir
):
    board_org = make_organisation(db_session, name="Lokalbestyrelsen Øst",
                                  type=OrganisationType.OTHER)
    member = make_user(db_session, Role.BOARD, organisation=board_org, full_name="Bent Bestyrelse")
    rng = random.Random(2026)  # the demo's own seed: the demo's figures
    load_demo_areas(db_session, rng)
    seed_demo_monitoring(db_session, rng, dt.date.today(), member.id, quarters=5)
    db_session.commit()

    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 1000},
                                  accept_downloads=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    problems = PageProblems()
    problems.watch(page)
    try:
        log_in(page, live_server, member)
        page.goto(f"{live_server}/monitoring/")
        expect(page.locator("h1")).to_have_text("Områdestatistik")
        board_map = page.locator("svg[data-testid=board-map]")
        expect(board_map).to_be_visible()
        own_district = board_map.locator("path").count()
        assert own_district >= 2  # the member's own district first
        page.select_option("select[name=scope]", "whole")
        page.locator("[data-testid=dashboard-form] button[type=submit]").click()
        assert board_map.locator("path").count() >= 20 > own_district
        hatched = board_map.locator("path.map-hidden")
        assert hatched.count() >= 1, "the demo has areas with fewer than 5 concerns"
        for title in hatched.locator("title").all_text_contents():
            assert not any(ch.isdigit() for ch in title), title
        expect(page.locator("[data-testid=map-legend]")).to_contain_text("Færre end 5")
        page.screenshot(path=screenshot_dir / "board-dashboard-da.png", full_page=True)

        page.select_option("select[name=layer]", "indicator:school_absence")
        page.locator("[data-testid=dashboard-form] button[type=submit]").click()
        expect(page.locator("[data-testid=area-table] thead")).to_contain_text("Skolefravær")
        expect(board_map).to_be_visible()

        district_link = page.locator("[data-testid=board-map] a").first
        district_link.click()
        expect(page.locator("[data-testid=trend-table]")).to_be_visible()
        assert page.locator("[data-testid=trend-table] tbody tr").count() >= 2

        page.goto(f"{live_server}/monitoring/")
        with page.expect_download() as download_info:
            page.locator("[data-testid=download-csv]").click()
        download = download_info.value
        assert download.suggested_filename.startswith("tidlig-")
        with open(download.path(), encoding="utf-8-sig") as handle:
            text = handle.read()
        assert "<5" in text
        assert "Vollsmose" in text
    finally:
        context.close()
    assert problems.all() == []
