"""A district's page: its trend and its areas' over releases, breakdowns and cross-tables.

Every number is a published cell shown with Figure.label. Totals are the published totals
(never sums of shown cells), shares only where the published denominator is shown and at
least k, and a hidden point of a trend is a gap in the chart, not a zero.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from flask_babel import format_percent
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.areas.models import District
from app.monitoring.board_options import BoardOptions
from app.monitoring.disclosure import share_allowed
from app.monitoring.models import ALL, Release, ReleaseUnit
from app.monitoring.release_reader import (
    DIMENSIONS,
    MISSING,
    MUNICIPALITY,
    Figure,
    breakdown,
    crosstab,
    current_releases,
    dimension_values,
    release_units,
    series,
)

CHART_WIDTH = 320
CHART_HEIGHT = 120
CHART_BASE = 100  # y of the baseline; labels go below it
TREND_LENGTH = 8  # the last eight periods of the kind


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    x: float
    width: float
    y: float | None  # None: not shown, a gap
    height: float


@dataclass(frozen=True)
class Trend:
    code: str
    name: str
    level: str
    points: list[tuple[str, str]]  # (period label, Figure.label)
    bars: list[Bar]


@dataclass(frozen=True)
class BreakdownRow:
    key: str
    label: str
    count: str
    share: str


@dataclass(frozen=True)
class CrossTable:
    unit_code: str
    rows: str
    cols: str
    col_labels: list[str]
    lines: list[tuple[str, list[str]]]  # row label, cell labels; the last row/column: totals


def dimension_label(dimension: str) -> str:
    return {"category": _("Category"), "age_band": _("Age band"), "gender": _("Gender")}[dimension]


def district_in_scope(session: Session, options: BoardOptions, district_id: int) -> District:
    """The district, or 404 when there is none.

    A board member's districts are where their pages start, not a wall: every published
    figure is disclosure-controlled for the whole municipality (see access.district_scope).
    """
    district = session.get(District, district_id)
    if district is None:
        abort(404)
    return district


def release_unit(session: Session, release: Release, code: str) -> ReleaseUnit | None:
    return next((u for u in release_units(session, release) if u.code == code), None)


def bars_of(points: list[tuple[str, Figure]], k: int) -> list[Bar]:
    shown = [figure.value or 0 for _label, figure in points if figure.shown]
    top = max(shown, default=0) or 1
    step = CHART_WIDTH / max(len(points), 1)
    bars = []
    for index, (label, figure) in enumerate(points):
        x = index * step + step * 0.15
        if figure.shown:
            height = (figure.value or 0) / top * (CHART_BASE - 10)
            bars.append(Bar(label, figure.label(k), x, step * 0.7, CHART_BASE - height, height))
        else:
            bars.append(Bar(label, figure.label(k), x, step * 0.7, None, 0))
    return bars


def trends(session: Session, release: Release, district: District) -> list[Trend]:
    """The district and each of its areas over the latest releases of the release's kind."""
    releases = [
        r
        for r in current_releases(session, release.period_kind)
        if r.period_end <= release.period_end
    ][:TREND_LENGTH]
    units = [
        u
        for u in release_units(session, release)
        if u.code == district.code or (u.level == "area" and u.parent_code == district.code)
    ]
    units.sort(key=lambda u: (u.level != "district", u.name.casefold()))
    result = []
    for unit in units:
        points = [(r.label, figure) for r, figure in series(session, releases, unit.code)]
        result.append(
            Trend(
                unit.code,
                unit.name,
                unit.level,
                [(label, figure.label(release.k)) for label, figure in points],
                bars_of(points, release.k),
            )
        )
    return result


def value_labels(release: Release, dimension: str, found: set[str]) -> list[tuple[str, str]]:
    """The dimension's values in the release's order; keys without a frozen label as they are."""
    known = [(key, label) for key, label in dimension_values(release, dimension) if key != ALL]
    extra = sorted(found - {key for key, _label in known} - {ALL})
    return known + [(key, key) for key in extra]


def share_text(part: Figure, total: Figure, k: int) -> str:
    if part.shown and total.shown and share_allowed(total.value, k) and total.value:
        return format_percent((part.value or 0) / total.value, format="#,##0 %")
    return ""


def breakdowns(session: Session, release: Release, unit_code: str):
    """[(dimension, label, rows, total label)] for category, age band and gender."""
    result = []
    for dimension in DIMENSIONS:
        cells = breakdown(session, release, unit_code, dimension)
        total = cells.get(ALL, MISSING)
        rows = [
            BreakdownRow(
                key,
                label,
                cells.get(key, MISSING).label(release.k),
                share_text(cells.get(key, MISSING), total, release.k),
            )
            for key, label in value_labels(release, dimension, set(cells))
        ]
        result.append((dimension, dimension_label(dimension), rows, total.label(release.k)))
    return result


def cross_table(
    session: Session, release: Release, unit_code: str, rows: str, cols: str
) -> CrossTable:
    """Two dimensions of a district or the municipality with the published margins."""
    cells = crosstab(session, release, unit_code, rows, cols)
    row_values = value_labels(release, rows, {r for r, _c in cells})
    col_values = value_labels(release, cols, {c for _r, c in cells})
    total = _("Total")
    col_keys = [key for key, _label in col_values] + [ALL]
    lines = []
    for row_key, row_label in [*row_values, (ALL, total)]:
        lines.append(
            (
                row_label,
                [cells.get((row_key, col), MISSING).label(release.k) for col in col_keys],
            )
        )
    return CrossTable(unit_code, rows, cols, [label for _k, label in col_values] + [total], lines)


def crosstab_units(session: Session, options: BoardOptions, release: Release):
    """(code, name) of the units a cross-table may be asked for: the municipality first."""
    units = release_units(session, release)
    whole = [(MUNICIPALITY, u.name) for u in units if u.code == MUNICIPALITY]
    return whole + sorted(
        ((u.code, u.name) for u in units if u.level == "district"), key=lambda pair: pair[1]
    )


@dataclass(frozen=True)
class DistrictPage:
    district: District
    release: Release
    unit: ReleaseUnit
    periods: list[str]
    trends: list[Trend]
    breakdowns: list
    cross: CrossTable


def district_page(
    session: Session,
    options: BoardOptions,
    district_id: int,
    release: Release,
    rows: str,
    cols: str,
) -> DistrictPage:
    """403 outside the reader's scope; 404 for an unknown district or one not in the release."""
    district = district_in_scope(session, options, district_id)
    unit = release_unit(session, release, district.code)
    if unit is None or unit.level != "district":
        abort(404)
    unit_trends = trends(session, release, district)
    periods = [label for label, _text in unit_trends[0].points] if unit_trends else []
    return DistrictPage(
        district,
        release,
        unit,
        periods,
        unit_trends,
        breakdowns(session, release, district.code),
        cross_table(session, release, district.code, rows, cols),
    )
