"""The coordinator's week, in a real Chromium: a concern about a new young person, their
case, next week's agenda, the meeting run from one screen (keyboard included), a
recommendation with two actions, and the minutes as a PDF that opens.
"""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import urlparse

import pyotp
import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from app.auth.roles import OrganisationType, Role
from app.cases.models import Case
from app.meetings.models import Action, ActionType
from tests.browser.conftest import PageProblems
from tests.cases.case_helpers import district_with_areas
from tests.factories import make_organisation, make_user

pytestmark = pytest.mark.browser


def path_of(url: str) -> str:
    return urlparse(url).path


def next_week_wednesday(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=(2 - today.weekday()) % 7 + 7)


def log_in(page, base_url: str, user) -> None:
    page.goto(f"{base_url}/login")
    page.fill("#email", user.email)
    page.fill("#password", user.plain_password)
    page.locator("#main-content form[method=post] button[type=submit]").first.click()
    page.wait_for_url("**/login/code")
    page.fill("#code", pyotp.TOTP(user.totp_secret).now())
    page.locator("#main-content form[method=post] button[type=submit]").first.click()
    page.wait_for_url(lambda url: path_of(url) == "/")


def test_concern_to_minutes_pdf(live_server, browser, db_session, screenshot_dir):
    secretariat = make_organisation(db_session, type=OrganisationType.SSP_SECRETARIAT)
    school = make_organisation(db_session, name="Provstegårdskolen", type=OrganisationType.SCHOOL)
    police = make_organisation(db_session, name="Fyns Politi", type=OrganisationType.POLICE)
    coordinator = make_user(db_session, Role.COORDINATOR, organisation=secretariat,
                            full_name="Karin Koordinator")
    make_user(db_session, Role.COMMITTEE, organisation=police, full_name="Per Politi")
    _district, (area,) = district_with_areas(db_session)
    db_session.commit()
    talk, police_contact = (
        db_session.scalar(select(ActionType.id).where(ActionType.key == key))
        for key in ("concern_talk", "police_contact")
    )
    meeting_day = next_week_wednesday(dt.date.today())

    # Danish by default, as the committee works; the PDF must follow the reader's language.
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    context.set_default_timeout(20_000)  # CI has two busy cores
    page = context.new_page()
    problems = PageProblems()
    problems.watch(page)
    try:
        log_in(page, live_server, coordinator)

        # 1. A concern about a young person nobody has registered yet.
        page.goto(f"{live_server}/concerns/new")
        page.fill("#occurred_on", (dt.date.today() - dt.timedelta(days=2)).isoformat())
        page.select_option("#area_id", str(area.id))
        page.select_option("#reporter_type", "school")
        page.check("#category-violence")
        page.fill("#narrative", "Slog en yngre elev i skolegården efter skoletid.")
        page.select_option("#legal_basis", "s115")
        page.locator("details summary").first.click()
        page.fill("#p1_first_name", "Mikkel")
        page.fill("#p1_last_name", "Rejseholm")
        page.fill("#p1_cpr", "170411-4123")
        page.select_option("#p1_gender", "male")
        page.select_option("#p1_area_id", str(area.id))
        page.click("[data-testid=record]")

        # 2. One young person: the coordinator lands on the new case.
        page.wait_for_url("**/cases/*")
        expect(page.locator("h1")).to_contain_text("Mikkel Rejseholm")
        case_id = int(path_of(page.url).rsplit("/", 1)[1])

        # 3. Next week's meeting, and the case on its agenda.
        page.goto(f"{live_server}/meetings")
        page.fill("#held_on", meeting_day.isoformat())
        page.locator("#main-content form[method=post] button[type=submit]").first.click()
        page.wait_for_url("**/meetings/*")
        meeting_url = page.url
        page.goto(f"{live_server}/cases/{case_id}")
        page.locator("[data-testid=put-on-agenda] button[type=submit]").first.click()
        page.wait_for_url(f"**/cases/{case_id}")
        expect(page.locator("[data-testid=on-agenda]")).to_have_count(1)

        # 4. Run the meeting: the open-actions screen first, then the one case.
        page.goto(meeting_url)
        expect(page.locator("[data-testid=meeting-links]")).to_be_visible()
        page.click("[data-testid=run-meeting]")
        page.click("[data-testid=start-form] button")
        expect(page.locator("[data-testid=start-form]")).to_have_count(0)  # started
        page.wait_for_load_state("load")  # the keyboard script is deferred
        page.keyboard.press("ArrowRight")  # keyboard navigation to the first case
        page.wait_for_url("**/run/*")
        expect(page.locator("[data-testid=case-name]")).to_contain_text("Mikkel Rejseholm")
        expect(page.locator("[data-testid=assessments]")).to_be_visible()
        page.screenshot(path=screenshot_dir / "meeting-mode-case.png", full_page=True)

        # 5. The recommendation with two actions, owned by the school and the police.
        deadline = (meeting_day + dt.timedelta(days=14)).isoformat()
        page.fill("#text", "Bekymringssamtale med Mikkel og forældrene; politiet tager kontakt.")
        page.fill("#next_review_on", (meeting_day + dt.timedelta(days=28)).isoformat())
        for row, (measure, owner) in enumerate([(talk, school.id), (police_contact, police.id)]):
            page.select_option(f"#actions-{row}-action_type_id", str(measure))
            page.select_option(f"#actions-{row}-owner_organisation_id", str(owner))
            page.fill(f"#actions-{row}-deadline", deadline)
        page.click("[data-testid=recommendation-form] button[type=submit]")
        expect(page.locator("[data-testid=this-recommendation]")).to_be_visible()
        page.wait_for_load_state("load")

        # 6. To the end screen by keyboard, finish, and download the minutes.
        page.locator("body").click(position={"x": 5, "y": 5})
        page.keyboard.press("ArrowRight")
        page.wait_for_url("**/run/end")
        page.click("[data-testid=finish-form] button")
        expect(page.locator("[data-testid=minutes-links]")).to_be_visible()
        with page.expect_download() as download_info:
            page.click("[data-testid=minutes-links] [data-testid=minutes-pdf]")
        pdf = PdfReader(io.BytesIO(download_info.value.path().read_bytes()))
        text = " ".join(p.extract_text() for p in pdf.pages)
        assert "Mikkel Rejseholm" in text
        assert "Bekymringssamtale" in text and "Provstegårdskolen" in text
        assert "170411" not in text  # the CPR is in no document
        assert download_info.value.suggested_filename.endswith(".pdf")
        assert "Rejseholm" not in download_info.value.suggested_filename
    finally:
        context.close()

    db_session.rollback()
    case = db_session.get(Case, case_id)
    assert case.status == "in_follow_up"
    owners = set(db_session.scalars(select(Action.owner_organisation_id)
                                    .where(Action.case_id == case_id)))
    assert owners == {school.id, police.id}
    assert problems.all() == []
