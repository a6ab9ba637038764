"""Reading and changing one case. Services take the session and actor and never commit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.audit.actor import Actor
from app.audit.models import AuditEvent
from app.audit.services import record
from app.auth.models import Organisation, User
from app.auth.roles import Role
from app.cases import workflow
from app.cases.concerns import concerns_of_case
from app.cases.models import Case, CaseEvent, ConcernPerson
from app.cases.policy import CaseAccess, sees_all_cases
from app.core.errors import DomainError

# The fields a coordinator edits on the case form, in the order the conflict page shows them.
EDITABLE = (
    "assigned_to_id",
    "next_review_on",
    "parents_informed",
    "parents_view",
    "young_person_informed",
    "young_person_view",
)
VIEW_MAX_LENGTH = 2000
# The purposes the app itself records are stored as these keys and shown translated;
# purposes people type in are shown as typed.
CASE_WORK, CASE_EDIT = "case work", "case edit"
PURPOSE_LABELS = {CASE_WORK: _l("Case work"), CASE_EDIT: _l("Editing the case")}


@dataclass(frozen=True)
class ConcernView:
    id: int
    occurred_on: dt.date
    reporter_type: str
    categories: list  # ConcernCategory rows, labelled in the reader's language
    narrative: str
    is_group: bool  # other persons are never named or counted


@dataclass(frozen=True)
class TimelineEntry:
    occurred_at: dt.datetime
    kind: str
    actor_name: str | None


@dataclass(frozen=True)
class Viewer:
    occurred_at: dt.datetime
    user_name: str | None
    organisation: str | None
    role: str | None
    purpose: str | None
    outside_assignment: bool


@dataclass
class CaseDetail:
    case: Case
    name: str
    age: int | None
    area_name: str | None
    institution: str | None
    assigned_to_name: str | None
    concerns: list[ConcernView] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    viewers: list[Viewer] | None = None  # None: this reader may not see the panel


class EditConflict(Exception):
    """Someone saved the case after the user opened it; nothing was saved."""

    def __init__(self, case: Case) -> None:
        super().__init__("edit conflict")
        self.case = case


def age_on(birth_date: dt.date, today: dt.date) -> int:
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - before_birthday


def view_case(
    session: Session, actor: Actor, access: CaseAccess, today: dt.date | None = None
) -> CaseDetail:
    """Everything the case page shows; the look is audited with its purpose."""
    from app.areas.models import Area

    case = access.case
    person = case.person
    details = {"outside_assignment": True} if access.outside_assignment else None
    record(
        session,
        actor,
        "case.view",
        object_type="case",
        object_id=case.id,
        purpose=access.purpose or CASE_WORK,
        details=details,
    )
    area = session.get(Area, person.area_id) if person.area_id else None
    assignee = session.get(User, case.assigned_to_id) if case.assigned_to_id else None
    return CaseDetail(
        case=case,
        name=f"{person.first_name} {person.last_name}",
        age=age_on(person.birth_date, today or dt.date.today()),
        area_name=area.name if area else None,
        institution=person.institution,
        assigned_to_name=assignee.full_name if assignee else None,
        concerns=case_concerns(session, case),
        timeline=timeline(session, case),
        viewers=who_has_seen(session, case) if sees_all_cases(actor) else None,
    )


def case_concerns(session: Session, case: Case) -> list[ConcernView]:
    concerns = concerns_of_case(session, case)
    if not concerns:
        return []
    # Only a yes/no per concern: the peers' ids never leave the database.
    group_ids = set(
        session.scalars(
            select(ConcernPerson.concern_id)
            .where(ConcernPerson.concern_id.in_([c.id for c in concerns]))
            .group_by(ConcernPerson.concern_id)
            .having(func.count() > 1)
        )
    )
    return [
        ConcernView(
            c.id, c.occurred_on, c.reporter_type, list(c.categories), c.narrative, c.id in group_ids
        )
        for c in concerns
    ]


def timeline(session: Session, case: Case) -> list[TimelineEntry]:
    rows = session.execute(
        select(CaseEvent.occurred_at, CaseEvent.kind, User.full_name)
        .outerjoin(User, User.id == CaseEvent.actor_id)
        .where(CaseEvent.case_id == case.id)
        .order_by(CaseEvent.occurred_at.desc(), CaseEvent.id.desc())
    ).all()
    return [TimelineEntry(*row) for row in rows]


def who_has_seen(session: Session, case: Case, limit: int = 200) -> list[Viewer]:
    """The case's reads from the audit trail: who, from where, in which role, when and why."""
    rows = session.execute(
        select(
            AuditEvent.occurred_at,
            User.full_name,
            Organisation.name,
            AuditEvent.role,
            AuditEvent.purpose,
            AuditEvent.details,
        )
        .outerjoin(User, User.id == AuditEvent.user_id)
        .outerjoin(Organisation, Organisation.id == AuditEvent.organisation_id)
        .where(
            AuditEvent.object_type == "case",
            AuditEvent.object_id == str(case.id),
            AuditEvent.action == "case.view",
            AuditEvent.outcome == "ok",
        )
        .order_by(AuditEvent.seq.desc())
        .limit(limit)
    ).all()
    return [
        Viewer(
            at,
            name,
            org,
            role,
            PURPOSE_LABELS.get(purpose, purpose),
            '"outside_assignment": true' in (details or ""),
        )
        for at, name, org, role, purpose, details in rows
    ]


def open_for_edit(session: Session, actor: Actor, access: CaseAccess) -> Case:
    """The edit form shows personal data: its read is audited too."""
    record(
        session,
        actor,
        "case.view",
        object_type="case",
        object_id=access.case.id,
        purpose=CASE_EDIT,
    )
    return access.case


def coordinators(session: Session) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .where(User.role == Role.COORDINATOR.value, User.active.is_(True))
            .order_by(User.full_name)
        )
    )


def current_values(case: Case) -> dict:
    return {name: getattr(case, name) for name in EDITABLE}


def _check_assignee(session: Session, user_id: int | None) -> None:
    if user_id is None:
        return
    user = session.get(User, user_id)
    if user is None or not user.active or user.role != Role.COORDINATOR.value:
        raise DomainError(_l("Choose an active coordinator."), "assigned_to_id")


def _check_views(changes: dict) -> None:
    for name in ("parents_view", "young_person_view"):
        if len(changes.get(name) or "") > VIEW_MAX_LENGTH:
            raise DomainError(_l("Write at most %(max)d characters.", max=VIEW_MAX_LENGTH), name)


def update_case(
    session: Session, actor: Actor, case: Case, seen_version: int, changes: dict
) -> list[str]:
    """Save the case form if nobody saved since `seen_version`; else EditConflict, nothing saved."""
    if case.version != seen_version:
        raise EditConflict(case)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    _check_assignee(session, changes.get("assigned_to_id"))
    _check_views(changes)
    changed = [
        name for name in EDITABLE if name in changes and getattr(case, name) != changes[name]
    ]
    if not changed:
        return []
    for name in changed:
        setattr(case, name, changes[name])
    try:
        session.flush()  # the version column makes a concurrent save fail here
    except StaleDataError as exc:
        session.rollback()
        raise EditConflict(case) from exc
    workflow.add_event(session, actor, case, "case.updated")
    record(
        session,
        actor,
        "case.update",
        object_type="case",
        object_id=case.id,
        details={"fields": changed},
    )
    return changed


def change_status(
    session: Session,
    actor: Actor,
    case: Case,
    seen_version: int,
    to: str,
    reason: str | None = None,
) -> None:
    """Move the case along the workflow; DomainError for a stale page or a refused step."""
    if case.version != seen_version:
        raise DomainError(
            _l(
                "Someone else changed this case in the meantime. Nothing was saved; "
                "check the case and try again."
            ),
            "status",
        )
    workflow.transition(session, actor, case, to, reason or None)
