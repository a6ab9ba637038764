"""Server-side login sessions: logout, password change and deactivation really end them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.auth.models import AuthSession, User
from app.core.tokens import new_token, token_hash
from app.db import utcnow

TOUCH_INTERVAL = dt.timedelta(seconds=60)


@dataclass(frozen=True)
class SessionLimits:
    idle: dt.timedelta
    absolute: dt.timedelta


def start_session(
    session: Session, user: User, *, ip: str | None, user_agent: str | None, mfa_passed: bool
) -> tuple[AuthSession, str]:
    raw, hashed = new_token()
    auth_session = AuthSession(
        user_id=user.id,
        token_hash=hashed,
        mfa_passed=mfa_passed,
        ip=ip,
        user_agent=(user_agent or "")[:200],
    )
    session.add(auth_session)
    session.flush()
    return auth_session, raw


def renew_token(session: Session, auth_session: AuthSession) -> str:
    """A new token for the same login (after MFA), so a cookie seen before is worthless."""
    raw, hashed = new_token()
    auth_session.token_hash = hashed
    session.flush()
    return raw


def resolve_session(
    session: Session, raw_token: str, limits: SessionLimits, now: dt.datetime | None = None
) -> AuthSession | None:
    """The live session behind a token, or None; expired sessions are ended on the way."""
    now = now or utcnow()
    auth_session = session.scalar(
        select(AuthSession).where(AuthSession.token_hash == token_hash(raw_token))
    )
    if auth_session is None or auth_session.ended_at is not None:
        return None
    if not auth_session.user.active:
        end_session(session, auth_session, "deactivated", now)
        return None
    if now - auth_session.last_seen_at > limits.idle:
        end_session(session, auth_session, "idle", now)
        return None
    if now - auth_session.created_at > limits.absolute:
        end_session(session, auth_session, "absolute", now)
        return None
    if now - auth_session.last_seen_at > TOUCH_INTERVAL:
        auth_session.last_seen_at = now
    return auth_session


def end_session(
    session: Session, auth_session: AuthSession, reason: str, now: dt.datetime | None = None
) -> None:
    if auth_session.ended_at is None:
        auth_session.ended_at = now or utcnow()
        auth_session.end_reason = reason
        session.flush()


def end_all_sessions(session: Session, user_id: int, reason: str) -> None:
    session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason)
        .execution_options(synchronize_session="fetch")
    )


def active_sessions(session: Session, user_id: int) -> list[AuthSession]:
    return list(
        session.scalars(
            select(AuthSession)
            .where(AuthSession.user_id == user_id, AuthSession.ended_at.is_(None))
            .order_by(AuthSession.last_seen_at.desc())
        )
    )
