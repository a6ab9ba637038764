"""Whether the current request may enter its endpoint: the guard's rules, without acting.

Kept apart from the guard (which also loads users, audits and redirects) so that any
package, monitoring included, can ask without importing the rest of the app.
"""

from __future__ import annotations

import enum

from flask import current_app, request
from flask_login import current_user

from app.auth.policy import AccessRule, role_has, rule_for

API_PREFIX = "/api/"


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def mfa_complete() -> bool:
    if not current_app.config["TIDLIG_MFA_REQUIRED"] or is_api_request():
        return True
    auth_session = getattr(current_user, "auth_session", None)
    return bool(auth_session and auth_session.mfa_passed)


class Verdict(enum.Enum):
    ALLOW = "allow"
    NO_RULE = "no_rule"  # the endpoint declares nothing: denied by default
    LOGIN = "login"
    SECOND_FACTOR = "second_factor"
    FORBIDDEN = "forbidden"


def current_rule() -> AccessRule | None:
    return rule_for(current_app.view_functions.get(request.endpoint or ""))


def verdict(rule: AccessRule | None) -> Verdict:
    """The access rules in one place: the guard acts on the verdict, others only read it."""
    if rule is None:
        return Verdict.NO_RULE
    if rule.kind in ("public", "invitation"):
        return Verdict.ALLOW
    if not current_user.is_authenticated:
        return Verdict.LOGIN
    if rule.kind == "pending_mfa":
        return Verdict.ALLOW
    if not mfa_complete():
        return Verdict.SECOND_FACTOR
    if rule.kind == "authenticated" or role_has(current_user.role, rule.permission or ""):
        return Verdict.ALLOW
    return Verdict.FORBIDDEN


def may_enter_current_endpoint() -> bool:
    """The guard's verdict on this request.

    For error handlers that may run before the guard: an upload's body is read by the CSRF
    check first, so a "too large" answer must not show the page to someone it would refuse.
    """
    return verdict(current_rule()) is Verdict.ALLOW
