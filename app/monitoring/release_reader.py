"""Reading published releases: the only data a board page, export or API response uses.

Cell layout (written by app/monitoring/releases.py):
- measure "concerns": every unit (area, district, "ALL") × one dimension at most
  (category, age_band, gender; "*" = all), and for districts and "ALL" also every pair
  of dimensions. The (unit, *, *, *) cell carries `rate` per 1,000 young people.
- measure "persons": distinct young people, (unit, *, *, *) only.
- measures "effect_*": the effect tables (category = action type key), districts and ALL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask_babel import get_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.areas.models import District
from app.monitoring.disclosure import SHOWN
from app.monitoring.models import ALL, Release, ReleaseCell, ReleaseUnit

MUNICIPALITY = "ALL"
DIMENSIONS = ("category", "age_band", "gender")


@dataclass(frozen=True)
class Figure:
    value: int | None
    status: str
    rate: float | None = None
    amount: float | None = None

    @property
    def shown(self) -> bool:
        return self.status == SHOWN

    def label(self, k: int) -> str:
        """What a reader sees: the number, "<k" for a small count, "–" for a protective gap."""
        if self.status == SHOWN:
            return str(self.value)
        return f"<{k}" if self.status == "primary" else "–"


MISSING = Figure(None, "secondary")


def current_releases(session: Session, kind: str | None = None) -> list[Release]:
    """The newest version of each period's release, newest period first."""
    query = select(Release).order_by(
        Release.period_end.desc(), Release.period_kind, Release.version.desc()
    )
    if kind:
        query = query.where(Release.period_kind == kind)
    seen: set[tuple[str, object]] = set()
    result = []
    for release in session.scalars(query):
        key = (release.period_kind, release.period_start)
        if key not in seen:
            seen.add(key)
            result.append(release)
    return result


def latest_release(session: Session, kind: str | None = None) -> Release | None:
    releases = current_releases(session, kind)
    return releases[0] if releases else None


def release_units(
    session: Session, release: Release, scope: list[District] | None = None
) -> list[ReleaseUnit]:
    """Units of the release a reader may look at: the municipality, districts, their areas."""
    units = session.scalars(
        select(ReleaseUnit).where(ReleaseUnit.release_id == release.id).order_by(ReleaseUnit.name)
    ).all()
    if scope is None:
        return list(units)
    codes = {district.code for district in scope}
    return [
        unit
        for unit in units
        if unit.level == "municipality"
        or (unit.level == "district" and unit.code in codes)
        or (unit.level == "area" and unit.parent_code in codes)
    ]


def _cell_query(release: Release, measure: str):
    return select(ReleaseCell).where(
        ReleaseCell.release_id == release.id, ReleaseCell.measure == measure
    )


def _figure(cell: ReleaseCell) -> Figure:
    return Figure(cell.value, cell.status, cell.rate, cell.amount)


def figures(
    session: Session,
    release: Release,
    measure: str = "concerns",
    unit_codes: list[str] | None = None,
    *,
    category: str = ALL,
    age_band: str = ALL,
    gender: str = ALL,
) -> dict[str, Figure]:
    """One figure per unit code for a fixed choice of dimensions."""
    query = _cell_query(release, measure).where(
        ReleaseCell.category == category,
        ReleaseCell.age_band == age_band,
        ReleaseCell.gender == gender,
    )
    if unit_codes is not None:
        query = query.where(ReleaseCell.unit_code.in_(unit_codes))
    return {cell.unit_code: _figure(cell) for cell in session.scalars(query)}


def breakdown(
    session: Session, release: Release, unit_code: str, dimension: str, measure: str = "concerns"
) -> dict[str, Figure]:
    """A unit's figures by one dimension (its values, and "*" for the total)."""
    others = [d for d in DIMENSIONS if d != dimension]
    query = _cell_query(release, measure).where(ReleaseCell.unit_code == unit_code)
    for other in others:
        query = query.where(getattr(ReleaseCell, other) == ALL)
    return {getattr(cell, dimension): _figure(cell) for cell in session.scalars(query)}


def crosstab(
    session: Session, release: Release, unit_code: str, rows: str, cols: str
) -> dict[tuple[str, str], Figure]:
    """Two dimensions against each other for a district or the municipality, with margins."""
    if rows == cols or rows not in DIMENSIONS or cols not in DIMENSIONS:
        raise ValueError("two different dimensions")
    fixed = next(d for d in DIMENSIONS if d not in (rows, cols))
    query = (
        _cell_query(release, "concerns")
        .where(ReleaseCell.unit_code == unit_code)
        .where(getattr(ReleaseCell, fixed) == ALL)
    )
    return {
        (getattr(cell, rows), getattr(cell, cols)): _figure(cell) for cell in session.scalars(query)
    }


def series(
    session: Session, releases: list[Release], unit_code: str, measure: str = "concerns"
) -> list[tuple[Release, Figure]]:
    """A unit's total over releases (oldest first); a unit missing from a release is a gap."""
    result = []
    for release in sorted(releases, key=lambda r: r.period_start):
        found = figures(session, release, measure, [unit_code]).get(unit_code, MISSING)
        result.append((release, found))
    return result


def summary(release: Release) -> dict:
    return json.loads(release.summary or "{}")


def dimension_values(release: Release, dimension: str) -> list[tuple[str, str]]:
    """(key, label in the reader's language) for a dimension, in the release's order.

    Labels are frozen into the release (monitoring never reads the concern catalogue).
    """
    language = str(get_locale() or "da")[:2]
    entries = summary(release).get("dimensions", {}).get(dimension, [])
    return [
        (entry["key"], entry.get(language) or entry.get("da") or entry["key"]) for entry in entries
    ]
