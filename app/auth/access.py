"""Whether the current request may enter its endpoint: the guard's rules, without acting.

Kept apart from the guard (which also loads users, audits and redirects) so that any
package, monitoring included, can ask without importing the rest of the app.
"""

from __future__ import annotations

from flask import current_app, request
from flask_login import current_user

from app.auth.policy import role_has, rule_for

API_PREFIX = "/api/"


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def mfa_complete() -> bool:
    if not current_app.config["TIDLIG_MFA_REQUIRED"] or is_api_request():
        return True
    auth_session = getattr(current_user, "auth_session", None)
    return bool(auth_session and auth_session.mfa_passed)


def may_enter_current_endpoint() -> bool:
    """The guard's verdict on this request.

    For error handlers that may run before the guard: an upload's body is read by the CSRF
    check first, so a "too large" answer must not show the page to someone it would refuse.
    """
    rule = rule_for(current_app.view_functions.get(request.endpoint or ""))
    if rule is None:
        return False
    if rule.kind in ("public", "invitation"):
        return True
    if not current_user.is_authenticated:
        return False
    if rule.kind == "pending_mfa":
        return True
    if not mfa_complete():
        return False
    return rule.kind == "authenticated" or role_has(current_user.role, rule.permission or "")
