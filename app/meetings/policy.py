"""Who may see which meeting and its actions, and which cases the meeting assigns.

The coordinator plans and runs every meeting. A committee member sees the meetings they
are a member of, the cases on those meetings' agendas, and the cases where their own
organisation owns an action. Everybody else sees no meeting at all.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, exists, false, select
from sqlalchemy.orm import Session

from app.audit.actor import Actor
from app.auth.roles import Role
from app.cases.models import Case
from app.cases.policy import register_assignment_rule
from app.meetings.models import Action, AgendaItem, Meeting, MeetingMember


def manages_meetings(actor: Actor) -> bool:
    return actor.role == Role.COORDINATOR


def _is_member(actor: Actor) -> ColumnElement[bool]:
    return exists().where(
        MeetingMember.meeting_id == Meeting.id, MeetingMember.user_id == actor.user_id
    )


def visible_meetings(actor: Actor) -> Select:
    """Meetings `actor` may list: all for the coordinator, their own for committee members."""
    query = select(Meeting)
    if manages_meetings(actor):
        return query
    if actor.role == Role.COMMITTEE and actor.user_id is not None:
        return query.where(_is_member(actor))
    return query.where(false())


def can_view_meeting(session: Session, actor: Actor, meeting: Meeting) -> bool:
    if manages_meetings(actor):
        return True
    if actor.role != Role.COMMITTEE or actor.user_id is None:
        return False
    return (
        session.scalar(
            select(MeetingMember.id).where(
                MeetingMember.meeting_id == meeting.id, MeetingMember.user_id == actor.user_id
            )
        )
        is not None
    )


def visible_actions(actor: Actor) -> Select:
    """Actions `actor` may follow: all for the coordinator, their organisation's for members."""
    query = select(Action)
    if manages_meetings(actor):
        return query
    if actor.role == Role.COMMITTEE and actor.organisation_id is not None:
        return query.where(Action.owner_organisation_id == actor.organisation_id)
    return query.where(false())


@register_assignment_rule
def on_agenda_of_my_meeting(actor: Actor) -> ColumnElement[bool]:
    """A case on the agenda of a meeting the member belongs to."""
    if actor.user_id is None:
        return false()
    return exists().where(
        AgendaItem.case_id == Case.id,
        MeetingMember.meeting_id == AgendaItem.meeting_id,
        MeetingMember.user_id == actor.user_id,
    )


@register_assignment_rule
def my_organisation_owns_an_action(actor: Actor) -> ColumnElement[bool]:
    """A case where the member's organisation owns a recommended action."""
    if actor.organisation_id is None:
        return false()
    return exists().where(
        Action.case_id == Case.id, Action.owner_organisation_id == actor.organisation_id
    )


def load_meeting_or_deny(actor: Actor, meeting_id: int) -> Meeting:
    """For views: 404 for unknown ids, 403 with an audit entry for someone else's meeting."""
    from flask import abort

    from app.audit.services import record_independently
    from app.db import db

    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    if not can_view_meeting(db.session, actor, meeting):
        db.session.rollback()
        record_independently(
            db.new_session,
            actor,
            "meeting.view",
            object_type="meeting",
            object_id=meeting_id,
            outcome="denied",
        )
        abort(403)
    return meeting
