"""The effect page: published effect cells only, with suppression, shares and scoping."""

from __future__ import annotations

import re

from app.auth.roles import Role
from app.monitoring.models import BoardMembership
from tests.factories import make_user
from tests.monitoring.factories import make_district, make_release
from tests.support import login

UNITS = [
    {"code": "ALL", "name": "Kommunen", "level": "municipality"},
    {"code": "D1", "name": "Nord", "level": "district", "parent_code": "ALL"},
    {"code": "D2", "name": "Syd", "level": "district", "parent_code": "ALL"},
]


def cell(measure, unit, value, status="shown", category="mentor", amount=None):
    return {
        "measure": measure,
        "unit_code": unit,
        "category": category,
        "value": value if status == "shown" else None,
        "status": status,
        "amount": amount,
    }


def effect_cells():
    return [
        cell("effect_cases", "ALL", 52),
        cell("effect_observed_6m", "ALL", 40),
        cell("effect_new_6m", "ALL", 10),
        cell("effect_observed_12m", "ALL", 20),
        cell("effect_new_12m", "ALL", 8),
        cell("effect_risk", "ALL", 12, amount=-0.4),
        cell("effect_resilience", "ALL", 3, status="primary", amount=None),
        cell("effect_cases", "D1", 30),
        cell("effect_observed_6m", "D1", 3, status="primary"),
        cell("effect_new_6m", "D1", 0),
        cell("effect_observed_12m", "D1", None, status="secondary"),
        cell("effect_new_12m", "D1", None, status="secondary"),
        cell("effect_risk", "D1", 6, amount=0.25),
        cell("effect_resilience", "D1", 0),
        cell("effect_cases", "D2", 22),
        cell("effect_cases", "D2", 7, category="family_support"),
    ]


def english(client) -> None:
    """Danish texts of new pages are added by the translators later; assert the English."""
    assert client.submit("/language", {"locale": "en", "next": "/"}, page="/").status_code == 302


def row(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}">(.*?)</tr>', html, re.S)
    assert match, testid
    return match.group(1)


def figure(row_html: str, name: str) -> str:
    return re.search(rf'data-testid="{name}">(.*?)</td>', row_html).group(1)


def test_the_board_member_sees_the_municipality_and_their_district_from_cells(client, db_session):
    nord = make_district(db_session, "D1", "Nord")
    make_district(db_session, "D2", "Syd")
    make_release(db_session, "2025-H2", units=UNITS, cells=[cell("effect_cases", "ALL", 9)])
    release = make_release(db_session, "2026-H1", units=UNITS, cells=effect_cells())
    board = make_user(db_session, Role.BOARD)
    db_session.add(BoardMembership(user_id=board.id, district_id=nord.id))
    db_session.commit()
    login(client, db_session, board)
    english(client)

    response = client.get("/monitoring/effect/")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert f'<option value="{release.id}" selected>2026-H1' in html  # newest first, chosen
    municipality = row(html, "effect-ALL-mentor")
    assert "Mentor or trusted adult" in municipality
    assert figure(municipality, "cases") == "52"
    assert figure(municipality, "new-6m") == "25 %"
    assert figure(municipality, "new-12m") == "40 %"
    assert figure(municipality, "risk") == "−0.40"
    assert figure(municipality, "resilience") == "&lt;5"
    district = row(html, "effect-D1-mentor")
    assert figure(district, "new-6m") == "0 of &lt;5"  # no share over a denominator below k
    assert figure(district, "new-12m") == "– of –"
    assert figure(district, "risk") == "+0.25"
    assert figure(district, "resilience") == "–"
    assert 'data-testid="effect-D2' not in html  # another board's district
    assert "not as proof of an effect" in html


def test_an_older_release_can_be_chosen_and_a_coordinator_sees_every_district(client, db_session):
    make_district(db_session, "D1", "Nord")
    make_district(db_session, "D2", "Syd")
    older = make_release(db_session, "2025-H2", units=UNITS, cells=[cell("effect_cases", "ALL", 9)])
    make_release(db_session, "2026-H1", units=UNITS, cells=effect_cells())
    login(client, db_session, make_user(db_session, Role.COORDINATOR))
    english(client)

    html = client.get(f"/monitoring/effect/?release_id={older.id}").get_data(as_text=True)
    assert figure(row(html, "effect-ALL-mentor"), "cases") == "9"
    assert "1/1/24" in html and "12/31/25" in html  # the two-year cohort window

    html = client.get("/monitoring/effect/").get_data(as_text=True)
    assert figure(row(html, "effect-D2-family_support"), "cases") == "7"
    assert figure(row(html, "effect-D2-mentor"), "new-6m") == "– of –"


def test_without_a_release_the_page_says_so_and_committee_members_are_refused(client, db_session):
    login(client, db_session, make_user(db_session, Role.BOARD))
    html = client.get("/monitoring/effect/").get_data(as_text=True)
    assert 'data-testid="no-release"' in html
    other = client.__class__(client.application, client.response_wrapper)
    login(other, db_session, make_user(db_session, Role.COMMITTEE))
    assert other.get("/monitoring/effect/").status_code == 403
