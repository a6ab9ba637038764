"""The weekly AVA meeting: schedule, meetings, members, agenda, recommendations and actions.

Free text that may describe a child (recommendations, notes, reasons) is encrypted; the
columns lists and follow-up filter on (status, deadline, owner, dates) stay plain.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.crypto.types import EncryptedText
from app.db import Base, UTCDateTime, utcnow


class MeetingSchedule(Base):
    """When the committee usually meets; one row, edited by the coordinator."""

    __tablename__ = "meeting_schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    weekday: Mapped[int] = mapped_column(Integer)  # Monday = 0, as in datetime
    start_time: Mapped[dt.time] = mapped_column(Time)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=90)
    location: Mapped[str] = mapped_column(String(200), default="")


class Meeting(Base):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Local wall-clock date and time of the meeting (Europe/Copenhagen), as people plan it.
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    start_time: Mapped[dt.time] = mapped_column(Time)
    location: Mapped[str] = mapped_column(String(200), default="")
    # "planned" → "in_progress" → "held"
    status: Mapped[str] = mapped_column(String(16), default="planned", index=True)
    notes: Mapped[str | None] = mapped_column(EncryptedText())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    members: Mapped[list[MeetingMember]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingMember.id"
    )
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="AgendaItem.position"
    )

    __mapper_args__ = {"version_id_col": version}


class MeetingMember(Base):
    """A committee member invited to a meeting; `attended` is recorded at the meeting."""

    __tablename__ = "meeting_members"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    attended: Mapped[bool | None] = mapped_column(Boolean)

    meeting: Mapped[Meeting] = relationship(back_populates="members")


class AgendaItem(Base):
    __tablename__ = "agenda_items"
    __table_args__ = (UniqueConstraint("meeting_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    # "review" (ready for review), "follow_up" (review date due) or "added" by the coordinator.
    kind: Mapped[str] = mapped_column(String(16))
    # The case's status before it went on the agenda, restored if it is taken off again.
    previous_status: Mapped[str] = mapped_column(String(32))
    discussed: Mapped[bool] = mapped_column(Boolean, default=False)

    meeting: Mapped[Meeting] = relationship(back_populates="items")


class ActionType(Base):
    """The configurable catalogue of measures a recommendation may contain."""

    __tablename__ = "action_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    label_da: Mapped[str] = mapped_column(String(100))
    label_en: Mapped[str] = mapped_column(String(100))
    help_da: Mapped[str] = mapped_column(String(500))
    help_en: Mapped[str] = mapped_column(String(500))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class MeasureRule(Base):
    """Handlekatalog: a risk domain of concern, or a missing resource, points to a measure.

    Suggestions built from these are shown, never applied; `weight` orders them.
    """

    __tablename__ = "measure_rules"
    __table_args__ = (UniqueConstraint("domain_key", "action_type_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable instrument domain keys: R1–R8 (risk) and P1–P6 (resilience and resources).
    domain_key: Mapped[str] = mapped_column(String(16), index=True)
    action_type_id: Mapped[int] = mapped_column(ForeignKey("action_types.id"))
    weight: Mapped[float] = mapped_column(Numeric(4, 2, asdecimal=False))
    rationale_da: Mapped[str] = mapped_column(String(300))
    rationale_en: Mapped[str] = mapped_column(String(300))


class Recommendation(Base):
    """What the committee recommends for one case at one meeting."""

    __tablename__ = "recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    text: Mapped[str] = mapped_column(EncryptedText())
    next_review_on: Mapped[dt.date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    actions: Mapped[list[Action]] = relationship(
        back_populates="recommendation", order_by="Action.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class Action(Base):
    """One measure with an owner and a deadline. Status is followed weekly; the outcome
    (did it work?) is recorded at the case's follow-up, for learning what helps."""

    __tablename__ = "actions"
    __table_args__ = (Index("ix_actions_status_deadline", "status", "deadline"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    action_type_id: Mapped[int] = mapped_column(ForeignKey("action_types.id"))
    owner_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    deadline: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(EncryptedText())
    # "open", "done" or "not_done"
    status: Mapped[str] = mapped_column(String(16), default="open")
    not_done_reason: Mapped[str | None] = mapped_column(String(32))
    # "done", "not_done", "effect_seen" or "no_effect", recorded at follow-up
    outcome: Mapped[str | None] = mapped_column(String(16))
    outcome_recorded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    recommendation: Mapped[Recommendation] = relationship(back_populates="actions")
    action_type: Mapped[ActionType] = relationship(lazy="joined")


class ActionCheck(Base):
    """The weekly check of an open action at the start of a meeting: so nothing slips."""

    __tablename__ = "action_checks"
    __table_args__ = (UniqueConstraint("meeting_id", "action_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), index=True)
    # "done" or "not_done"
    result: Mapped[str] = mapped_column(String(16))
    # not_possible / circumstances_changed / owner_not_acted, when not done
    reason: Mapped[str | None] = mapped_column(String(32))
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
