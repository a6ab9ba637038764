"""Planning a meeting: its date, members and agenda (proposed, then reordered by hand).

Services take the session and the actor, write the audit entry and never commit.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.audit.actor import Actor
from app.audit.services import record
from app.auth.models import Organisation, User
from app.auth.roles import Role
from app.cases import workflow
from app.cases.models import Case
from app.cases.workflow import Status
from app.core.errors import DomainError
from app.meetings.models import AgendaItem, Meeting, MeetingMember
from app.meetings.schedule import current_schedule, next_meeting_date

OPEN_MEETING_STATES = ("planned", "in_progress")
FOLLOW_UP_STATES = (Status.RECOMMENDATION_MADE.value, Status.IN_FOLLOW_UP.value)


class MeetingClosed(DomainError):
    def __init__(self) -> None:
        super().__init__(_l("The meeting has been held; its agenda can no longer change."))


def ensure_open(meeting: Meeting) -> None:
    if meeting.status not in OPEN_MEETING_STATES:
        raise MeetingClosed()


def committee_members(session: Session) -> list[User]:
    """Active committee members of active § 115 organisations: the default attendees."""
    return list(
        session.scalars(
            select(User)
            .join(Organisation, Organisation.id == User.organisation_id)
            .where(
                User.role == Role.COMMITTEE.value,
                User.active.is_(True),
                Organisation.active.is_(True),
                Organisation.is_section_115_party.is_(True),
            )
            .order_by(Organisation.name, User.full_name)
        )
    )


def plan_meeting(
    session: Session,
    actor: Actor,
    *,
    today: dt.date,
    held_on: dt.date | None = None,
    start_time: dt.time | None = None,
) -> Meeting:
    """A meeting on the given date (or the next scheduled one) with members and a proposal."""
    schedule = current_schedule(session)
    if held_on is None:
        held_on = next_meeting_date(schedule, today)
    if held_on < today:
        raise DomainError(_l("A meeting cannot be planned in the past."), "held_on")
    if session.scalar(select(Meeting.id).where(Meeting.held_on == held_on)) is not None:
        raise DomainError(_l("There is already a meeting on that day."), "held_on")
    meeting = Meeting(
        held_on=held_on,
        start_time=start_time or schedule.start_time,
        location=schedule.location,
        status="planned",
        created_by_id=actor.user_id,
    )
    session.add(meeting)
    session.flush()
    for user in committee_members(session):
        session.add(MeetingMember(meeting_id=meeting.id, user_id=user.id))
    session.flush()
    record(
        session,
        actor,
        "meeting.plan",
        object_type="meeting",
        object_id=meeting.id,
        details={"held_on": held_on.isoformat()},
    )
    propose_agenda(session, actor, meeting)
    return meeting


def proposed_cases(session: Session, meeting: Meeting) -> list[Case]:
    """Cases ready for review, and cases whose follow-up falls due by the meeting date,
    that are not on an agenda already (a case discussed at this meeting stays off)."""
    on_this_agenda = select(AgendaItem.case_id).where(AgendaItem.meeting_id == meeting.id)
    return list(
        session.scalars(
            select(Case)
            .where(
                or_(
                    Case.status == Status.READY_FOR_REVIEW.value,
                    (Case.status.in_(FOLLOW_UP_STATES)) & (Case.next_review_on <= meeting.held_on),
                ),
                Case.id.not_in(on_this_agenda),
            )
            .order_by(Case.next_review_on.is_(None), Case.next_review_on, Case.opened_at, Case.id)
        )
    )


def _next_position(session: Session, meeting: Meeting) -> int:
    last = session.scalar(
        select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)
    )
    return (last or 0) + 1


def _add(session: Session, actor: Actor, meeting: Meeting, case: Case, kind: str) -> AgendaItem:
    previous = workflow.put_on_agenda(session, actor, case, meeting.id)
    item = AgendaItem(
        meeting_id=meeting.id,
        case_id=case.id,
        position=_next_position(session, meeting),
        kind=kind,
        previous_status=previous,
    )
    session.add(item)
    session.flush()
    return item


def propose_agenda(session: Session, actor: Actor, meeting: Meeting) -> list[AgendaItem]:
    """Add every case that is due; cases already on the agenda stay where they are."""
    ensure_open(meeting)
    added = []
    for case in proposed_cases(session, meeting):
        kind = "review" if case.status == Status.READY_FOR_REVIEW.value else "follow_up"
        added.append(_add(session, actor, meeting, case, kind))
    record(
        session,
        actor,
        "meeting.agenda_propose",
        object_type="meeting",
        object_id=meeting.id,
        details={"added": len(added)},
    )
    return added


def add_case(session: Session, actor: Actor, meeting: Meeting, case_id: int) -> AgendaItem:
    """The coordinator puts a case on the agenda by hand."""
    ensure_open(meeting)
    case = session.get(Case, case_id)
    if case is None:
        raise DomainError(_l("No such case."), "case_id")
    item = _add(session, actor, meeting, case, "added")
    record(
        session,
        actor,
        "meeting.agenda_add",
        object_type="meeting",
        object_id=meeting.id,
        details={"case": case.id},
    )
    return item


def _item(session: Session, meeting: Meeting, item_id: int) -> AgendaItem:
    item = session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        raise DomainError(_l("That case is not on this agenda."), "item")
    return item


def remove_item(session: Session, actor: Actor, meeting: Meeting, item_id: int) -> None:
    """Take a case off the agenda; it returns to the status it had before."""
    ensure_open(meeting)
    item = _item(session, meeting, item_id)
    if item.discussed:
        raise DomainError(_l("A case that has been discussed stays on the agenda."), "item")
    case = session.get(Case, item.case_id)
    workflow.take_off_agenda(session, actor, case, item.previous_status)
    session.delete(item)
    session.flush()
    _renumber(session, meeting)
    record(
        session,
        actor,
        "meeting.agenda_remove",
        object_type="meeting",
        object_id=meeting.id,
        details={"case": case.id},
    )


def _renumber(session: Session, meeting: Meeting) -> None:
    items = session.scalars(
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting.id)
        .order_by(AgendaItem.position, AgendaItem.id)
    ).all()
    for position, item in enumerate(items, start=1):
        item.position = position
    session.flush()


def move_item(
    session: Session, actor: Actor, meeting: Meeting, item_id: int, direction: str
) -> None:
    """Move a case one place up or down the agenda."""
    ensure_open(meeting)
    if direction not in ("up", "down"):
        raise DomainError(_l("Move a case up or down."), "direction")
    item = _item(session, meeting, item_id)
    items = list(
        session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    )
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
        for position, each in enumerate(items, start=1):
            each.position = position
        session.flush()
    record(
        session,
        actor,
        "meeting.agenda_move",
        object_type="meeting",
        object_id=meeting.id,
        details={"case": item.case_id, "direction": direction},
    )


def add_member(session: Session, actor: Actor, meeting: Meeting, user_id: int) -> MeetingMember:
    """Invite a committee member; only case roles in § 115 organisations qualify."""
    ensure_open(meeting)
    eligible = {user.id for user in committee_members(session)}
    if user_id not in eligible:
        raise DomainError(
            _l("Only active committee members of § 115 organisations can attend."), "user_id"
        )
    existing = session.scalar(
        select(MeetingMember).where(
            MeetingMember.meeting_id == meeting.id, MeetingMember.user_id == user_id
        )
    )
    if existing is not None:
        return existing
    member = MeetingMember(meeting_id=meeting.id, user_id=user_id)
    session.add(member)
    session.flush()
    record(
        session,
        actor,
        "meeting.member_add",
        object_type="meeting",
        object_id=meeting.id,
        details={"user": user_id},
    )
    return member


def remove_member(session: Session, actor: Actor, meeting: Meeting, user_id: int) -> None:
    """Removing a member ends their view of the meeting's cases at once. A held meeting's
    members are its record of attendance and stay."""
    ensure_open(meeting)
    member = session.scalar(
        select(MeetingMember).where(
            MeetingMember.meeting_id == meeting.id, MeetingMember.user_id == user_id
        )
    )
    if member is None:
        raise DomainError(_l("That person is not a member of this meeting."), "user_id")
    session.delete(member)
    session.flush()
    record(
        session,
        actor,
        "meeting.member_remove",
        object_type="meeting",
        object_id=meeting.id,
        details={"user": user_id},
    )
