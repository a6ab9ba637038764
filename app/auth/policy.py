"""Who may do what, in one place. Every route declares its rule; undeclared means denied.

Views declare with `@public`, `@pending_mfa`, `@authenticated` or `@requires(permission)`;
templates ask `can(permission)` and never test roles themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from app.auth.roles import Role

F = TypeVar("F", bound=Callable)

PERMISSIONS: dict[str, frozenset[Role]] = {
    "users.manage": frozenset({Role.ADMIN}),
    "organisations.manage": frozenset({Role.ADMIN}),
    "outbox.read": frozenset({Role.ADMIN}),
    "audit.read": frozenset({Role.AUDITOR}),
    "api_tokens.own": frozenset(Role),
    "cases.list": frozenset({Role.COORDINATOR, Role.COMMITTEE}),
    "cases.view": frozenset({Role.COORDINATOR, Role.COMMITTEE}),
    "cases.edit": frozenset({Role.COORDINATOR}),
    "concerns.record": frozenset({Role.COORDINATOR}),
    # Professionals with an account report; the coordinator records directly instead.
    "concerns.report": frozenset({Role.COMMITTEE, Role.ASSESSOR}),
    # Members see the meetings they belong to; the coordinator plans and runs them.
    "meetings.view": frozenset({Role.COORDINATOR, Role.COMMITTEE}),
    "meetings.manage": frozenset({Role.COORDINATOR}),
    # Exports are off unless a role is named here (privacy.md 4); each download is logged.
    "meetings.export": frozenset({Role.COORDINATOR, Role.COMMITTEE}),
    # Overdue actions: the coordinator's for every organisation, a member's for their own.
    "actions.follow": frozenset({Role.COORDINATOR, Role.COMMITTEE}),
    # The coordinator asks for assessments, withdraws and repeats them, records corrections.
    "assessments.request": frozenset({Role.COORDINATOR}),
    # Assessments are read with the case (case policy decides which); the API lists them.
    "assessments.view": frozenset({Role.COORDINATOR, Role.COMMITTEE}),
    # The committee's judgement at a review, recorded by the coordinator at the screen.
    "judgements.record": frozenset({Role.COORDINATOR}),
    # Area monitoring (app/monitoring): published, disclosure-controlled aggregates only.
    "monitoring.view": frozenset({Role.BOARD, Role.COORDINATOR}),
    "monitoring.export": frozenset({Role.BOARD, Role.COORDINATOR}),
    # Boundaries, districts, populations, indicators, board memberships, the threshold k.
    "monitoring.manage": frozenset({Role.ADMIN}),
    # Freezing a release for a period; the SSP secretariat does it for the boards.
    "monitoring.publish": frozenset({Role.ADMIN, Role.COORDINATOR}),
    # A board's two-year action plan, written by its members or the coordinator.
    "plans.edit": frozenset({Role.BOARD, Role.COORDINATOR}),
}


@dataclass(frozen=True)
class AccessRule:
    kind: str  # "public" | "pending_mfa" | "authenticated" | "permission" | "invitation"
    permission: str | None = None

    def describe(self) -> str:
        return self.permission if self.kind == "permission" else self.kind


def _declare(rule: AccessRule) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        view.tidlig_access = rule  # type: ignore[attr-defined]
        return view

    return decorate


public = _declare(AccessRule("public"))
# Reached with an invitation link's session, not a login: the view resolves the session
# itself (app/assessments/link_session.py) and opens nothing but that one assessment.
invitation = _declare(AccessRule("invitation"))
pending_mfa = _declare(AccessRule("pending_mfa"))
authenticated = _declare(AccessRule("authenticated"))


def requires(permission: str) -> Callable[[F], F]:
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    return _declare(AccessRule("permission", permission))


def rule_for(view: Callable | None) -> AccessRule | None:
    return getattr(view, "tidlig_access", None)


def role_has(role: str | None, permission: str) -> bool:
    try:
        return Role(role) in PERMISSIONS[permission]
    except (ValueError, KeyError):
        return False


def roles_with(permission: str) -> frozenset[Role]:
    return PERMISSIONS[permission]
