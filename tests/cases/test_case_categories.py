"""case_categories, the case list's category filter, stays equal to what the concerns say.

The table is derived from concern_persons and concern_category_links. Each way a concern
reaches a case, and a merge of two persons' cases, must leave it equal to a fresh
derivation: otherwise the list's category filter silently loses or invents cases.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth.roles import Role
from app.cases.case_categories import derived_case_categories
from app.cases.concerns import accept_report, record_concern, report_concern
from app.cases.models import Case, CaseCategory, ConcernCategory, Person
from app.cases.persons import merge_persons
from app.cases.queries import CaseFilter, list_cases
from tests.cases.helpers import actor_for, concern_input, make_area, new_person
from tests.factories import make_user


@pytest.fixture
def coordinator(db_session):
    return make_user(db_session, Role.COORDINATOR)


@pytest.fixture
def area(db_session):
    return make_area(db_session)


def stored(session) -> set[tuple[int, int]]:
    return set(session.execute(select(CaseCategory.category_id, CaseCategory.case_id)).all())


def derived(session) -> set[tuple[int, int]]:
    return set(session.execute(derived_case_categories()).all())


def category(session, key: str) -> int:
    return session.scalar(select(ConcernCategory.id).where(ConcernCategory.key == key))


def case_of(session, person_id: int) -> Case:
    return session.scalar(select(Case).where(Case.person_id == person_id))


def listed(session, user, key: str) -> list[int]:
    page = list_cases(session, actor_for(user), CaseFilter(category_id=category(session, key)))
    return [row.case.id for row in page.cases]


def test_a_second_concern_adds_its_categories_to_the_case_once(db_session, coordinator, area):
    actor = actor_for(coordinator)
    first = record_concern(
        db_session, actor, concern_input(area.id, categories=["violence", "theft_burglary"])
    )
    person_id = first.links[0].person_id
    record_concern(
        db_session,
        actor,
        concern_input(
            area.id, categories=["violence", "drugs"], new_persons=[], person_ids=[person_id]
        ),
    )
    db_session.commit()
    case = case_of(db_session, person_id)
    assert stored(db_session) == {
        (category(db_session, key), case.id) for key in ("violence", "theft_burglary", "drugs")
    }
    assert stored(db_session) == derived(db_session)
    assert listed(db_session, coordinator, "drugs") == [case.id]
    assert listed(db_session, coordinator, "weapons") == []


def test_a_report_is_found_by_category_only_once_the_coordinator_takes_it_in(
    db_session, coordinator, area
):
    professional = make_user(db_session, Role.ASSESSOR)
    report = report_concern(
        db_session, actor_for(professional), concern_input(area.id, categories=["weapons"])
    )
    db_session.commit()
    assert stored(db_session) == set()
    assert listed(db_session, coordinator, "weapons") == []
    accept_report(db_session, actor_for(coordinator), report.id)
    db_session.commit()
    case = case_of(db_session, report.links[0].person_id)
    assert stored(db_session) == {(category(db_session, "weapons"), case.id)} == derived(db_session)
    assert listed(db_session, coordinator, "weapons") == [case.id]


def test_a_group_concern_gives_each_persons_case_its_categories(db_session, coordinator, area):
    concern = record_concern(
        db_session,
        actor_for(coordinator),
        concern_input(
            area.id,
            categories=["unrest"],
            new_persons=[new_person("Ali"), new_person("Bo", birth=None, cpr="020312-4567")],
        ),
    )
    db_session.commit()
    cases = {case_of(db_session, link.person_id).id for link in concern.links}
    assert len(cases) == 2
    assert stored(db_session) == {(category(db_session, "unrest"), c) for c in cases}
    assert sorted(listed(db_session, coordinator, "unrest")) == sorted(cases)


def test_a_merge_moves_the_merged_cases_categories_to_the_kept_case(
    db_session, coordinator, area
):
    actor = actor_for(coordinator)
    kept = record_concern(db_session, actor, concern_input(area.id, categories=["violence"]))
    merged = record_concern(
        db_session,
        actor,
        concern_input(
            area.id,
            categories=["drugs"],
            new_persons=[new_person("Emill", birth=None, cpr="170411-4123")],
        ),
    )
    db_session.commit()
    keep_person = kept.links[0].person_id
    keep_case = case_of(db_session, keep_person).id
    merge_persons(
        db_session,
        actor,
        db_session.get(Person, keep_person),
        db_session.get(Person, merged.links[0].person_id),
    )
    db_session.commit()
    assert stored(db_session) == {
        (category(db_session, "violence"), keep_case),
        (category(db_session, "drugs"), keep_case),
    }
    assert stored(db_session) == derived(db_session)
    assert listed(db_session, coordinator, "drugs") == [keep_case]
