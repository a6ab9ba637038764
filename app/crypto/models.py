"""A known plaintext under the data keys, so a wrong key is caught at start, not mid-request."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.crypto.types import EncryptedText
from app.db import Base

KEY_CHECK_PLAINTEXT = "tidlig-key-check-v1"


class KeyCheck(Base):
    __tablename__ = "key_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(40), unique=True)
    token: Mapped[str] = mapped_column(EncryptedText())
