"""Holding the meeting: start it, record who came and general notes, and finish it."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.actor import Actor
from app.audit.services import record
from app.cases import workflow
from app.cases.models import Case
from app.cases.workflow import Status
from app.core.errors import DomainError
from app.meetings.agenda import ensure_open
from app.meetings.models import Action, AgendaItem, Meeting, MeetingMember, Recommendation

NOTES_MAX_LENGTH = 10_000


def start_meeting(session: Session, actor: Actor, meeting: Meeting) -> Meeting:
    if meeting.status != "planned":
        raise DomainError(_l("The meeting has already started."))
    meeting.status = "in_progress"
    meeting.started_at = dt.datetime.now(dt.UTC)
    session.flush()
    record(session, actor, "meeting.start", object_type="meeting", object_id=meeting.id)
    return meeting


def record_attendance(
    session: Session, actor: Actor, meeting: Meeting, present_user_ids: set[int]
) -> None:
    """Who came: every member is marked present or absent; unknown ids are refused."""
    ensure_open(meeting)
    members = session.scalars(
        select(MeetingMember).where(MeetingMember.meeting_id == meeting.id)
    ).all()
    unknown = present_user_ids - {member.user_id for member in members}
    if unknown:
        raise DomainError(_l("Only members of the meeting can be marked present."), "present")
    for member in members:
        member.attended = member.user_id in present_user_ids
    session.flush()
    record(
        session,
        actor,
        "meeting.attendance",
        object_type="meeting",
        object_id=meeting.id,
        details={"present": len(present_user_ids), "members": len(members)},
    )


def save_notes(session: Session, actor: Actor, meeting: Meeting, notes: str) -> None:
    ensure_open(meeting)
    notes = (notes or "").strip()
    if len(notes) > NOTES_MAX_LENGTH:
        raise DomainError(_l("At most %(n)d characters.", n=NOTES_MAX_LENGTH), "notes")
    meeting.notes = notes or None
    session.flush()
    record(session, actor, "meeting.notes", object_type="meeting", object_id=meeting.id)


def _has_follow_up(session: Session, case: Case) -> bool:
    open_action = session.scalar(
        select(Action.id).where(Action.case_id == case.id, Action.status == "open").limit(1)
    )
    return open_action is not None or case.next_review_on is not None


def finish_meeting(session: Session, actor: Actor, meeting: Meeting) -> Meeting:
    """Close the meeting. Recommended cases with actions or a review date go into follow-up;
    cases not reached go back to "ready for review", so next week's proposal picks them up."""
    if meeting.status != "in_progress":
        raise DomainError(_l("Only a meeting in progress can be finished."))
    items = session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)).all()
    recommended = set(
        session.scalars(
            select(Recommendation.case_id).where(Recommendation.meeting_id == meeting.id)
        )
    )
    carried_over = 0
    for item in items:
        case = session.get(Case, item.case_id)
        if item.case_id in recommended:
            if case.status == Status.RECOMMENDATION_MADE.value and _has_follow_up(session, case):
                workflow.transition(session, actor, case, Status.IN_FOLLOW_UP.value)
        elif case.status == Status.ON_AGENDA.value:
            workflow.transition(session, actor, case, Status.READY_FOR_REVIEW.value)
            carried_over += 1
    meeting.status = "held"
    meeting.finished_at = dt.datetime.now(dt.UTC)
    session.flush()
    record(
        session,
        actor,
        "meeting.finish",
        object_type="meeting",
        object_id=meeting.id,
        details={"items": len(items), "carried_over": carried_over},
    )
    return meeting
