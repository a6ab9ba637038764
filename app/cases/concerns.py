"""Recording and reporting concerns. Each named person's case gets the concern; no peer shows.

Everything is checked before anything is written, so a refused concern changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.areas.models import Area
from app.audit.actor import Actor
from app.audit.services import record
from app.cases.models import Case, Concern, ConcernCategory, ConcernPerson, Person
from app.cases.monitoring_feed import count_concern
from app.cases.persons import PersonInput, add_person, check_person, is_possible_id
from app.cases.workflow import open_or_attach
from app.core.errors import DomainError

REPORTER_TYPES = {
    "police": _l("Police"),
    "school": _l("School"),
    "club": _l("Club"),
    "parent": _l("Parent"),
    "other_professional": _l("Other professional"),
    "anonymous": _l("Anonymous"),
}
LEGAL_BASES = {
    "s115": _l("Retsplejeloven § 115"),
    "consent": _l("Consent"),
    "other": _l("Other (explain in the note)"),
}
NOTIFICATIONS = {
    "made": _l("A notification has been made"),
    "needed": _l("A notification is needed"),
    "not_needed": _l("No notification is needed"),
}
NARRATIVE_MAX = 10_000
NOTE_MAX = 1_000
PLACE_MAX = 200
MAX_PERSONS = 10
INBOX = "inbox"
RECORDED = "recorded"


@dataclass
class ConcernInput:
    occurred_on: dt.date | None
    area_id: int | None
    reporter_type: str
    categories: list[str]
    narrative: str
    legal_basis: str
    person_ids: list[int] = field(default_factory=list)
    new_persons: list[PersonInput] = field(default_factory=list)
    legal_basis_note: str | None = None
    notification: str | None = None
    place: str | None = None


@dataclass(frozen=True)
class ConcernSummary:
    """A concern as one person's case shows it: no other person of a group appears."""

    id: int
    occurred_on: dt.date
    area_id: int | None
    reporter_type: str
    category_keys: tuple[str, ...]
    narrative: str
    legal_basis: str
    notification: str | None
    status: str


@dataclass(frozen=True)
class Checked:
    categories: list[ConcernCategory]
    existing: list[Person]
    new: list[PersonInput]


def active_categories(session: Session) -> list[ConcernCategory]:
    return list(
        session.scalars(
            select(ConcernCategory)
            .where(ConcernCategory.active)
            .order_by(ConcernCategory.position, ConcernCategory.id)
        )
    )


def _check_facts(session: Session, data: ConcernInput) -> list[ConcernCategory]:
    if data.occurred_on is None:
        raise DomainError(_l("Enter the date of what happened."), "occurred_on")
    if data.occurred_on > dt.date.today():
        raise DomainError(_l("The date of what happened cannot be in the future."), "occurred_on")
    if not is_possible_id(data.area_id) or session.get(Area, data.area_id) is None:
        raise DomainError(_l("Choose the area where it happened from the list."), "area_id")
    if len(data.place or "") > PLACE_MAX:
        raise DomainError(
            _l("The place can be at most %(max)d characters.", max=PLACE_MAX), "place"
        )
    if data.reporter_type not in REPORTER_TYPES:
        raise DomainError(_l("Choose who reported the concern."), "reporter_type")
    keys = set(data.categories or ())
    categories = [c for c in active_categories(session) if c.key in keys]
    if not keys:
        raise DomainError(_l("Choose at least one category."), "categories")
    if len(categories) != len(keys):
        raise DomainError(_l("Choose categories from the list."), "categories")
    if not (data.narrative or "").strip():
        raise DomainError(_l("Describe what happened."), "narrative")
    if len(data.narrative) > NARRATIVE_MAX:
        raise DomainError(
            _l("The description can be at most %(max)d characters.", max=NARRATIVE_MAX), "narrative"
        )
    if data.legal_basis not in LEGAL_BASES:
        raise DomainError(_l("Choose the legal basis for sharing."), "legal_basis")
    note = (data.legal_basis_note or "").strip()
    if data.legal_basis == "other" and not note:
        raise DomainError(_l("Explain the legal basis when it is “other”."), "legal_basis_note")
    if len(note) > NOTE_MAX:
        raise DomainError(
            _l("The note can be at most %(max)d characters.", max=NOTE_MAX), "legal_basis_note"
        )
    if data.notification is not None and data.notification not in NOTIFICATIONS:
        raise DomainError(_l("Choose an answer about the notification."), "notification")
    return categories


def _check_persons(session: Session, data: ConcernInput, allow_existing: bool):
    ids = list(dict.fromkeys(data.person_ids or ()))
    if ids and not allow_existing:
        raise DomainError(_l("Name the persons concerned."), "persons")
    if not ids and not data.new_persons:
        raise DomainError(_l("Name at least one person."), "persons")
    if len(ids) + len(data.new_persons) > MAX_PERSONS:
        raise DomainError(
            _l("A concern can name at most %(max)d persons.", max=MAX_PERSONS), "persons"
        )
    existing = list(
        session.scalars(
            select(Person).where(
                Person.id.in_([i for i in ids if is_possible_id(i)]),
                Person.merged_into_id.is_(None),
            )
        )
    )
    if len(existing) != len(ids):
        raise DomainError(_l("One of the chosen persons does not exist."), "persons")
    new = []
    for index, person in enumerate(data.new_persons):
        try:
            new.append(check_person(session, person))
        except DomainError as error:
            error.person_index = index  # which new person, for the form to point at
            raise
    cprs = [p.cpr for p in new if p.cpr]
    if len(set(cprs)) != len(cprs):
        raise DomainError(_l("The same CPR number is entered twice."), "persons")
    return existing, new


def check_concern(session: Session, data: ConcernInput, *, allow_existing: bool = True) -> Checked:
    """Every rule, before any write."""
    categories = _check_facts(session, data)
    existing, new = _check_persons(session, data, allow_existing)
    return Checked(categories, existing, new)


def _store(
    session: Session,
    actor: Actor,
    data: ConcernInput,
    checked: Checked,
    *,
    status: str,
    idempotency_key: str | None = None,
) -> tuple[Concern, list[ConcernPerson]]:
    note = (data.legal_basis_note or "").strip() or None
    concern = Concern(
        occurred_on=data.occurred_on,
        area_id=data.area_id,
        place=(data.place or "").strip() or None,
        reporter_type=data.reporter_type,
        narrative=data.narrative.strip(),
        legal_basis=data.legal_basis,
        legal_basis_note=note,
        notification=data.notification,
        status=status,
        categories=checked.categories,
        idempotency_key=idempotency_key,
        reported_by_id=actor.user_id if status == INBOX else None,
    )
    session.add(concern)
    session.flush()
    persons = checked.existing + [add_person(session, actor, p) for p in checked.new]
    links = []
    for person in persons:
        link = ConcernPerson(concern_id=concern.id, person_id=person.id)
        session.add(link)
        links.append(link)
    session.flush()
    return concern, links


def record_concern(
    session: Session, actor: Actor, data: ConcernInput, *, idempotency_key: str | None = None
) -> Concern:
    """The coordinator records a concern; each person's case is opened or gets it."""
    checked = check_concern(session, data)
    concern, links = _store(
        session, actor, data, checked, status=RECORDED, idempotency_key=idempotency_key
    )
    _attach_cases(session, actor, concern, links)
    count_concern(session, concern)
    record(
        session,
        actor,
        "concern.create",
        object_type="concern",
        object_id=concern.id,
        details={"persons": len(links)},
    )
    return concern


def report_concern(session: Session, actor: Actor, data: ConcernInput) -> Concern:
    """A professional reports a concern; it waits in the coordinator's inbox, with no case yet."""
    checked = check_concern(session, data, allow_existing=False)
    concern, links = _store(session, actor, data, checked, status=INBOX)
    record(
        session,
        actor,
        "concern.report",
        object_type="concern",
        object_id=concern.id,
        details={"persons": len(links)},
    )
    return concern


def _attach_cases(
    session: Session, actor: Actor, concern: Concern, links: list[ConcernPerson]
) -> None:
    for link in links:
        open_or_attach(session, actor, session.get(Person, link.person_id), concern, link)
    session.flush()


def accept_report(session: Session, actor: Actor, concern_id: int) -> Concern:
    """The coordinator takes a reported concern in: the persons' cases are opened or get it."""
    concern = session.get(Concern, concern_id) if is_possible_id(concern_id) else None
    if concern is None or concern.status != INBOX:
        raise DomainError(_l("This report is no longer waiting in the inbox."), "concern_id")
    concern.status = RECORDED
    _attach_cases(session, actor, concern, list(concern.links))
    count_concern(session, concern)
    record(
        session,
        actor,
        "concern.accept",
        object_type="concern",
        object_id=concern.id,
        details={"persons": len(concern.links)},
    )
    return concern


def answer_notification(session: Session, actor: Actor, concern_id: int, answer: str) -> Concern:
    """Record whether child services were (or must be) notified (barnets lov § 133)."""
    concern = session.get(Concern, concern_id) if is_possible_id(concern_id) else None
    if concern is None:
        raise DomainError(_l("This concern does not exist."), "concern_id")
    if answer not in NOTIFICATIONS:
        raise DomainError(_l("Choose an answer about the notification."), "notification")
    concern.notification = answer
    session.flush()
    record(
        session,
        actor,
        "concern.notification",
        object_type="concern",
        object_id=concern.id,
        details={"answer": answer},
    )
    return concern


@dataclass(frozen=True)
class InboxItem:
    concern: Concern
    persons: list[Person]


def inbox(session: Session, actor: Actor) -> list[InboxItem]:
    """Reported concerns waiting for the coordinator, oldest first; the read is audited."""
    concerns = list(
        session.scalars(
            select(Concern)
            .where(Concern.status == INBOX)
            .order_by(Concern.created_at, Concern.id)
            .options(selectinload(Concern.links), selectinload(Concern.categories))
        )
    )
    # One query for every person named in the inbox, not one per report.
    wanted = {link.person_id for concern in concerns for link in concern.links}
    people = (
        {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(wanted)))}
        if wanted
        else {}
    )
    items = [
        InboxItem(concern, [people[i] for i in sorted(link.person_id for link in concern.links)])
        for concern in concerns
    ]
    record(session, actor, "concern.inbox", object_type="concern", details={"results": len(items)})
    return items


def unanswered_notifications(session: Session, actor: Actor, limit: int = 50) -> list[Concern]:
    """Recorded concerns where nobody has said whether child services must be notified."""
    concerns = list(
        session.scalars(
            select(Concern)
            .where(Concern.status == RECORDED, Concern.notification.is_(None))
            .order_by(Concern.occurred_on.desc(), Concern.id.desc())
            .limit(limit)
            .options(selectinload(Concern.categories))
        )
    )
    record(
        session,
        actor,
        "concern.list",
        object_type="concern",
        details={"filter": "notification_unanswered", "results": len(concerns)},
    )
    return concerns


@dataclass(frozen=True)
class OwnReport:
    id: int
    occurred_on: dt.date
    created_at: dt.datetime
    status: str
    category_keys: tuple[str, ...]


def my_reports(session: Session, actor: Actor) -> list[OwnReport]:
    """A reporter's own reports and their status; nothing about anyone else's."""
    if actor.user_id is None:
        return []
    concerns = list(
        session.scalars(
            select(Concern)
            .where(Concern.reported_by_id == actor.user_id)
            .order_by(Concern.created_at.desc(), Concern.id.desc())
            .options(selectinload(Concern.categories))
        )
    )
    record(
        session,
        actor,
        "concern.list_own",
        object_type="concern",
        details={"results": len(concerns)},
    )
    return [
        OwnReport(
            c.id, c.occurred_on, c.created_at, c.status, tuple(cat.key for cat in c.categories)
        )
        for c in concerns
    ]


def concerns_of_case(session: Session, case: Case) -> list[Concern]:
    """A case's concerns, newest first, with their categories loaded in one more query."""
    return list(
        session.scalars(
            select(Concern)
            .join(ConcernPerson, ConcernPerson.concern_id == Concern.id)
            .where(ConcernPerson.case_id == case.id)
            .order_by(Concern.occurred_on.desc(), Concern.id.desc())
            .options(selectinload(Concern.categories))
        )
    )


def concerns_for_case(session: Session, actor: Actor, case: Case) -> list[ConcernSummary]:
    """The case's concerns as that person's context shows them: never the group's peers."""
    concerns = concerns_of_case(session, case)
    record(
        session,
        actor,
        "concern.read",
        object_type="case",
        object_id=case.id,
        details={"results": len(concerns)},
    )
    return [
        ConcernSummary(
            c.id,
            c.occurred_on,
            c.area_id,
            c.reporter_type,
            tuple(cat.key for cat in c.categories),
            c.narrative,
            c.legal_basis,
            c.notification,
            c.status,
        )
        for c in concerns
    ]
