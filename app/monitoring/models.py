"""Area monitoring for the SSP local boards: rollups, frozen releases, indicators, plans.

Nothing here holds a name, a birth date or a case. Rollups are counts; the one pseudonymous
column (`PersonMark.person_key`, a keyed hash) exists only to count distinct young people and
is never read by a board route. Boards read releases, which are frozen when published.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, utcnow

ALL = "*"  # the "any value" key of a dimension: the total over it


class DisclosureSettings(Base):
    """One row: the threshold k and the minimum population of a published area."""

    __tablename__ = "monitoring_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    k: Mapped[int] = mapped_column(Integer, default=5)
    min_population: Mapped[int] = mapped_column(Integer, default=200)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class AreaPopulation(Base):
    """Young people living in an area in a year: the denominator of rates."""

    __tablename__ = "area_populations"
    __table_args__ = (UniqueConstraint("area_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    youth_population: Mapped[int] = mapped_column(Integer)


class BoardMembership(Base):
    """A board member reads the releases of these districts (none: the whole municipality)."""

    __tablename__ = "board_memberships"
    __table_args__ = (UniqueConstraint("user_id", "district_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"))


class ConcernCell(Base):
    """Rollup: concerns about young people per area, month, category, age band and gender.

    A concern about three young people counts three times (once per young person); a
    concern with two categories counts once in each category and once under `ALL`.
    """

    __tablename__ = "monitoring_concern_cells"
    __table_args__ = (UniqueConstraint("area_id", "month", "category", "age_band", "gender"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    month: Mapped[dt.date] = mapped_column(Date, index=True)  # first day of the month
    category: Mapped[str] = mapped_column(String(40))
    age_band: Mapped[str] = mapped_column(String(8))
    gender: Mapped[str] = mapped_column(String(16))
    concerns: Mapped[int] = mapped_column(Integer, default=0)


class PersonMark(Base):
    """That a young person (keyed hash) falls in a rollup cell: to count distinct persons."""

    __tablename__ = "monitoring_person_marks"
    __table_args__ = (
        UniqueConstraint("person_key", "area_id", "month", "category", "age_band", "gender"),
        Index("ix_monitoring_person_marks_month_area", "month", "area_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_key: Mapped[str] = mapped_column(String(64), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    month: Mapped[dt.date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(40))
    age_band: Mapped[str] = mapped_column(String(8))
    gender: Mapped[str] = mapped_column(String(16))


class Release(Base):
    """A frozen publication of one fixed period: what boards read."""

    __tablename__ = "monitoring_releases"
    __table_args__ = (UniqueConstraint("period_kind", "period_start", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_kind: Mapped[str] = mapped_column(String(8))  # quarter | half | year
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)  # the last day, inclusive
    label: Mapped[str] = mapped_column(String(16))  # 2026-Q3, 2026-H2, 2026
    version: Mapped[int] = mapped_column(Integer, default=1)
    k: Mapped[int] = mapped_column(Integer)
    min_population: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # What the disclosure control did (cell counts by status, audit result), as JSON.
    summary: Mapped[str] = mapped_column(Text, default="{}")
    content_hash: Mapped[str] = mapped_column(String(64))

    units: Mapped[list[ReleaseUnit]] = relationship(
        back_populates="release", order_by="ReleaseUnit.id", cascade="all, delete-orphan"
    )


class ReleaseUnit(Base):
    """A published geography of a release: an area (or merged areas), a district, the whole.

    Names, members, population and boundary are copied in, so that a release reads the same
    after boundaries are uploaded again.
    """

    __tablename__ = "monitoring_release_units"
    __table_args__ = (UniqueConstraint("release_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("monitoring_releases.id"), index=True)
    code: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(400))
    level: Mapped[str] = mapped_column(String(16))  # area | district | municipality
    parent_code: Mapped[str | None] = mapped_column(String(80))
    member_codes: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of area codes
    youth_population: Mapped[int | None] = mapped_column(Integer)
    geometry: Mapped[str | None] = mapped_column(Text)  # GeoJSON geometry, areas only

    release: Mapped[Release] = relationship(back_populates="units")


class ReleaseCell(Base):
    """One published number. `value` is None when suppressed; `status` says why.

    status: shown | primary (0 < n < k, shown as "<k") | secondary (hidden to protect
    another cell). `amount` carries a non-count statistic (a mean change) for the cell's
    `value` cases; `rate` is per 1,000 young people where the denominator is at least k.
    """

    __tablename__ = "monitoring_release_cells"
    __table_args__ = (
        UniqueConstraint("release_id", "measure", "unit_code", "category", "age_band", "gender"),
        Index("ix_monitoring_release_cells_lookup", "release_id", "measure", "unit_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("monitoring_releases.id"))
    measure: Mapped[str] = mapped_column(String(40))
    unit_code: Mapped[str] = mapped_column(String(80))
    category: Mapped[str] = mapped_column(String(40), default=ALL)
    age_band: Mapped[str] = mapped_column(String(8), default=ALL)
    gender: Mapped[str] = mapped_column(String(16), default=ALL)
    value: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12))
    rate: Mapped[float | None] = mapped_column(Float)
    amount: Mapped[float | None] = mapped_column(Float)


class IndicatorDefinition(Base):
    """An area indicator from another source (school absence, youth outside education, …)."""

    __tablename__ = "monitoring_indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    name_da: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    definition_da: Mapped[str] = mapped_column(Text, default="")
    definition_en: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(300), default="")
    unit: Mapped[str] = mapped_column(String(16), default="share")  # share | rate | count
    higher_is_worse: Mapped[bool] = mapped_column(Boolean, default=True)


class IndicatorValue(Base):
    """An indicator's value for an area and period (a year, or a quarter: 2026-Q1)."""

    __tablename__ = "monitoring_indicator_values"
    __table_args__ = (UniqueConstraint("indicator_id", "area_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("monitoring_indicators.id"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    period: Mapped[str] = mapped_column(String(16))
    value: Mapped[float] = mapped_column(Float)
    denominator: Mapped[int | None] = mapped_column(Integer)


class ClassificationRule(Base):
    """Areas meeting at least `min_conditions` of `conditions` get `class_key` (first wins)."""

    __tablename__ = "monitoring_classification_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    class_key: Mapped[str] = mapped_column(String(40))
    label_da: Mapped[str] = mapped_column(String(120))
    label_en: Mapped[str] = mapped_column(String(120))
    # JSON list of {"indicator": key, "op": ">=" | "<=", "threshold": number}
    conditions: Mapped[str] = mapped_column(Text, default="[]")
    min_conditions: Mapped[int] = mapped_column(Integer, default=1)


class AreaClassification(Base):
    """An area's class in a year, with the reasons (which conditions held, with values)."""

    __tablename__ = "monitoring_area_classes"
    __table_args__ = (UniqueConstraint("area_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    class_key: Mapped[str] = mapped_column(String(40))
    reasons: Mapped[str] = mapped_column(Text, default="[]")  # JSON
    computed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ActionPlan(Base):
    """A local board's two-year action plan (handleplan); district None: the municipality."""

    __tablename__ = "monitoring_action_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    first_year: Mapped[int] = mapped_column(Integer)
    last_year: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    focus_area_codes: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    goals: Mapped[list[PlanGoal]] = relationship(
        back_populates="plan", order_by="PlanGoal.position", cascade="all, delete-orphan"
    )


class PlanGoal(Base):
    """A goal tied to a published figure: concerns (optionally a category) or an indicator."""

    __tablename__ = "monitoring_plan_goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("monitoring_action_plans.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    metric: Mapped[str] = mapped_column(String(16))  # concerns_rate | concerns | indicator
    indicator_key: Mapped[str | None] = mapped_column(String(60))
    category: Mapped[str | None] = mapped_column(String(40))
    unit_code: Mapped[str | None] = mapped_column(String(80))  # None: the plan's district
    baseline: Mapped[float | None] = mapped_column(Float)
    baseline_period: Mapped[str | None] = mapped_column(String(16))
    target: Mapped[float] = mapped_column(Float)
    direction: Mapped[str] = mapped_column(String(8), default="down")  # down | up

    plan: Mapped[ActionPlan] = relationship(back_populates="goals")
