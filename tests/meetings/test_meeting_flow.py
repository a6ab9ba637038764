"""The weekly meeting as services: plan, propose, run, recommend, finish, follow up."""

from __future__ import annotations

import datetime as dt

import pytest

from app.auth.roles import OrganisationType, Role
from app.cases.models import Case
from app.cases.policy import visible_cases
from app.core.errors import DomainError
from app.meetings import agenda, follow_up, recommendations, running
from app.meetings.models import AgendaItem
from tests.factories import make_case, make_organisation, make_user
from tests.meetings.helpers import MONDAY, action_input, actor_for, committee_member


@pytest.fixture
def coordinator(db_session):
    return make_user(db_session, Role.COORDINATOR)


def test_planned_meeting_proposes_ready_and_due_cases_only(db_session, coordinator):
    ready = make_case(db_session, status="ready_for_review")
    due = make_case(db_session, status="in_follow_up")
    due.next_review_on = MONDAY + dt.timedelta(days=1)
    later = make_case(db_session, status="in_follow_up")
    later.next_review_on = MONDAY + dt.timedelta(days=30)
    fresh = make_case(db_session, status="new")
    member = committee_member(db_session)

    meeting = agenda.plan_meeting(db_session, actor_for(coordinator), today=MONDAY)

    assert meeting.held_on == dt.date(2026, 11, 25)  # the Wednesday after
    assert [(i.case_id, i.kind) for i in meeting.items] == [
        (due.id, "follow_up"),
        (ready.id, "review"),
    ]
    assert [m.user_id for m in meeting.members] == [member.id]
    assert {c.status for c in (ready, due)} == {"on_agenda"}
    assert later.status == "in_follow_up" and fresh.status == "new"


def test_coordinator_adds_reorders_and_removes(db_session, coordinator):
    actor = actor_for(coordinator)
    meeting = agenda.plan_meeting(db_session, actor, today=MONDAY)
    first = make_case(db_session, status="new")
    second = make_case(db_session, status="assessments_requested")
    item_one = agenda.add_case(db_session, actor, meeting, first.id)
    item_two = agenda.add_case(db_session, actor, meeting, second.id)

    agenda.move_item(db_session, actor, meeting, item_two.id, "up")
    assert [i.case_id for i in sorted(meeting.items, key=lambda i: i.position)] == [
        second.id,
        first.id,
    ]
    agenda.remove_item(db_session, actor, meeting, item_one.id)
    assert first.status == "new"  # back where it was
    assert db_session.get(AgendaItem, item_two.id).position == 1
    with pytest.raises(DomainError):
        agenda.add_case(db_session, actor, meeting, second.id)  # already on it


def test_closed_case_and_past_date_are_refused(db_session, coordinator):
    actor = actor_for(coordinator)
    with pytest.raises(DomainError):
        agenda.plan_meeting(db_session, actor, today=MONDAY, held_on=MONDAY - dt.timedelta(1))
    meeting = agenda.plan_meeting(db_session, actor, today=MONDAY)
    closed = make_case(db_session, status="closed")
    with pytest.raises(DomainError):
        agenda.add_case(db_session, actor, meeting, closed.id)


def test_meeting_records_a_recommendation_and_follows_it_up(db_session, coordinator):
    actor = actor_for(coordinator)
    school = make_organisation(db_session, type=OrganisationType.SCHOOL)
    club = make_organisation(db_session, type=OrganisationType.CLUB)
    case = make_case(db_session, status="ready_for_review")
    meeting = agenda.plan_meeting(db_session, actor, today=MONDAY)
    running.start_meeting(db_session, actor, meeting)
    item = meeting.items[0]

    recommendation = recommendations.record_recommendation(
        db_session,
        actor,
        meeting,
        item,
        text="Bekymringssamtale og mentor.",
        next_review_on=meeting.held_on + dt.timedelta(days=28),
        actions=[
            action_input(db_session, school, "concern_talk", held_on=meeting.held_on),
            action_input(db_session, club, "mentor", held_on=meeting.held_on),
        ],
    )
    assert case.status == "recommendation_made"
    assert len(recommendation.actions) == 2
    running.finish_meeting(db_session, actor, meeting)
    assert case.status == "in_follow_up"

    next_meeting = agenda.plan_meeting(
        db_session, actor, today=meeting.held_on + dt.timedelta(days=1)
    )
    running.start_meeting(db_session, actor, next_meeting)
    talk, mentor = recommendation.actions
    assert follow_up.open_actions_before(db_session, next_meeting) == [talk, mentor]
    follow_up.check_action(db_session, actor, next_meeting, talk.id, result="done")
    follow_up.check_action(
        db_session, actor, next_meeting, mentor.id, result="not_done", reason="owner_not_acted"
    )
    assert (talk.status, mentor.status) == ("done", "open")  # not acted: comes back
    with pytest.raises(DomainError):
        follow_up.check_action(db_session, actor, next_meeting, mentor.id, result="not_done")

    follow_up.record_outcome(db_session, actor, talk, "effect_seen")
    assert talk.outcome == "effect_seen"


def test_recommendation_input_is_checked(db_session, coordinator):
    actor = actor_for(coordinator)
    outsider = make_organisation(db_session, party=False)
    make_case(db_session, status="ready_for_review")
    meeting = agenda.plan_meeting(db_session, actor, today=MONDAY)
    item = meeting.items[0]
    cases = [
        dict(text="  ", next_review_on=None, actions=[]),
        dict(text="x" * 5001, next_review_on=None, actions=[]),
        dict(text="ok", next_review_on=meeting.held_on, actions=[]),
        dict(text="ok", next_review_on=None, actions=[action_input(db_session, outsider)]),
        dict(text="ok", next_review_on=None,
             actions=[action_input(db_session, outsider, days=-30)]),
    ]
    for values in cases:
        with pytest.raises(DomainError):
            recommendations.record_recommendation(db_session, actor, meeting, item, **values)
    assert db_session.get(Case, item.case_id).status == "on_agenda"


def test_committee_sees_cases_of_their_meetings_and_their_actions(db_session, coordinator):
    actor = actor_for(coordinator)
    police = make_organisation(db_session, type=OrganisationType.POLICE)
    member = committee_member(db_session, police)
    other_member = committee_member(db_session)
    on_agenda = make_case(db_session, status="ready_for_review")
    meeting = agenda.plan_meeting(db_session, actor, today=MONDAY)
    agenda.remove_member(db_session, actor, meeting, other_member.id)
    unrelated = make_case(db_session, status="new")

    def visible(user):
        return set(db_session.scalars(visible_cases(actor_for(user)).with_only_columns(Case.id)))

    assert visible(member) == {on_agenda.id}
    assert visible(other_member) == set()

    running.start_meeting(db_session, actor, meeting)
    recommendations.record_recommendation(
        db_session, actor, meeting, meeting.items[0], text="Politiet tager kontakt.",
        next_review_on=None,
        actions=[action_input(db_session, police, "police_contact", held_on=meeting.held_on)],
    )
    assert unrelated.id not in visible(member)
    later = agenda.plan_meeting(db_session, actor, today=MONDAY + dt.timedelta(days=3))
    agenda.remove_member(db_session, actor, later, member.id)
    assert visible(member) == {on_agenda.id}


def test_overdue_actions_grouped_by_owner_and_limited_to_own_organisation(
    db_session, coordinator
):
    actor = actor_for(coordinator)
    school = make_organisation(db_session, name="Skole", type=OrganisationType.SCHOOL)
    club = make_organisation(db_session, name="Klub", type=OrganisationType.CLUB)
    make_case(db_session, status="ready_for_review")
    meeting = agenda.plan_meeting(db_session, actor, today=MONDAY)
    running.start_meeting(db_session, actor, meeting)
    recommendations.record_recommendation(
        db_session, actor, meeting, meeting.items[0], text="Skole og klub.", next_review_on=None,
        actions=[
            action_input(db_session, school, "school_meeting", days=7, held_on=meeting.held_on),
            action_input(db_session, club, "leisure_referral", days=60, held_on=meeting.held_on),
        ],
    )
    today = meeting.held_on + dt.timedelta(days=10)
    groups = follow_up.overdue_by_organisation(db_session, actor, today)
    assert [(g.organisation.name, len(g.actions)) for g in groups] == [("Skole", 1)]
    club_member = committee_member(db_session, club)
    assert follow_up.overdue_by_organisation(db_session, actor_for(club_member), today) == []
