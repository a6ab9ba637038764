"""The case's status moves only along allowed transitions; a new concern reopens it."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.actor import Actor
from app.audit.services import record, take_chain_lock
from app.cases.case_categories import add_concern_categories
from app.cases.models import Case, CaseEvent, Concern, ConcernPerson, Person
from app.core.errors import DomainError


class Status(enum.StrEnum):
    NEW = "new"
    ASSESSMENTS_REQUESTED = "assessments_requested"
    READY_FOR_REVIEW = "ready_for_review"
    ON_AGENDA = "on_agenda"
    RECOMMENDATION_MADE = "recommendation_made"
    IN_FOLLOW_UP = "in_follow_up"
    CLOSED = "closed"


STATUS_LABELS = {
    Status.NEW: _l("New"),
    Status.ASSESSMENTS_REQUESTED: _l("Assessments requested"),
    Status.READY_FOR_REVIEW: _l("Ready for review"),
    Status.ON_AGENDA: _l("On the agenda"),
    Status.RECOMMENDATION_MADE: _l("Recommendation made"),
    Status.IN_FOLLOW_UP: _l("In follow-up"),
    Status.CLOSED: _l("Closed"),
}


class CloseReason(enum.StrEnum):
    CONCERN_RESOLVED = "concern_resolved"
    HANDED_TO_CHILD_SERVICES = "handed_to_child_services"
    MOVED_AWAY = "moved_away"
    AGE_LIMIT = "age_limit"
    NO_FURTHER_ACTION = "no_further_action"


CLOSE_REASON_LABELS = {
    CloseReason.CONCERN_RESOLVED: _l("The concern is resolved"),
    CloseReason.HANDED_TO_CHILD_SERVICES: _l("Handed over to child services"),
    CloseReason.MOVED_AWAY: _l("Moved out of the municipality"),
    CloseReason.AGE_LIMIT: _l("Reached the age limit"),
    CloseReason.NO_FURTHER_ACTION: _l("No further action needed"),
}

# Forward along the workflow, one step back where work is redone, and closing from anywhere.
ALLOWED: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset({Status.ASSESSMENTS_REQUESTED, Status.READY_FOR_REVIEW, Status.CLOSED}),
    Status.ASSESSMENTS_REQUESTED: frozenset({Status.READY_FOR_REVIEW, Status.CLOSED}),
    Status.READY_FOR_REVIEW: frozenset(
        {Status.ASSESSMENTS_REQUESTED, Status.ON_AGENDA, Status.CLOSED}
    ),
    Status.ON_AGENDA: frozenset({Status.READY_FOR_REVIEW, Status.RECOMMENDATION_MADE}),
    Status.RECOMMENDATION_MADE: frozenset({Status.IN_FOLLOW_UP, Status.CLOSED}),
    Status.IN_FOLLOW_UP: frozenset(
        {Status.ASSESSMENTS_REQUESTED, Status.READY_FOR_REVIEW, Status.ON_AGENDA, Status.CLOSED}
    ),
    Status.CLOSED: frozenset(),  # only a new concern reopens a case
}


def add_event(
    session: Session,
    actor: Actor,
    case: Case,
    kind: str,
    *,
    concern_id: int | None = None,
    note: str | None = None,
) -> CaseEvent:
    event = CaseEvent(
        case_id=case.id, kind=kind, actor_id=actor.user_id, concern_id=concern_id, note=note
    )
    session.add(event)
    return event


def transition(
    session: Session, actor: Actor, case: Case, to: str, reason: str | None = None
) -> None:
    """Move the case to `to`, or refuse with a message that says why."""
    try:
        target = Status(to)
    except ValueError as exc:
        raise DomainError(_l("Unknown status."), "status") from exc
    current = Status(case.status)
    if target not in ALLOWED[current]:
        raise DomainError(
            _l(
                "A case cannot go from “%(from)s” to “%(to)s”.",
                **{"from": STATUS_LABELS[current], "to": STATUS_LABELS[target]},
            ),
            "status",
        )
    if target == Status.CLOSED:
        try:
            CloseReason(reason or "")
        except ValueError as exc:
            raise DomainError(_l("Choose why the case is closed."), "reason") from exc
        case.closed_reason = reason
    case.status = target.value
    session.flush()
    add_event(session, actor, case, f"status.{target.value}")
    record(
        session,
        actor,
        "case.transition",
        object_type="case",
        object_id=case.id,
        details={"from": current.value, "to": target.value},
    )


def put_on_agenda(session: Session, actor: Actor, case: Case, meeting_id: int) -> str:
    """Any open case may go on an agenda; returns the status to restore if taken off."""
    current = Status(case.status)
    if current == Status.CLOSED:
        raise DomainError(_l("A closed case cannot go on an agenda."), "case")
    if current == Status.ON_AGENDA:
        raise DomainError(_l("The case is already on an agenda."), "case")
    case.status = Status.ON_AGENDA.value
    session.flush()
    add_event(session, actor, case, "meeting.agenda_added")
    record(
        session,
        actor,
        "case.transition",
        object_type="case",
        object_id=case.id,
        details={"from": current.value, "to": Status.ON_AGENDA.value, "meeting": meeting_id},
    )
    return current.value


def take_off_agenda(session: Session, actor: Actor, case: Case, restore: str) -> None:
    """Back to where the case was before it went on the agenda."""
    if case.status != Status.ON_AGENDA.value:
        return
    target = Status(restore)
    case.status = target.value
    session.flush()
    add_event(session, actor, case, "meeting.agenda_removed")
    record(
        session,
        actor,
        "case.transition",
        object_type="case",
        object_id=case.id,
        details={"from": Status.ON_AGENDA.value, "to": target.value},
    )


def open_or_attach(
    session: Session, actor: Actor, person: Person, concern: Concern, link: ConcernPerson
) -> Case:
    """The person's case gets the concern: opened if none, reopened if closed."""
    # A second concern about the same person at the same moment waits here, then finds the
    # case this one opens, instead of opening a second (a duplicate key) or reopening it
    # twice. The chain's lock, not the person's row: see take_chain_lock.
    take_chain_lock(session)
    case = session.scalar(select(Case).where(Case.person_id == person.id))
    if case is None:
        case = Case(
            person_id=person.id,
            status=Status.NEW.value,
            area_id=person.area_id,
            birth_year=person.birth_year,
        )
        session.add(case)
        session.flush()
        add_event(session, actor, case, "case.opened", concern_id=concern.id)
        record(session, actor, "case.open", object_type="case", object_id=case.id)
    elif case.status == Status.CLOSED.value:
        case.status = Status.NEW.value
        case.closed_reason = None
        session.flush()
        add_event(session, actor, case, "case.reopened", concern_id=concern.id)
        record(session, actor, "case.reopen", object_type="case", object_id=case.id)
    link.case_id = case.id
    add_concern_categories(session, case.id, concern.id)
    add_event(session, actor, case, "concern.added", concern_id=concern.id)
    return case
