"""Read models for the meeting pages and the case page's meetings section.

Only the meeting page decrypts names (and audits that it did); the list shows dates and counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.actor import Actor
from app.audit.services import record
from app.auth.models import Organisation, User
from app.cases.case_services import age_on
from app.cases.models import Case, Person
from app.cases.workflow import Status
from app.meetings.agenda import OPEN_MEETING_STATES, committee_members
from app.meetings.follow_up import ACTION_STATUS_LABELS, OUTCOME_LABELS
from app.meetings.models import AgendaItem, Meeting, MeetingMember
from app.meetings.policy import can_view_meeting, manages_meetings, visible_meetings
from app.meetings.recommendations import recommendations_of_case
from app.meetings.schedule import current_schedule, next_meeting_date

HELD_SHOWN = 20

MEETING_STATUS_LABELS = {
    "planned": _l("Planned"),
    "in_progress": _l("In progress"),
    "held": _l("Held"),
}
KIND_LABELS = {
    "review": _l("Review"),
    "follow_up": _l("Follow-up"),
    "added": _l("Added by the coordinator"),
}


# --- the list of meetings ---------------------------------------------------------------


@dataclass(frozen=True)
class MeetingRow:
    meeting: Meeting
    case_count: int


@dataclass(frozen=True)
class MeetingList:
    upcoming: list[MeetingRow]
    held: list[MeetingRow]


def meeting_list(session: Session, actor: Actor) -> MeetingList:
    """Every upcoming meeting and the last held ones that `actor` may see; no names."""
    cases = (
        select(func.count(AgendaItem.id))
        .where(AgendaItem.meeting_id == Meeting.id)
        .correlate(Meeting)
        .scalar_subquery()
    )
    base = visible_meetings(actor).add_columns(cases)
    upcoming = session.execute(
        base.where(Meeting.status.in_(OPEN_MEETING_STATES)).order_by(Meeting.held_on, Meeting.id)
    ).all()
    held = session.execute(
        base.where(Meeting.status.not_in(OPEN_MEETING_STATES))
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())
        .limit(HELD_SHOWN)
    ).all()
    return MeetingList(
        upcoming=[MeetingRow(m, n or 0) for m, n in upcoming],
        held=[MeetingRow(m, n or 0) for m, n in held],
    )


# --- one meeting ----------------------------------------------------------------------


@dataclass(frozen=True)
class MemberRow:
    user_id: int
    name: str
    organisation: str
    attended: bool | None


@dataclass(frozen=True)
class AgendaRow:
    item_id: int
    position: int
    case_id: int
    name: str
    age: int | None
    area_name: str | None
    kind: str
    case_status: str
    discussed: bool


@dataclass
class MeetingPage:
    meeting: Meeting
    members: list[MemberRow]
    items: list[AgendaRow]
    # Committee members who could still be invited; only filled for the coordinator.
    candidates: list[MemberRow] = field(default_factory=list)


def _members(session: Session, meeting: Meeting) -> list[MemberRow]:
    rows = session.execute(
        select(MeetingMember, User.full_name, Organisation.name)
        .join(User, User.id == MeetingMember.user_id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(MeetingMember.meeting_id == meeting.id)
        .order_by(Organisation.name, User.full_name)
    ).all()
    return [MemberRow(m.user_id, name, org, m.attended) for m, name, org in rows]


def _agenda(session: Session, meeting: Meeting, today: dt.date) -> list[AgendaRow]:
    from app.areas.models import Area

    rows = session.execute(
        select(AgendaItem, Case.status, Person, Area.name)
        .join(Case, Case.id == AgendaItem.case_id)
        .join(Person, Person.id == Case.person_id)
        .outerjoin(Area, Area.id == Person.area_id)
        .where(AgendaItem.meeting_id == meeting.id)
        .order_by(AgendaItem.position, AgendaItem.id)
    ).all()
    return [
        AgendaRow(
            item_id=item.id,
            position=item.position,
            case_id=item.case_id,
            name=f"{person.first_name} {person.last_name}",
            age=age_on(person.birth_date, today) if person.birth_date else None,
            area_name=area_name,
            kind=item.kind,
            case_status=status,
            discussed=item.discussed,
        )
        for item, status, person, area_name in rows
    ]


def meeting_page(session: Session, actor: Actor, meeting: Meeting, today: dt.date) -> MeetingPage:
    """The meeting with its members and agenda; decrypting the names is an audited read."""
    members = _members(session, meeting)
    items = _agenda(session, meeting, today)
    candidates: list[MemberRow] = []
    if manages_meetings(actor) and meeting.status in OPEN_MEETING_STATES:
        invited = {m.user_id for m in members}
        candidates = [
            MemberRow(u.id, u.full_name, u.organisation.name, None)
            for u in committee_members(session)
            if u.id not in invited
        ]
    record(
        session,
        actor,
        "meeting.view",
        object_type="meeting",
        object_id=meeting.id,
        details={"cases": len(items)},
    )
    return MeetingPage(meeting, members, items, candidates)


def is_on_agenda(session: Session, meeting_id: int, case_id: int) -> bool:
    """Whether the case has an item on this meeting (discussed or not)."""
    return (
        session.scalar(
            select(AgendaItem.id).where(
                AgendaItem.meeting_id == meeting_id, AgendaItem.case_id == case_id
            )
        )
        is not None
    )


# --- the case page's section ------------------------------------------------------------


@dataclass(frozen=True)
class ActionView:
    label: str
    owner: str
    deadline: dt.date
    status: str
    status_label: str
    outcome_label: str | None


@dataclass(frozen=True)
class RecommendationView:
    id: int
    meeting_id: int | None
    meeting_date: dt.date | None
    text: str
    next_review_on: dt.date | None
    actions: list[ActionView]


@dataclass(frozen=True)
class MeetingRef:
    id: int
    held_on: dt.date
    viewable: bool  # whether the reader may open the meeting page


@dataclass
class CaseMeetings:
    recommendations: list[RecommendationView]
    on_agenda_of: list[MeetingRef]
    # Meetings the coordinator may put the case on; empty when it cannot go on one now.
    agenda_choices: list[MeetingRef]


def _action_views(session: Session, recommendation, english: bool) -> list[ActionView]:
    owners = dict(
        session.execute(
            select(Organisation.id, Organisation.name).where(
                Organisation.id.in_({a.owner_organisation_id for a in recommendation.actions})
            )
        ).all()
    )
    return [
        ActionView(
            label=a.action_type.label_en if english else a.action_type.label_da,
            owner=owners.get(a.owner_organisation_id, "—"),
            deadline=a.deadline,
            status=a.status,
            status_label=str(ACTION_STATUS_LABELS.get(a.status, a.status)),
            outcome_label=str(OUTCOME_LABELS.get(a.outcome, a.outcome)) if a.outcome else None,
        )
        for a in recommendation.actions
    ]


def _recommendations(session: Session, case_id: int, english: bool) -> list[RecommendationView]:
    found = recommendations_of_case(session, case_id)
    dates = dict(
        session.execute(
            select(Meeting.id, Meeting.held_on).where(
                Meeting.id.in_({r.meeting_id for r in found if r.meeting_id})
            )
        ).all()
    )
    return [
        RecommendationView(
            id=r.id,
            meeting_id=r.meeting_id,
            meeting_date=dates.get(r.meeting_id),
            text=r.text,
            next_review_on=r.next_review_on,
            actions=_action_views(session, r, english),
        )
        for r in found
    ]


def case_meetings(session: Session, actor: Actor, case: Case, locale: str) -> CaseMeetings:
    """Recommendations newest first, the upcoming meeting the case is on, and (for the
    coordinator) the open meetings it may be put on. The case page's own audit row covers it."""
    open_meetings = list(
        session.scalars(
            select(Meeting)
            .where(Meeting.status.in_(OPEN_MEETING_STATES))
            .order_by(Meeting.held_on, Meeting.id)
        )
    )
    # meeting id → whether the case has been discussed there already
    items = dict(
        session.execute(
            select(AgendaItem.meeting_id, AgendaItem.discussed).where(AgendaItem.case_id == case.id)
        ).all()
    )
    on_agenda_of = [
        MeetingRef(m.id, m.held_on, can_view_meeting(session, actor, m))
        for m in open_meetings
        if items.get(m.id) is False
    ]
    choices: list[MeetingRef] = []
    can_go_on = case.status not in (Status.CLOSED.value, Status.ON_AGENDA.value)
    if manages_meetings(actor) and can_go_on and not on_agenda_of:
        choices = [MeetingRef(m.id, m.held_on, True) for m in open_meetings if m.id not in items]
    return CaseMeetings(
        recommendations=_recommendations(session, case.id, locale.startswith("en")),
        on_agenda_of=on_agenda_of,
        agenda_choices=choices,
    )


def default_meeting_date(session: Session, today: dt.date) -> dt.date:
    """The date a meeting planned without a date gets: the next scheduled weekday."""
    return next_meeting_date(current_schedule(session), today)
