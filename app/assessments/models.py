"""Instrument versions, requests, invitation links, assessments and the committee's judgement.

What an assessor wrote about a child (ratings, evidence, worry) is personal data: it is kept
as one encrypted JSON document per assessment version. Plain columns are only workflow facts.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.crypto.types import EncryptedText
from app.db import Base, UTCDateTime, utcnow


class InstrumentVersion(Base):
    __tablename__ = "instrument_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    # Canonical JSON of the definition (no personal data); never edited once stored.
    definition: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    introduced_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AssessmentRequest(Base):
    """One named professional asked, in one round, for one assessment of a case's child."""

    __tablename__ = "assessment_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    round: Mapped[int] = mapped_column(Integer, default=1)
    instrument_version_id: Mapped[int] = mapped_column(ForeignKey("instrument_versions.id"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    assessor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    assessor_name: Mapped[str] = mapped_column(EncryptedText())
    assessor_email: Mapped[str] = mapped_column(EncryptedText())
    # The assessor's own institution as the form shows it ("Tarup Skole, 7.b").
    assessor_setting: Mapped[str] = mapped_column(EncryptedText())
    setting_kind: Mapped[str] = mapped_column(String(16))
    question: Mapped[str] = mapped_column(EncryptedText())
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    # open → submitted | declined | revoked
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    decline_reason: Mapped[str | None] = mapped_column(String(32))
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    reminder_sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    overdue_notice_sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="request", order_by="Invitation.id"
    )


class Invitation(Base):
    """A link to one request's form. Only hashes of the link token and of the short session
    it is swapped for are kept."""

    __tablename__ = "assessment_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("assessment_requests.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    opened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    session_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    session_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    request: Mapped[AssessmentRequest] = relationship(back_populates="invitations")


class Assessment(Base):
    """The answers to one request. Version 1 is the assessor's (a draft until submitted);
    a correction after submission is a new version with a reason, never an edit."""

    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("request_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("assessment_requests.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    instrument_version_id: Mapped[int] = mapped_column(ForeignKey("instrument_versions.id"))
    # draft → submitted
    status: Mapped[str] = mapped_column(String(16), default="draft")
    # JSON: {"domains": {key: {...}}, "contact": …, "known_for": …, "worry": …, …}
    content: Mapped[str] = mapped_column(EncryptedText())
    saved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Set when the duty-to-notify notice was shown and acknowledged (barnets lov § 133).
    notify_acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    corrected_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    correction_reason: Mapped[str | None] = mapped_column(EncryptedText())


class CommitteeJudgement(Base):
    """The committee's own judgement at a review: a 0–10 worry or a level, with reasons."""

    __tablename__ = "committee_judgements"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # JSON: {"worry": 0–10 | null, "level": "low" | "medium" | "high" | null, "reasons": str}
    content: Mapped[str] = mapped_column(EncryptedText())
