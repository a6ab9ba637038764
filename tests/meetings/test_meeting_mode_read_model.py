"""Meeting mode's read model: one agenda item as the room sees it, and its audit entry."""

from __future__ import annotations

import datetime as dt

import pytest

from app.auth.roles import Role
from app.meetings import agenda, meeting_mode, recommendations, running
from app.meetings.suggestions import PROFILE_PROVIDERS
from tests.cases.case_helpers import audit_rows, details, group_concern, new_person
from tests.factories import make_case, make_organisation, make_person, make_user
from tests.meetings.helpers import MONDAY, action_input, actor_for


@pytest.fixture
def coordinator(db_session):
    return make_user(db_session, Role.COORDINATOR)


def planned(db_session, coordinator, *cases):
    actor = actor_for(coordinator)
    meeting = agenda.plan_meeting(db_session, actor, today=MONDAY)
    for case in cases:
        if case.status != "on_agenda":
            agenda.add_case(db_session, actor, meeting, case.id)
    return meeting


def test_viewing_an_item_is_an_audited_read_of_the_case(db_session, coordinator):
    person = make_person(
        db_session,
        first_name="Signe",
        last_name="Holm",
        birth_date=dt.date(2011, 4, 17),
        commit=False,
    )
    person.institution = "Hunderup Skole"
    first = make_case(
        db_session, person=person, status="ready_for_review", narrative="Truede en elev."
    )
    second = make_case(db_session, status="ready_for_review")
    meeting = planned(db_session, coordinator)
    one, two = meeting.items
    assert (one.case_id, two.case_id) == (first.id, second.id)

    view = meeting_mode.view_item(
        db_session, actor_for(coordinator), meeting, one, today=dt.date(2026, 11, 25)
    )
    db_session.commit()

    assert (view.number, view.total, view.name, view.age, view.institution) == (
        1,
        2,
        "Signe Holm",
        15,
        "Hunderup Skole",
    )
    assert (view.previous_item_id, view.next_item_id) == (None, two.id)
    assert [c.narrative for c in view.concerns] == ["Truede en elev."]
    [row] = audit_rows(db_session, "case.view", first.id)
    assert (row.purpose, row.user_id, row.outcome) == ("meeting", coordinator.id, "ok")
    assert details(row) == {"meeting": meeting.id}
    assert audit_rows(db_session, "case.view", second.id) == []


def test_a_group_concern_says_others_are_involved_but_never_who_or_how_many(
    db_session, coordinator
):
    persons = [new_person(db_session, name) for name in ("Ali", "Bent", "Carla")]
    _concern, cases = group_concern(db_session, persons, narrative="Uro ved centret.")
    cases[0].status = "ready_for_review"
    db_session.commit()
    meeting = planned(db_session, coordinator)
    [item] = meeting.items

    view = meeting_mode.view_item(db_session, actor_for(coordinator), meeting, item, MONDAY)

    [concern] = view.concerns
    assert concern.is_group and concern.narrative == "Uro ved centret."
    shown = repr(view.concerns)
    assert "Bent" not in shown and "Carla" not in shown
    assert not any(hasattr(concern, name) for name in ("persons", "links", "peers", "count"))


def test_no_profile_means_no_suggestions_until_the_assessments_feature_exists(
    db_session, coordinator
):
    make_case(db_session, status="ready_for_review")
    meeting = planned(db_session, coordinator)
    [item] = meeting.items
    view = meeting_mode.view_item(db_session, actor_for(coordinator), meeting, item, MONDAY)
    assert view.profile is None and view.suggestions is None

    # A registered provider (the assessments feature) slots in without changing meeting mode.
    PROFILE_PROVIDERS.append(lambda session, case_id: {"P1": 0, "R1": None})
    try:
        view = meeting_mode.view_item(db_session, actor_for(coordinator), meeting, item, MONDAY)
    finally:
        PROFILE_PROVIDERS.pop()
    assert view.profile == {"P1": 0, "R1": None}
    assert [s.action_type.key for s in view.suggestions] == ["mentor"]


def test_this_meetings_recommendation_is_kept_apart_from_earlier_ones(db_session, coordinator):
    actor = actor_for(coordinator)
    school = make_organisation(db_session)
    case = make_case(db_session, status="ready_for_review")
    meeting = planned(db_session, coordinator)
    running.start_meeting(db_session, actor, meeting)
    recommendation = recommendations.record_recommendation(
        db_session,
        actor,
        meeting,
        meeting.items[0],
        text="Mentor.",
        next_review_on=None,
        actions=[action_input(db_session, school, held_on=meeting.held_on)],
    )
    view = meeting_mode.view_item(db_session, actor, meeting, meeting.items[0], MONDAY)
    assert view.this_meeting is recommendation and view.earlier == []
    assert view.organisations == {school.id: school.name}
    assert case.status == "recommendation_made"


def test_an_action_belongs_to_a_meeting_only_through_its_agenda_or_its_checks(
    db_session, coordinator
):
    actor = actor_for(coordinator)
    school = make_organisation(db_session)
    make_case(db_session, status="ready_for_review")
    first = planned(db_session, coordinator)
    running.start_meeting(db_session, actor, first)
    recommendation = recommendations.record_recommendation(
        db_session,
        actor,
        first,
        first.items[0],
        text="Mentor.",
        next_review_on=None,
        actions=[action_input(db_session, school, held_on=first.held_on)],
    )
    [action] = recommendation.actions
    running.finish_meeting(db_session, actor, first)
    later = agenda.plan_meeting(db_session, actor, today=first.held_on + dt.timedelta(days=1))

    assert meeting_mode.action_of(db_session, first, action.id) is action  # its agenda
    assert meeting_mode.action_of(db_session, later, action.id) is action  # checked there
    action.status = "done"
    assert meeting_mode.action_of(db_session, later, action.id) is None
    assert meeting_mode.item_of(db_session, later, first.items[0].id) is None
