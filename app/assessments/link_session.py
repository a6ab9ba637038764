"""Where a browser keeps its invitation-link session: one key in the signed session cookie.

The key holds the raw session token; the database has only its hash. The guard uses
`holds_link_session` to refuse (403) every signed-in route to a browser that has only this.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app, session

LINK_SESSION_KEY = "assessment_link"


def holds_link_session() -> bool:
    return LINK_SESSION_KEY in session


def keep_link_session(raw_session: str) -> None:
    session[LINK_SESSION_KEY] = raw_session


def link_session_token() -> str | None:
    return session.get(LINK_SESSION_KEY)


def forget_link_session() -> None:
    session.pop(LINK_SESSION_KEY, None)


def session_length() -> dt.timedelta:
    return dt.timedelta(minutes=current_app.config["TIDLIG_INVITATION_SESSION_MINUTES"])
