"""Persons, concerns and cases. Every personal field is encrypted; lookups use blind indexes.

Plain columns are only those lists and statistics must filter on without decrypting:
status, dates of the case's own workflow, area, birth year and gender.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
    # Plain, for age-band filters and statistics; the exact date stays encrypted.
    birth_year: Mapped[int | None] = mapped_column(Integer, index=True)
    gender: Mapped[str] = mapped_column(String(16))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    institution: Mapped[str | None] = mapped_column(EncryptedText())
    # Set when this record was merged into another; it then only points the way.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Optimistic locking for corrections: a save on a stale version is refused, never merged.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    guardians: Mapped[list[Guardian]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="Guardian.id"
    )

    __mapper_args__ = {"version_id_col": version}


class Guardian(Base):
    __tablename__ = "guardians"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    name: Mapped[str] = mapped_column(EncryptedText())
    relation: Mapped[str] = mapped_column(String(32))
    phone: Mapped[str | None] = mapped_column(EncryptedText())
    email: Mapped[str | None] = mapped_column(EncryptedText())

    person: Mapped[Person] = relationship(back_populates="guardians")


class PersonCorrection(Base):
    """One correction of a person's record: the old values of the changed fields, and why.

    The person row holds the current values; the history of what it held before is here, so
    nothing is silently overwritten (privacy.md item 11).
    """

    __tablename__ = "person_corrections"
    # Also the index for a person's history (it starts with person_id).
    __table_args__ = (UniqueConstraint("person_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    # The person's version this correction produced.
    version: Mapped[int] = mapped_column(Integer)
    corrected_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    corrected_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(EncryptedText())
    # JSON of field -> old value, for the changed fields only (names of children inside).
    changes: Mapped[str] = mapped_column(EncryptedText())


class PersonSearchToken(Base):
    """Keyed hashes of name words and the birth date: search without decrypting the table."""

    __tablename__ = "person_search_tokens"
    __table_args__ = (UniqueConstraint("person_id", "token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), index=True)


class ConcernCategory(Base):
    """The configurable list of concern categories, with help so they are used alike."""

    __tablename__ = "concern_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    label_da: Mapped[str] = mapped_column(String(100))
    label_en: Mapped[str] = mapped_column(String(100))
    help_da: Mapped[str] = mapped_column(String(500))
    help_en: Mapped[str] = mapped_column(String(500))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Concern(Base):
    __tablename__ = "concerns"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_on: Mapped[dt.date] = mapped_column(Date, index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    place: Mapped[str | None] = mapped_column(EncryptedText())
    reporter_type: Mapped[str] = mapped_column(String(32))
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    narrative: Mapped[str] = mapped_column(EncryptedText())
    legal_basis: Mapped[str] = mapped_column(String(16))
    legal_basis_note: Mapped[str | None] = mapped_column(EncryptedText())
    # "made", "needed", "not_needed" or None while nobody has answered (barnets lov § 133).
    notification: Mapped[str | None] = mapped_column(String(16))
    # "inbox" for a professional's report awaiting the coordinator, then "recorded".
    status: Mapped[str] = mapped_column(String(16), default="recorded", index=True)
    # Client-supplied key for POST /api/v1/concerns: a retry never records twice.
    idempotency_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    categories: Mapped[list[ConcernCategory]] = relationship(
        secondary="concern_category_links", order_by="ConcernCategory.position"
    )
    links: Mapped[list[ConcernPerson]] = relationship(
        back_populates="concern", cascade="all, delete-orphan"
    )


class ConcernCategoryLink(Base):
    __tablename__ = "concern_category_links"
    __table_args__ = (
        # The case list's category filter goes from a category to its concerns: the key
        # starts with concern_id, and this index answers without reading the table.
        Index("ix_concern_category_links_category_concern", "category_id", "concern_id"),
    )

    concern_id: Mapped[int] = mapped_column(ForeignKey("concerns.id"), primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("concern_categories.id"), primary_key=True)


class ConcernPerson(Base):
    """A person named in a concern. A group concern has several; none sees the others."""

    __tablename__ = "concern_persons"
    __table_args__ = (
        UniqueConstraint("concern_id", "person_id"),
        # From a concern to its cases without reading the table (the category filter).
        Index("ix_concern_persons_concern_case", "concern_id", "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concerns.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)

    concern: Mapped[Concern] = relationship(back_populates="links")


class CaseCategory(Base):
    """The categories of a case's concerns, one row each: the list's category filter.

    Derived from concern_category_links through concern_persons, which stay the record;
    kept by cases.case_categories: a concern joining a case adds its categories, and a
    merge of two cases rewrites the kept case's rows from the links. Through the two link
    tables, PostgreSQL hashed both 10,000-row tables for every filtered list (issue 3);
    here the filter is one index range.
    """

    __tablename__ = "case_categories"

    category_id: Mapped[int] = mapped_column(ForeignKey("concern_categories.id"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True, index=True)


class Case(Base):
    """One case per person: opened by the first concern, gathering the later ones."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_status_next_review", "status", "next_review_on"),
        # The case list's order (next review, nulls last; then opened): the first page is
        # read from the index instead of sorting every case. With the status, "overdue"
        # (review passed, not closed) is counted from the index alone.
        Index("ix_cases_review_order", "next_review_on", "opened_at", "id", "status"),
        # "Assigned to me" with a status, and an age band in the list's order: answered
        # from the index, without reading each case's row.
        Index("ix_cases_assigned_status", "assigned_to_id", "status"),
        Index("ix_cases_birth_year_review", "birth_year", "next_review_on", "opened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), unique=True)
    status: Mapped[str] = mapped_column(String(32), index=True)
    closed_reason: Mapped[str | None] = mapped_column(String(32))
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    next_review_on: Mapped[dt.date | None] = mapped_column(Date)
    # Denormalised from the person and concerns, so the list filters without joins or decryption.
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    birth_year: Mapped[int | None] = mapped_column(Integer)
    parents_informed: Mapped[bool | None] = mapped_column(Boolean)
    parents_view: Mapped[str | None] = mapped_column(EncryptedText())
    young_person_informed: Mapped[bool | None] = mapped_column(Boolean)
    young_person_view: Mapped[str | None] = mapped_column(EncryptedText())
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    person: Mapped[Person] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}


class CaseEvent(Base):
    """The case's timeline: what happened, when and by whom (the details stay encrypted)."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    concern_id: Mapped[int | None] = mapped_column(ForeignKey("concerns.id"))
    note: Mapped[str | None] = mapped_column(EncryptedText())
