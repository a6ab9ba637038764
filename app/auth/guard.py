"""The one place where access is enforced, before any view runs. Default deny."""

from __future__ import annotations

import datetime as dt

from flask import Flask, abort, current_app, g, jsonify, redirect, request, url_for
from flask_login import AnonymousUserMixin

from app.assessments.link_session import holds_link_session
from app.audit.services import record_independently
from app.auth.access import Verdict, current_rule, is_api_request, verdict
from app.auth.api_tokens import user_for_api_token
from app.auth.models import User
from app.auth.policy import AccessRule
from app.auth.sessions import SessionLimits, resolve_session
from app.core.logging import security_event
from app.core.request_context import current_actor
from app.db import db
from app.extensions import login_manager


def session_limits() -> SessionLimits:
    return SessionLimits(
        idle=dt.timedelta(minutes=current_app.config["TIDLIG_SESSION_IDLE_MINUTES"]),
        absolute=dt.timedelta(hours=current_app.config["TIDLIG_SESSION_ABSOLUTE_HOURS"]),
    )


@login_manager.user_loader
def load_user_from_session(raw_token: str) -> User | None:
    auth_session = resolve_session(db.session, raw_token, session_limits())
    if auth_session is None:
        return None
    user = auth_session.user
    user.auth_session = auth_session
    user.session_token = raw_token
    return user


def authenticate_api_request() -> None:
    """API calls authenticate by bearer token only; a browser's cookie counts for nothing."""
    header = request.headers.get("Authorization", "")
    user = None
    if header.startswith("Bearer "):
        user = user_for_api_token(db.session, header.removeprefix("Bearer ").strip())
        if user is not None:
            user.auth_session = None
    g._login_user = user or AnonymousUserMixin()


def deny(rule: AccessRule | None) -> None:
    endpoint = request.endpoint or "-"
    security_event("access_denied", "denied", endpoint=endpoint)
    actor = current_actor()
    # The request rolls back on the 403 anyway. End its transaction first: on SQLite it
    # holds the write lock (BEGIN IMMEDIATE) that the separate audit session needs.
    db.session.rollback()
    record_independently(
        db.new_session,
        actor,
        "access.denied",
        object_type="route",
        object_id=endpoint[:64],
        outcome="denied",
    )
    abort(403)


def require_login():
    if is_api_request():
        response = jsonify(error="authentication_required")
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="tidlig"'
        return response
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.login", next=target))


def enforce_access():
    if request.endpoint is None or request.endpoint == "static":
        return None
    if is_api_request():
        authenticate_api_request()
    rule = current_rule()
    decision = verdict(rule)
    if decision is Verdict.ALLOW:
        return None
    if decision is Verdict.LOGIN:
        # A browser holding only an assessment link's session is refused outright (SB-D2.4);
        # logging out stays possible, and ends nothing it does not have.
        if holds_link_session() and not is_api_request() and request.endpoint != "auth.logout":
            return deny(rule)
        return require_login()
    if decision is Verdict.SECOND_FACTOR:
        return redirect(url_for("auth.second_factor"))
    return deny(rule)


def register_guard(app: Flask) -> None:
    app.before_request(enforce_access)
