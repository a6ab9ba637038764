"""Checking passwords and one-time codes. Failures look the same whoever asks."""

from __future__ import annotations

import hmac

import pyotp
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.actor import Actor
from app.audit.services import record
from app.auth.models import User
from app.auth.passwords import hash_password, needs_rehash, verify_password
from app.db import utcnow

TOTP_ISSUER = "Tidlig"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def authenticate(session: Session, actor: Actor, email: str, password: str) -> User | None:
    """The user if email and password match an active account; a hash is computed either way."""
    user = find_user_by_email(session, email)
    valid = verify_password(user.password_hash if user else None, password)
    if user is None or not valid or not user.active:
        if user is not None:
            user.failed_logins += 1
        record(
            session,
            actor,
            "auth.login",
            object_type="user",
            object_id=user.id if user else None,
            outcome="failed",
        )
        return None
    if needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    return user


def new_totp_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=TOTP_ISSUER)


def accept_totp(secret: str, code: str, last_counter: int | None) -> int | None:
    """The code's time step if it is valid now (±30 s) and newer than the last one used."""
    code = "".join(code.split())
    if not secret or not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(utcnow())
    for counter in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(counter), code):
            if last_counter is not None and counter <= last_counter:
                return None
            return counter
    return None


def verify_second_factor(session: Session, actor: Actor, user: User, code: str) -> bool:
    counter = accept_totp(user.totp_secret or "", code, user.totp_last_counter)
    if counter is None:
        record(session, actor, "auth.mfa", object_type="user", object_id=user.id, outcome="failed")
        return False
    user.totp_last_counter = counter
    user.last_login_at = utcnow()
    record(session, actor, "auth.login", object_type="user", object_id=user.id)
    return True


def enrol_second_factor(session: Session, actor: Actor, user: User, secret: str, code: str) -> bool:
    counter = accept_totp(secret, code, None)
    if counter is None:
        record(
            session,
            actor,
            "auth.mfa_enrol",
            object_type="user",
            object_id=user.id,
            outcome="failed",
        )
        return False
    user.totp_secret = secret
    user.totp_last_counter = counter
    user.last_login_at = utcnow()
    record(session, actor, "auth.mfa_enrol", object_type="user", object_id=user.id)
    record(session, actor, "auth.login", object_type="user", object_id=user.id)
    return True
