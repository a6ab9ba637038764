"""Personal API tokens: shown once, stored as a hash, carrying their owner's permissions."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.actor import Actor
from app.audit.services import record
from app.auth.models import ApiToken, User
from app.core.errors import DomainError
from app.core.tokens import new_token, token_hash
from app.db import utcnow

TOKEN_PREFIX = "tidlig_"  # noqa: S105 - a public prefix, not a secret
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


def create_api_token(session: Session, actor: Actor, user: User, name: str) -> str:
    """Create a token for `user`; the plain token is returned once and never stored."""
    name = " ".join(name.split())[:100]
    if not name:
        raise DomainError(_l("Give the token a name, so you can recognise it later."), "name")
    raw, hashed = new_token(TOKEN_PREFIX)
    token = ApiToken(
        user_id=user.id, name=name, prefix=raw[: len(TOKEN_PREFIX) + 6], token_hash=hashed
    )
    session.add(token)
    session.flush()
    record(session, actor, "api_token.create", object_type="api_token", object_id=token.id)
    return raw


def revoke_api_token(session: Session, actor: Actor, user: User, token_id: int) -> None:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise DomainError(_l("No such token."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record(session, actor, "api_token.revoke", object_type="api_token", object_id=token.id)


def user_for_api_token(session: Session, raw: str) -> User | None:
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(raw)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
    return token.user


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
        )
    )
