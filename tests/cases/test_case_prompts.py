"""privacy.md 14: open cases with no activity for a long time are proposed for closure, and
young people who have reached the age limit prompt a review, on the case list and the home
page of the coordinator."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from app.auth.roles import Role
from app.cases.models import CaseEvent
from app.cases.queries import CaseFilter, inactive_since, list_cases
from tests.cases.case_helpers import actor_for
from tests.factories import make_case, make_person, make_user
from tests.support import login

TODAY = dt.date.today()


def last_activity(db_session, case, days_ago: int) -> None:
    """Every timeline entry of the case moved to `days_ago` days before today."""
    when = dt.datetime.combine(TODAY - dt.timedelta(days=days_ago), dt.time(12), dt.UTC)
    events = update(CaseEvent).where(CaseEvent.case_id == case.id)
    db_session.execute(events.values(occurred_at=when))


@pytest.fixture
def world(db_session):
    coordinator = make_user(db_session, Role.COORDINATOR)

    def case(name: str, born: int, status: str = "new", days_ago: int = 10):
        person = make_person(
            db_session, first_name=name, birth_date=dt.date(born, 6, 1), commit=False
        )
        created = make_case(db_session, person=person, status=status, commit=False)
        last_activity(db_session, created, days_ago)
        return created

    cases = {
        "quiet": case("Sigvald", TODAY.year - 15, days_ago=400),  # 13 months: propose closing
        "recent": case("Ragnvald", TODAY.year - 15, days_ago=330),  # 11 months: still active
        "closed": case("Thorkild", TODAY.year - 15, "closed", days_ago=700),
        "grown": case("Valborg", TODAY.year - 25, "in_follow_up"),  # reached 25
        "grown_closed": case("Ingeborg", TODAY.year - 26, "closed"),
        "young": case("Ulvhild", TODAY.year - 24),
    }
    db_session.commit()
    return coordinator, cases


def names(db_session, coordinator, **criteria) -> list[str]:
    page = list_cases(db_session, actor_for(coordinator), CaseFilter(**criteria), today=TODAY)
    return sorted(row.name.split()[0] for row in page.cases)


def test_calendar_months_before_today_with_the_day_clamped():
    assert inactive_since(dt.date(2026, 11, 23), 12) == dt.datetime(2025, 11, 23, tzinfo=dt.UTC)
    assert inactive_since(dt.date(2026, 3, 31), 1) == dt.datetime(2026, 2, 28, tzinfo=dt.UTC)
    assert inactive_since(dt.date(2026, 1, 15), 13) == dt.datetime(2024, 12, 15, tzinfo=dt.UTC)


def test_open_cases_without_activity_are_listed_for_closing(db_session, world):
    coordinator, _cases = world
    assert names(db_session, coordinator, inactive_months=12) == ["Sigvald"]
    # The municipality's own period: with six months the eleven-month-old one is due too.
    assert names(db_session, coordinator, inactive_months=6) == ["Ragnvald", "Sigvald"]


def test_open_cases_of_young_people_at_the_age_limit_are_listed_for_review(db_session, world):
    coordinator, _cases = world
    assert names(db_session, coordinator, age_ceiling=25) == ["Valborg"]
    assert names(db_session, coordinator, age_ceiling=24) == ["Ulvhild", "Valborg"]


def test_the_case_list_offers_both_prompts_with_the_settings_in_their_labels(
    app, client, db_session, world
):
    coordinator, _cases = world
    login(client, db_session, coordinator)
    page = client.get("/cases?inactive=y").get_data(as_text=True)
    assert "Intet på tidslinjen i 12 måneder" in page and "25 år eller ældre" in page
    assert "Sigvald" in page and "Ragnvald" not in page and "Thorkild" not in page
    page = client.get("/cases?over_age=y").get_data(as_text=True)
    assert "Valborg" in page and "Ulvhild" not in page and "Ingeborg" not in page


def test_the_coordinators_home_page_counts_them_and_links_to_each_list(
    app, client, db_session, world
):
    coordinator, _cases = world
    login(client, db_session, coordinator)
    page = client.get("/").get_data(as_text=True)
    inactive = page.split("Åbne sager uden aktivitet i 12 måneder")[0].rsplit("<li", 1)[1]
    assert '<span class="tidlig-figure">1</span>' in inactive
    assert 'href="/cases?inactive=y"' in inactive
    over_age = page.split("Åbne sager om unge på 25 år eller ældre")[0].rsplit("<li", 1)[1]
    assert '<span class="tidlig-figure">1</span>' in over_age
    assert 'href="/cases?over_age=y"' in over_age


def test_a_committee_member_is_not_shown_the_prompts(app, client, db_session, world):
    member = make_user(db_session, Role.COMMITTEE)
    login(client, db_session, member)
    page = client.get("/").get_data(as_text=True)
    assert "Åbne sager uden aktivitet" not in page
