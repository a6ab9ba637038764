"""Who may see which case: one place, used by lists (a query) and by single cases (a loader).

The coordinator sees every case. A committee member sees the cases assigned to them through
the weekly meeting (on the agenda of a meeting they belong to) or through a follow-up action
their organisation owns; those features register their rule in ASSIGNMENT_RULES. A committee
member may open any other case only after giving a purpose, and that look is flagged for the
auditor. Every other role (administrator, board, auditor, assessor) never opens a case here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, false, or_, select
from sqlalchemy.orm import Session

from app.audit.actor import Actor
from app.audit.services import record
from app.auth.roles import Role
from app.cases.models import Case

# A rule takes the actor and returns a condition on Case that is true for assigned cases.
AssignmentRule = Callable[[Actor], ColumnElement[bool]]
ASSIGNMENT_RULES: list[AssignmentRule] = []

PURPOSE_MIN_LENGTH = 10
PURPOSE_MAX_LENGTH = 200
OUTSIDE_ASSIGNMENT = {"outside_assignment": True}


def register_assignment_rule(rule: AssignmentRule) -> AssignmentRule:
    """Meetings and actions plug in here: `@register_assignment_rule` on a condition builder."""
    ASSIGNMENT_RULES.append(rule)
    return rule


def _assigned(actor: Actor) -> ColumnElement[bool]:
    conditions = [rule(actor) for rule in ASSIGNMENT_RULES]
    return or_(*conditions) if conditions else false()


def sees_all_cases(actor: Actor) -> bool:
    return actor.role == Role.COORDINATOR


def may_ask_with_purpose(actor: Actor) -> bool:
    """Case roles other than the coordinator may open a case outside their assignment."""
    return actor.role == Role.COMMITTEE


def visible_cases(actor: Actor) -> Select:
    """The cases `actor` may list: all for the coordinator, the assigned ones for committee."""
    query = select(Case)
    if sees_all_cases(actor):
        return query
    if actor.role == Role.COMMITTEE:
        return query.where(_assigned(actor))
    return query.where(false())


def is_assigned(session: Session, actor: Actor, case_id: int) -> bool:
    if actor.role != Role.COMMITTEE or not ASSIGNMENT_RULES:
        return False
    return session.scalar(select(Case.id).where(Case.id == case_id, _assigned(actor))) is not None


def can_view_case(session: Session, actor: Actor, case: Case) -> bool:
    """Whether `actor` may open `case` without giving a purpose."""
    return sees_all_cases(actor) or is_assigned(session, actor, case.id)


def can_edit_case(actor: Actor) -> bool:
    return sees_all_cases(actor)


class CaseNotFound(Exception):
    pass


class CaseDenied(Exception):
    pass


class PurposeRequired(Exception):
    """Outside the assignment: allowed only with a stated purpose."""

    def __init__(self, case: Case) -> None:
        super().__init__("purpose required")
        self.case = case


@dataclass(frozen=True)
class CaseAccess:
    case: Case
    purpose: str | None
    outside_assignment: bool


def valid_purpose(purpose: str | None) -> str | None:
    text = " ".join((purpose or "").split())
    return text if PURPOSE_MIN_LENGTH <= len(text) <= PURPOSE_MAX_LENGTH else None


PURPOSE_HINT = _l(
    "You are not assigned to this case. State why you need to open it "
    "(at least %(min)d characters). The auditor can see what you write.",
    min=PURPOSE_MIN_LENGTH,
)


def check_case_access(
    session: Session, actor: Actor, case_id: int, purpose: str | None = None
) -> CaseAccess:
    """Fetch the case and decide: access, CaseNotFound, CaseDenied or PurposeRequired.

    Writes nothing; the caller records the refusal (it must survive the request's rollback).
    """
    if not (sees_all_cases(actor) or may_ask_with_purpose(actor)):
        raise CaseDenied()
    case = session.get(Case, case_id)
    if case is None:
        raise CaseNotFound()
    if can_view_case(session, actor, case):
        return CaseAccess(case, purpose, outside_assignment=False)
    stated = valid_purpose(purpose)
    if stated is None:
        raise PurposeRequired(case)
    return CaseAccess(case, stated, outside_assignment=True)


def record_refusal(session: Session, actor: Actor, case_id: int, reason: str) -> None:
    record(
        session,
        actor,
        "case.view",
        object_type="case",
        object_id=case_id,
        outcome="denied",
        details={"reason": reason},
    )


def load_case_or_deny(actor: Actor, case_id: int, purpose: str | None = None) -> CaseAccess:
    """For views: 404 for unknown ids, 403 (audited) otherwise; PurposeRequired passes up."""
    from flask import abort

    from app.audit.services import record_independently
    from app.db import db

    try:
        return check_case_access(db.session, actor, case_id, purpose)
    except CaseNotFound:
        abort(404)
    except (CaseDenied, PurposeRequired) as refusal:
        reason = "purpose_required" if isinstance(refusal, PurposeRequired) else "not_permitted"
        # Like the guard: end the request's transaction so the separate session can write.
        db.session.rollback()
        record_independently(
            db.new_session,
            actor,
            "case.view",
            object_type="case",
            object_id=case_id,
            outcome="denied",
            details={"reason": reason},
        )
        if isinstance(refusal, PurposeRequired):
            raise
        abort(403)
