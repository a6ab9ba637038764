"""Binding a server-side login to the browser's cookie, always in a fresh cookie."""

from __future__ import annotations

from flask import session
from flask_login import login_user

from app.auth.models import AuthSession, User


def restart_cookie() -> None:
    """Drop everything the cookie held except the language (against session fixation)."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale


def bind_login(user: User, auth_session: AuthSession, raw_token: str) -> None:
    user.session_token, user.auth_session = raw_token, auth_session
    restart_cookie()
    login_user(user)
