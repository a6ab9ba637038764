"""A plan goal's figures, read only from published releases and imported indicators.

Concern figures come from `ReleaseCell` (suppressed cells stay "<k" or "–"); indicator
figures from `IndicatorValue` of the unit's member areas for the release's period or year,
hidden where the denominator is below k. No number below k is ever handed out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask_babel import format_decimal
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.areas.models import Area, District
from app.monitoring.disclosure import PRIMARY, SHOWN, share_allowed
from app.monitoring.models import (
    ALL,
    IndicatorDefinition,
    IndicatorValue,
    Release,
    ReleaseCell,
    ReleaseUnit,
)

MUNICIPALITY = "ALL"
PER = 1000  # rates are per 1,000 young people


@dataclass(frozen=True)
class Published:
    """One figure as a reader sees it; `number` is None when it is not published."""

    text: str
    number: float | None = None
    area: str | None = None  # the member area, for indicators of a unit with several


@dataclass(frozen=True)
class Baseline:
    value: float | None
    period: str
    suppressed: bool = False  # the release hides the figure
    several_areas: bool = False  # an indicator over several areas has no single value


def number_text(value: float) -> str:
    return format_decimal(round(value, 2), format="#,##0.##")


def release_unit(session: Session, release_id: int, code: str) -> ReleaseUnit | None:
    """The unit publishing `code`: itself, or the merged unit an area is published in."""
    units = session.scalars(select(ReleaseUnit).where(ReleaseUnit.release_id == release_id))
    merged = None
    for unit in units:
        if unit.code == code:
            return unit
        if unit.level == "area" and code in json.loads(unit.member_codes or "[]"):
            merged = unit
    return merged


def _hidden(status: str, k: int) -> Published:
    return Published(f"<{k}" if status == PRIMARY else "–")


def _concern_figure(
    session: Session, release: Release, unit: ReleaseUnit, category: str | None, rate: bool
) -> Published:
    cell = session.scalar(
        select(ReleaseCell).where(
            ReleaseCell.release_id == release.id,
            ReleaseCell.measure == "concerns",
            ReleaseCell.unit_code == unit.code,
            ReleaseCell.category == (category or ALL),
            ReleaseCell.age_band == ALL,
            ReleaseCell.gender == ALL,
        )
    )
    if cell is None:
        return Published("–")
    if cell.status != SHOWN:
        return _hidden(cell.status, release.k)
    if not rate:
        return Published(str(cell.value), float(cell.value))
    value = cell.rate
    if value is None and share_allowed(unit.youth_population, release.k):
        value = cell.value * PER / unit.youth_population
    return Published("–") if value is None else Published(number_text(value), round(value, 2))


def _member_areas(session: Session, unit: ReleaseUnit) -> list[Area]:
    codes = json.loads(unit.member_codes or "[]")
    query = select(Area).order_by(Area.name)
    if codes:
        return list(session.scalars(query.where(Area.code.in_(codes))))
    if unit.level == "district":
        query = query.join(District, District.id == Area.district_id).where(
            District.code == unit.code
        )
    return list(session.scalars(query))


def _indicator_figures(
    session: Session, release: Release, unit: ReleaseUnit, indicator_key: str | None
) -> list[Published]:
    indicator = session.scalar(
        select(IndicatorDefinition).where(IndicatorDefinition.key == indicator_key)
    )
    areas = _member_areas(session, unit)
    if indicator is None or not areas:
        return [Published("–")]
    periods = (release.label, str(release.period_start.year))
    rows = session.scalars(
        select(IndicatorValue).where(
            IndicatorValue.indicator_id == indicator.id,
            IndicatorValue.area_id.in_([area.id for area in areas]),
            IndicatorValue.period.in_(periods),
        )
    ).all()
    best = {}
    for row in sorted(rows, key=lambda r: periods.index(r.period), reverse=True):
        best[row.area_id] = row  # the release's own period wins over its year
    several = len(areas) > 1
    figures = []
    for area in areas:
        row = best.get(area.id)
        name = area.name if several else None
        if row is None:
            figures.append(Published("–", area=name))
        elif not share_allowed(row.denominator, release.k):
            figures.append(Published("–", area=name))
        else:
            figures.append(Published(number_text(row.value), row.value, area=name))
    return figures


def figures(
    session: Session,
    release: Release,
    metric: str,
    unit_code: str,
    category: str | None,
    indicator_key: str | None,
) -> list[Published]:
    """The goal's figure in a release: one, or one per member area for an indicator."""
    unit = release_unit(session, release.id, unit_code)
    if unit is None:
        return [Published("–")]
    if metric == "indicator":
        return _indicator_figures(session, release, unit, indicator_key)
    return [_concern_figure(session, release, unit, category, metric == "concerns_rate")]


def baseline_from_release(
    session: Session,
    release_id: int | None,
    metric: str,
    unit_code: str,
    category: str | None,
    indicator_key: str | None,
) -> Baseline | None:
    """The goal's published value in a release; None when there is no such release."""
    release = session.get(Release, release_id) if release_id is not None else None
    if release is None:
        return None
    found = figures(session, release, metric, unit_code, category, indicator_key)
    if len(found) > 1:
        return Baseline(None, release.label, several_areas=True)
    if found[0].number is None:
        return Baseline(None, release.label, suppressed=True)
    return Baseline(found[0].number, release.label)
