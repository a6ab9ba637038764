"""Meeting mode's read model: what the room's one screen shows, one step at a time.

The screens run in order: last week's open actions, each agenda item, then the end. Every
screen that shows a young person's name or case text writes its audit entry here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.actor import Actor
from app.audit.services import record
from app.auth.models import Organisation, User
from app.cases.case_services import ConcernView, age_on, case_concerns
from app.cases.models import Case
from app.meetings import follow_up
from app.meetings.agenda import ensure_open
from app.meetings.models import (
    Action,
    ActionCheck,
    ActionType,
    AgendaItem,
    Meeting,
    MeetingMember,
    Recommendation,
)
from app.meetings.recommendations import recommendations_of_case
from app.meetings.suggestions import PROFILE_PROVIDERS, Profile, Suggestion, suggestions_for_case

MEETING_PURPOSE = "meeting"


@dataclass(frozen=True)
class MemberRow:
    user_id: int
    name: str
    organisation: str | None
    attended: bool | None


@dataclass(frozen=True)
class OpenActionRow:
    action: Action
    young_person: str
    owner: str
    overdue: bool
    check: ActionCheck | None


@dataclass
class OpenActionsView:
    meeting: Meeting
    members: list[MemberRow]
    actions: list[OpenActionRow]
    first_item_id: int | None


@dataclass
class ItemView:
    meeting: Meeting
    item: AgendaItem
    number: int
    total: int
    case: Case
    name: str
    age: int | None
    area_name: str | None
    institution: str | None
    concerns: list[ConcernView]
    # The assessments feature fills `profile`; until then the page says what is known.
    profile: Profile | None
    suggestions: list[Suggestion] | None
    this_meeting: Recommendation | None
    earlier: list[Recommendation]
    organisations: dict[int, str]
    previous_item_id: int | None
    next_item_id: int | None
    last_concern_on: dt.date | None = None


@dataclass
class EndView:
    meeting: Meeting
    carried_over: list[tuple[AgendaItem, str]] = field(default_factory=list)
    recommended: int = 0
    last_item_id: int | None = None


def agenda_items(session: Session, meeting: Meeting) -> list[AgendaItem]:
    return list(
        session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    )


def item_of(session: Session, meeting: Meeting, item_id: int) -> AgendaItem | None:
    """The agenda item, only if it is on this meeting's agenda (else the view answers 404)."""
    item = session.get(AgendaItem, item_id)
    return item if item is not None and item.meeting_id == meeting.id else None


def item_for_case(session: Session, meeting: Meeting, case_id: int) -> AgendaItem | None:
    return session.scalar(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id, AgendaItem.case_id == case_id)
    )


def action_of(session: Session, meeting: Meeting, action_id: int) -> Action | None:
    """An action this meeting deals with: one of its cases' actions, or one it checks."""
    action = session.get(Action, action_id)
    if action is None:
        return None
    if item_for_case(session, meeting, action.case_id) is not None:
        return action
    return action if action in follow_up.open_actions_before(session, meeting) else None


def _person_name(case: Case) -> str:
    return f"{case.person.first_name} {case.person.last_name}"


def _organisation_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
    )
    return {key: name for key, name in rows}


def members_of(session: Session, meeting: Meeting) -> list[MemberRow]:
    rows = session.execute(
        select(MeetingMember.user_id, User.full_name, Organisation.name, MeetingMember.attended)
        .join(User, User.id == MeetingMember.user_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(MeetingMember.meeting_id == meeting.id)
        .order_by(Organisation.name, User.full_name)
    ).all()
    return [MemberRow(*row) for row in rows]


def view_open_actions(
    session: Session, actor: Actor, meeting: Meeting, today: dt.date
) -> OpenActionsView:
    """The first screen: who is here, and last week's actions to mark done or not done."""
    actions = follow_up.open_actions_before(session, meeting)
    checks = follow_up.checks_at(session, meeting)
    owners = _organisation_names(session, {a.owner_organisation_id for a in actions})
    cases = {
        case.id: case
        for case in session.scalars(select(Case).where(Case.id.in_({a.case_id for a in actions})))
    }
    record(
        session,
        actor,
        "meeting.open_actions_view",
        object_type="meeting",
        object_id=meeting.id,
        details={"actions": len(actions)},
    )
    items = agenda_items(session, meeting)
    return OpenActionsView(
        meeting=meeting,
        members=members_of(session, meeting),
        actions=[
            OpenActionRow(
                action=action,
                young_person=_person_name(cases[action.case_id]),
                owner=owners.get(action.owner_organisation_id, ""),
                overdue=action.status == "open" and action.deadline < today,
                check=checks.get(action.id),
            )
            for action in actions
        ],
        first_item_id=items[0].id if items else None,
    )


def _profile(session: Session, case_id: int) -> Profile | None:
    for provider in PROFILE_PROVIDERS:
        profile = provider(session, case_id)
        if profile:
            return profile
    return None


def view_item(
    session: Session, actor: Actor, meeting: Meeting, item: AgendaItem, today: dt.date
) -> ItemView:
    """One case as the room sees it; opening it is a read of the case, audited as such."""
    from app.areas.models import Area

    case = session.get(Case, item.case_id)
    record(
        session,
        actor,
        "case.view",
        object_type="case",
        object_id=case.id,
        purpose=MEETING_PURPOSE,
        details={"meeting": meeting.id},
    )
    items = agenda_items(session, meeting)
    index = [each.id for each in items].index(item.id)
    recommendations = recommendations_of_case(session, case.id)
    this_meeting = next((r for r in recommendations if r.meeting_id == meeting.id), None)
    person = case.person
    area = session.get(Area, person.area_id) if person.area_id else None
    concerns = case_concerns(session, case)
    owners = {a.owner_organisation_id for r in recommendations for a in r.actions}
    return ItemView(
        meeting=meeting,
        item=item,
        number=index + 1,
        total=len(items),
        case=case,
        name=_person_name(case),
        age=age_on(person.birth_date, today),
        area_name=area.name if area else None,
        institution=person.institution,
        concerns=concerns,
        profile=_profile(session, case.id),
        suggestions=suggestions_for_case(session, case.id),
        this_meeting=this_meeting,
        earlier=[r for r in recommendations if r is not this_meeting],
        organisations=_organisation_names(session, owners),
        previous_item_id=items[index - 1].id if index > 0 else None,
        next_item_id=items[index + 1].id if index + 1 < len(items) else None,
        last_concern_on=max((c.occurred_on for c in concerns), default=None),
    )


def view_end(session: Session, actor: Actor, meeting: Meeting) -> EndView:
    """After the last case: which cases have no recommendation and will be carried over."""
    items = agenda_items(session, meeting)
    recommended = set(
        session.scalars(
            select(Recommendation.case_id).where(Recommendation.meeting_id == meeting.id)
        )
    )
    waiting = [item for item in items if item.case_id not in recommended]
    cases = {
        case.id: case
        for case in session.scalars(select(Case).where(Case.id.in_({i.case_id for i in waiting})))
    }
    record(
        session,
        actor,
        "meeting.end_view",
        object_type="meeting",
        object_id=meeting.id,
        details={"carried_over": len(waiting)},
    )
    return EndView(
        meeting=meeting,
        carried_over=[(item, _person_name(cases[item.case_id])) for item in waiting],
        recommended=len(items) - len(waiting),
        last_item_id=items[-1].id if items else None,
    )


def record_outcome_at(
    session: Session, actor: Actor, meeting: Meeting, action: Action, outcome: str
) -> Action:
    """An outcome recorded from the meeting screen: only while the meeting is open."""
    ensure_open(meeting)
    return follow_up.record_outcome(session, actor, action, outcome)


def measure_choices(session: Session, locale: str) -> list[tuple[int, str, str]]:
    """Active measures as (id, label, help) in the reader's language, in catalogue order."""
    english = locale.startswith("en")
    return [
        (t.id, t.label_en if english else t.label_da, t.help_en if english else t.help_da)
        for t in session.scalars(
            select(ActionType).where(ActionType.active.is_(True)).order_by(ActionType.position)
        )
    ]


def owner_choices(session: Session) -> list[tuple[int, str]]:
    """Only active § 115 organisations may own an action."""
    rows = session.execute(
        select(Organisation.id, Organisation.name)
        .where(Organisation.active.is_(True), Organisation.is_section_115_party.is_(True))
        .order_by(Organisation.name)
    )
    return [(key, name) for key, name in rows]


def overdue_with_names(
    session: Session, actor: Actor, today: dt.date
) -> tuple[list[follow_up.OverdueGroup], dict[int, str]]:
    """The overdue list (audited by follow_up) and the young people's names for its rows."""
    groups = follow_up.overdue_by_organisation(session, actor, today)
    case_ids = {action.case_id for group in groups for action in group.actions}
    cases = session.scalars(select(Case).where(Case.id.in_(case_ids))) if case_ids else []
    return groups, {case.id: _person_name(case) for case in cases}
