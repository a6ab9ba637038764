"""Column types that encrypt on the way in and decrypt on the way out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

from app.crypto.keyring import keyring_for


class EncryptedText(TypeDecorator):
    """A string stored as a Fernet token (AES-CBC + HMAC, encrypt-then-MAC)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        if value is None:
            return None
        return keyring_for(dialect).encrypt(str(value))

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        if value is None:
            return None
        return keyring_for(dialect).decrypt(value)


class EncryptedDate(TypeDecorator):
    """A date stored encrypted; it cannot be range-queried, by design."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: dt.date | None, dialect: Any) -> str | None:
        if value is None:
            return None
        return keyring_for(dialect).encrypt(value.isoformat())

    def process_result_value(self, value: str | None, dialect: Any) -> dt.date | None:
        if value is None:
            return None
        return dt.date.fromisoformat(keyring_for(dialect).decrypt(value))
