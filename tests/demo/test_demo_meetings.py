"""The demo's meetings: a believable committee history that agrees with the cases' statuses."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from app.cases.models import Case
from app.meetings.models import Action, ActionCheck, AgendaItem, Meeting, Recommendation


def test_demo_has_six_held_meetings_and_the_next_one_planned_with_an_agenda(runner, db_session):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    db_session.rollback()
    today = dt.date.today()
    meetings = list(db_session.scalars(select(Meeting).order_by(Meeting.held_on)))
    held, planned = meetings[:-1], meetings[-1]
    assert [m.status for m in meetings] == ["held"] * 6 + ["planned"]
    assert all(m.held_on < today for m in held) and planned.held_on >= today
    assert {(b.held_on - a.held_on).days for a, b in zip(meetings, meetings[1:], strict=False)} == {
        7
    }
    assert all(m.members for m in meetings) and all(m.location for m in meetings)
    assert {mm.attended for m in held for mm in m.members} == {True, False}
    assert planned.items and all(item.kind in ("review", "follow_up") for item in planned.items)

    actions = list(db_session.scalars(select(Action)))
    assert {a.status for a in actions} == {"open", "done", "not_done"}
    assert any(a.status == "open" and a.deadline < today for a in actions)  # overdue
    assert {a.outcome for a in actions} >= {"effect_seen", "no_effect", None}
    assert len({a.owner_organisation_id for a in actions}) >= 5
    reasons = set(
        db_session.scalars(select(ActionCheck.reason).where(ActionCheck.result == "not_done"))
    )
    assert len(reasons) >= 2
    sizes = [len(r.actions) for r in db_session.scalars(select(Recommendation))]
    assert max(sizes) == 3 and sizes.count(0) == 2


def test_demo_case_statuses_agree_with_the_meetings(runner, db_session):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    db_session.rollback()
    recommended = set(db_session.scalars(select(Recommendation.case_id)))
    planned = db_session.scalar(select(Meeting).where(Meeting.status == "planned"))
    on_next_agenda = set(
        db_session.scalars(select(AgendaItem.case_id).where(AgendaItem.meeting_id == planned.id))
    )
    with_open_action = set(
        db_session.scalars(select(Action.case_id).where(Action.status == "open"))
    )
    cases = list(db_session.scalars(select(Case)))
    for case in cases:
        if case.status == "in_follow_up":
            assert case.id in recommended
            assert case.next_review_on or case.id in with_open_action
        elif case.status == "recommendation_made":
            assert case.id in recommended
        elif case.status == "on_agenda":
            assert case.id in on_next_agenda
    assert {c.id for c in cases if c.status == "on_agenda"} == on_next_agenda
    assert db_session.scalar(select(func.count()).select_from(Recommendation)) >= 40
