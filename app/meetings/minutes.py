"""The agenda and the minutes as read models, cut to what each recipient may see.

RECIPIENT_FIELDS is the one place that says which fields a version holds: the builders
below fill a field only when the version allows it, so a field left out here is never
even read from the database for that reader. The CPR and the concern narratives are in no
version at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.auth.models import Organisation, User
from app.cases.case_services import age_on
from app.cases.models import Case, ConcernCategory, ConcernCategoryLink, ConcernPerson, Person
from app.meetings.follow_up import (
    ACTION_STATUS_LABELS,
    NOT_DONE_REASON_LABELS,
    OUTCOME_LABELS,
    checks_at,
)
from app.meetings.models import Action, ActionCheck, AgendaItem, Meeting, MeetingMember
from app.meetings.models import Recommendation as RecommendationRow

COMMITTEE_FIELDS = frozenset(
    {
        "meeting.details",  # date, time, place
        "meeting.members",  # name, organisation, attendance
        "person.name",
        "person.age",
        "case.area",
        "item.kind",
        "case.categories",  # labels only
        "recommendation.text",
        "action.measure",
        "action.owner",
        "action.deadline",
        "action.status",
        "action.outcome",
        "checks",  # the weekly checks done at this meeting
    }
)
RECIPIENT_FIELDS: dict[str, frozenset[str]] = {
    "coordinator": COMMITTEE_FIELDS
    | {"person.birth_date", "person.guardians", "meeting.notes", "action.note"},
    "committee": COMMITTEE_FIELDS,
    # One action-owning organisation's extract: its own actions from this meeting only.
    "organisation": frozenset(
        {
            "meeting.details",
            "person.name",
            "person.age",
            "action.measure",
            "action.deadline",
            "action.note",
        }
    ),
}
VERSIONS = tuple(RECIPIENT_FIELDS)

ITEM_KIND_LABELS = {
    "review": _l("For review"),
    "follow_up": _l("Follow-up"),
    "added": _l("Added by the coordinator"),
}
CHECK_RESULT_LABELS = {"done": _l("Done"), "not_done": _l("Not done")}
VERSION_LABELS = {
    "coordinator": _l("Coordinator's version"),
    "committee": _l("Committee version"),
    "organisation": _l("Extract for one organisation"),
}


@dataclass(frozen=True)
class Recipient:
    version: str
    organisation_id: int | None = None
    organisation_name: str | None = None

    def shows(self, name: str) -> bool:
        return name in RECIPIENT_FIELDS[self.version]


@dataclass
class MemberLine:
    name: str
    organisation: str
    attended: bool | None


@dataclass
class GuardianLine:
    name: str
    phone: str | None


@dataclass
class ActionLine:
    measure: str | None = None
    owner: str | None = None
    deadline: dt.date | None = None
    status: str | None = None
    outcome: str | None = None
    note: str | None = None


@dataclass
class CheckLine:
    measure: str
    owner: str
    result: str
    reason: str | None


@dataclass
class ItemSection:
    position: int
    discussed: bool
    name: str | None = None
    age: int | None = None
    birth_date: dt.date | None = None
    area: str | None = None
    kind: str | None = None
    categories: list[str] = field(default_factory=list)
    guardians: list[GuardianLine] = field(default_factory=list)
    recommendation: str | None = None
    next_review_on: dt.date | None = None
    actions: list[ActionLine] = field(default_factory=list)


@dataclass
class MeetingDocument:
    document: str
    recipient: Recipient
    held_on: dt.date
    start_time: dt.time | None
    location: str | None
    status: str
    members: list[MemberLine] = field(default_factory=list)
    notes: str | None = None
    items: list[ItemSection] = field(default_factory=list)
    checks: list[CheckLine] = field(default_factory=list)

    def shows(self, name: str) -> bool:
        return self.recipient.shows(name)


# --- building the documents ---------------------------------------------------------------


def _document(session: Session, meeting: Meeting, kind: str, recipient: Recipient):
    doc = MeetingDocument(
        document=kind,
        recipient=recipient,
        held_on=meeting.held_on,
        start_time=meeting.start_time if recipient.shows("meeting.details") else None,
        location=meeting.location if recipient.shows("meeting.details") else None,
        status=meeting.status,
    )
    if recipient.shows("meeting.members"):
        doc.members = _members(session, meeting)
    if recipient.shows("meeting.notes") and kind == "minutes":
        doc.notes = meeting.notes
    return doc


def build_minutes(
    session: Session, meeting: Meeting, recipient: Recipient, locale: str
) -> MeetingDocument:
    doc = _document(session, meeting, "minutes", recipient)
    items = _agenda_items(session, meeting)
    recommendations = {
        rec.case_id: rec
        for rec in session.scalars(
            select(RecommendationRow)
            .where(RecommendationRow.meeting_id == meeting.id)
            .options(selectinload(RecommendationRow.actions))
        )
    }
    labels = _Labels(session, locale)
    for item in items:
        rec = recommendations.get(item.case_id)
        actions = list(rec.actions) if rec else []
        if recipient.version == "organisation":
            actions = [a for a in actions if a.owner_organisation_id == recipient.organisation_id]
            if not actions:
                continue  # other cases are none of this organisation's business
        section = _section(session, item, meeting, recipient, labels)
        if rec is not None and recipient.shows("recommendation.text"):
            section.recommendation, section.next_review_on = rec.text, rec.next_review_on
        section.actions = [_action_line(a, recipient, labels) for a in actions]
        doc.items.append(section)
    if recipient.shows("checks"):
        doc.checks = _checks(session, meeting, labels)
    return doc


def build_agenda(
    session: Session, meeting: Meeting, recipient: Recipient, locale: str
) -> MeetingDocument:
    doc = _document(session, meeting, "agenda", recipient)
    labels = _Labels(session, locale)
    for item in _agenda_items(session, meeting):
        section = _section(session, item, meeting, recipient, labels)
        open_actions = session.scalars(
            select(Action)
            .where(Action.case_id == item.case_id, Action.status == "open")
            .order_by(Action.deadline, Action.id)
        )
        section.actions = [_action_line(a, recipient, labels, note=False) for a in open_actions]
        doc.items.append(section)
    return doc


def _agenda_items(session: Session, meeting: Meeting) -> list[AgendaItem]:
    return list(
        session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    )


def _members(session: Session, meeting: Meeting) -> list[MemberLine]:
    rows = session.execute(
        select(User.full_name, Organisation.name, MeetingMember.attended)
        .join(User, User.id == MeetingMember.user_id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(MeetingMember.meeting_id == meeting.id)
        .order_by(Organisation.name, User.full_name)
    )
    return [MemberLine(name, organisation, attended) for name, organisation, attended in rows]


def _section(
    session: Session, item: AgendaItem, meeting: Meeting, recipient: Recipient, labels: _Labels
) -> ItemSection:
    case = session.get(Case, item.case_id)
    person: Person = case.person
    section = ItemSection(position=item.position, discussed=item.discussed)
    if recipient.shows("person.name"):
        section.name = f"{person.first_name} {person.last_name}"
    if recipient.shows("person.age"):
        section.age = age_on(person.birth_date, meeting.held_on)
    if recipient.shows("person.birth_date"):
        section.birth_date = person.birth_date
    if recipient.shows("person.guardians"):
        section.guardians = [GuardianLine(g.name, g.phone) for g in person.guardians]
    if recipient.shows("case.area"):
        section.area = labels.area(case.area_id or person.area_id)
    if recipient.shows("item.kind"):
        section.kind = str(ITEM_KIND_LABELS.get(item.kind, item.kind))
    if recipient.shows("case.categories"):
        section.categories = labels.categories(case.id)
    return section


def _action_line(
    action: Action, recipient: Recipient, labels: _Labels, note: bool = True
) -> ActionLine:
    shows = recipient.shows
    return ActionLine(
        measure=labels.measure(action) if shows("action.measure") else None,
        owner=labels.organisation(action.owner_organisation_id) if shows("action.owner") else None,
        deadline=action.deadline if shows("action.deadline") else None,
        status=str(ACTION_STATUS_LABELS.get(action.status, action.status))
        if shows("action.status")
        else None,
        outcome=str(OUTCOME_LABELS[action.outcome])
        if shows("action.outcome") and action.outcome in OUTCOME_LABELS
        else None,
        note=action.note if note and shows("action.note") else None,
    )


def _checks(session: Session, meeting: Meeting, labels: _Labels) -> list[CheckLine]:
    checks: list[ActionCheck] = sorted(checks_at(session, meeting).values(), key=lambda c: c.id)
    lines = []
    for check in checks:
        action = session.get(Action, check.action_id)
        reason = NOT_DONE_REASON_LABELS.get(check.reason) if check.reason else None
        lines.append(
            CheckLine(
                measure=labels.measure(action),
                owner=labels.organisation(action.owner_organisation_id),
                result=str(CHECK_RESULT_LABELS.get(check.result, check.result)),
                reason=str(reason) if reason else None,
            )
        )
    return lines


class _Labels:
    """Names of areas, organisations and categories, looked up once per document."""

    def __init__(self, session: Session, locale: str) -> None:
        self.session = session
        self.english = locale.startswith("en")
        self._organisations: dict[int, str] = {}

    def measure(self, action: Action) -> str:
        kind = action.action_type
        return kind.label_en if self.english else kind.label_da

    def organisation(self, organisation_id: int) -> str:
        if organisation_id not in self._organisations:
            owner = self.session.get(Organisation, organisation_id)
            self._organisations[organisation_id] = owner.name if owner else "—"
        return self._organisations[organisation_id]

    def area(self, area_id: int | None) -> str | None:
        from app.areas.models import Area

        area = self.session.get(Area, area_id) if area_id else None
        return area.name if area else None

    def categories(self, case_id: int) -> list[str]:
        rows = self.session.scalars(
            select(ConcernCategory)
            .join(ConcernCategoryLink, ConcernCategoryLink.category_id == ConcernCategory.id)
            .join(ConcernPerson, ConcernPerson.concern_id == ConcernCategoryLink.concern_id)
            .where(ConcernPerson.case_id == case_id)
            .distinct()
            .order_by(ConcernCategory.position, ConcernCategory.id)
        )
        return [row.label_en if self.english else row.label_da for row in rows]
