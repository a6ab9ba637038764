"""Argon2id hashing and the password policy (security-battery SB-1.1, SB-1.2)."""

from __future__ import annotations

import secrets
import unicodedata
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 15
MAX_LENGTH = 512
ZXCVBN_MAX = 72

# OWASP's minimum for Argon2id: 19 MiB memory, 2 iterations, 1 lane.
hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hasher.hash(secrets.token_urlsafe(24))


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def _prepare(password: str) -> str:
    # NFC so the same visible password typed on two keyboards matches; no case folding.
    return unicodedata.normalize("NFC", password)


def hash_password(password: str) -> str:
    return hasher.hash(_prepare(password))


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Constant work whether or not the user exists: a dummy hash stands in for none."""
    try:
        return hasher.verify(stored_hash or _dummy_hash(), _prepare(password)) and bool(stored_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return hasher.check_needs_rehash(stored_hash)


def password_problems(password: str, user_inputs: list[str] | None = None) -> list[str]:
    """Why a new password is refused; empty when it is acceptable. No composition rules."""
    password = _prepare(password)
    if len(password) < MIN_LENGTH:
        return [str(_l("Use at least %(n)d characters.", n=MIN_LENGTH))]
    if len(password) > MAX_LENGTH:
        return [str(_l("Use at most %(n)d characters.", n=MAX_LENGTH))]
    if password.lower() in _common_passwords():
        return [str(_l("This password is on a list of commonly used passwords."))]
    result = zxcvbn(password[:ZXCVBN_MAX], user_inputs=[u for u in user_inputs or [] if u])
    if result["score"] < 3:
        return [str(_l("This password is too easy to guess. A few unrelated words work well."))]
    return []
