"""Young people about whom a concern is recorded. Every personal field is encrypted."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.crypto.types import EncryptedDate, EncryptedText
from app.db import Base, UTCDateTime, utcnow


class Person(Base):
    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(EncryptedText())
    last_name: Mapped[str] = mapped_column(EncryptedText())
    cpr: Mapped[str | None] = mapped_column(EncryptedText())
    # HMAC of the CPR under the index key: exact lookups without decrypting the table.
    cpr_index: Mapped[str | None] = mapped_column(String(64), unique=True)
    birth_date: Mapped[dt.date] = mapped_column(EncryptedDate())
    gender: Mapped[str] = mapped_column(String(16))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
