"""A district's page (trend, breakdowns, cross-table) and the municipality's cross-table."""

from __future__ import annotations

import re
from html import unescape

import pytest

from app.auth.roles import Role
from app.monitoring.models import BoardMembership
from tests.factories import make_user
from tests.monitoring.board_world import board_world
from tests.monitoring.factories import make_district
from tests.support import login


def rows_of(html: str, testid: str) -> list[list[str]]:
    """The text of each row's cells (header cell first) of the table with this test id."""
    table = re.search(rf'<table[^>]*data-testid="{testid}"[^>]*>(.*?)</table>', html, re.S)
    assert table, testid
    body = table.group(1).split("</thead>")[-1]
    return [
        [
            unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


@pytest.fixture
def coordinator(client, db_session):
    login(client, db_session, make_user(db_session, Role.COORDINATOR))
    return client


def member_of(client, db_session, district):
    member = make_user(db_session, Role.BOARD)
    db_session.add(BoardMembership(user_id=member.id, district_id=district.id))
    db_session.commit()
    login(client, db_session, member)
    return client


def test_a_board_member_may_look_beyond_their_own_districts(client, db_session):
    world = board_world(db_session)
    member_of(client, db_session, world["syd"])
    assert client.get(f"/monitoring/district/{world['syd'].id}").status_code == 200
    # Published figures are protected for the whole municipality: scope is focus only.
    assert client.get(f"/monitoring/district/{world['nord'].id}").status_code == 200
    assert client.get("/monitoring/district/99999").status_code == 404


def test_a_district_missing_from_the_release_is_404(coordinator, db_session):
    board_world(db_session)
    later = make_district(db_session, "D09", "Ny")
    db_session.commit()
    assert coordinator.get(f"/monitoring/district/{later.id}").status_code == 404


def test_the_trend_shows_hidden_periods_as_gaps_never_zeros(coordinator, db_session):
    world = board_world(db_session)
    html = coordinator.get(f"/monitoring/district/{world['syd'].id}").text
    trend = {row[0]: row[1:] for row in rows_of(html, "trend-table")}
    assert list(trend) == [
        "Syd",
        "Hjallese",
        "Korsløkke",
        "Munkebjerg",
        "Sanderum",
        "Tarup",
        "Vestre",
    ]
    assert trend["Munkebjerg"] == ["10", "10", "<5", "10", "29"]
    assert trend["Syd"] == ["105"] * 5
    chart = re.search(r'data-testid="trend-chart-7103">(.*?)</svg>', html, re.S).group(1)
    assert chart.count('class="chart-bar"') == 4  # the hidden quarter has no bar
    hidden_title = re.search(r"<title>2026-Q1: ([^<]*)</title>", chart).group(1)
    assert not re.search(r"\d", hidden_title) and "&lt;5</text>" in chart


def test_breakdowns_use_frozen_labels_published_totals_and_allowed_shares(coordinator, db_session):
    world = board_world(db_session)
    html = coordinator.get(f"/monitoring/district/{world['nord'].id}").text
    gender = rows_of(html, "breakdown-gender")
    assert gender[:2] == [["Pige", "22", "40 %"], ["Dreng", "33", "60 %"]]
    assert gender[2][1:] == ["55", ""]  # the published total
    # A hidden part has no share; the shown part keeps its share of the published total.
    age = rows_of(html, "breakdown-age_band")
    assert age[:2] == [["12-14 år", "–", ""], ["15-17 år", "31", "56 %"]]
    assert age[2][1:] == ["55", ""]


def test_the_district_cross_table_keeps_suppression_and_published_margins(coordinator, db_session):
    world = board_world(db_session)
    html = coordinator.get(f"/monitoring/district/{world['nord'].id}").text
    table = rows_of(html, "cross-table")
    assert table[:2] == [["Vold", "<5", "–", "10"], ["Tyveri", "20", "25", "45"]]
    assert table[2][1:] == ["–", "31", "55"]  # published margins, never sums of shown cells
    swapped = coordinator.get(
        f"/monitoring/district/{world['nord'].id}?rows=age_band&cols=category"
    ).text
    assert rows_of(swapped, "cross-table")[0] == ["12-14 år", "<5", "20", "–"]


def test_the_municipality_cross_table_and_its_unit_choice(coordinator, db_session):
    board_world(db_session)
    html = coordinator.get("/monitoring/crosstab?unit=D01").text
    assert rows_of(html, "cross-table")[-1][1:] == ["–", "31", "55"]
    whole = coordinator.get("/monitoring/crosstab").text
    assert 'data-testid="choices-corrected"' not in whole
    assert rows_of(whole, "cross-table")[-1][-1] == "160"


@pytest.mark.parametrize(
    "query",
    [
        "rows=gender&cols=gender",
        "rows=name",
        "release=x",
        "cols=%00",
        "unit=D99",
        "rows=category&cols=category&unit=",
    ],
)
def test_invalid_cross_table_choices_fall_back_to_the_defaults(coordinator, db_session, query):
    world = board_world(db_session)
    district = f"/monitoring/district/{world['nord'].id}"
    for path in (f"{district}?{query}", f"/monitoring/crosstab?{query}"):
        response = coordinator.get(path)
        assert response.status_code == 200, path
        assert rows_of(response.text, "cross-table")[0][0] == "Vold"


def test_a_board_member_cross_tabulates_any_district_and_unknown_units_fall_back(
    client, db_session
):
    world = board_world(db_session)
    member_of(client, db_session, world["syd"])
    html = client.get("/monitoring/crosstab?unit=D01").text
    assert 'data-testid="choices-corrected"' not in html
    assert 'value="D01"' in html and 'value="D02"' in html
    assert 'data-testid="choices-corrected"' in client.get("/monitoring/crosstab?unit=D77").text
