"""A release as files for a reader: CSV rows and GeoJSON features, cut to the reader's scope.

Everything comes from app/monitoring/release_reader.py: what a reader may see is what a board
page shows, so a hidden cell leaves as its label ("<k" or "–") and never as a number, and its
rate is left out. Text that a spreadsheet could take for a formula is neutralised here once,
for the CSV and the workbook alike.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.audit.actor import Actor
from app.audit.services import record
from app.monitoring.access import district_scope
from app.monitoring.models import ALL, Release, ReleaseUnit
from app.monitoring.release_labels import Combination, DimensionLabels
from app.monitoring.release_reader import (
    DIMENSIONS,
    MISSING,
    Figure,
    breakdown,
    crosstab,
    figures,
    release_units,
)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LEVEL_ORDER = {"municipality": 0, "district": 1, "area": 2}
PAIRS = (("category", "age_band"), ("category", "gender"), ("age_band", "gender"))
CSV_COLUMNS = (
    "unit_code", "unit_name", "level", "district", "measure",
    "category", "age_band", "gender", "value", "rate",
)  # fmt: skip


class ReleaseNotFound(LookupError):
    """No release with this id."""


class UnitNotFound(LookupError):
    """The unit is not in the release, or not in the reader's scope: both look the same."""


@dataclass(frozen=True)
class Published:
    """A figure as it may leave: the label always, the number and rate only when shown."""

    label: str
    number: int | None
    rate: float | None
    status: str


def published(figure: Figure, k: int) -> Published:
    if figure.shown and figure.value is not None:
        return Published(str(figure.value), figure.value, figure.rate, figure.status)
    hidden = MISSING if figure.shown else figure  # "shown" without a number: treat as a gap
    return Published(hidden.label(k), None, None, hidden.status)


def neutralise(text: str | None) -> str:
    """A spreadsheet must never run a cell: formula-like text gets a leading apostrophe."""
    text = text or ""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def export_filename(release: Release, extension: str) -> str:
    """The period and version only: nothing in a file name points at a place or a person."""
    return f"tidlig-{release.label}-v{release.version}.{extension}"


@dataclass
class ScopedRelease:
    """A release and the units of it the reader may look at."""

    release: Release
    units: list[ReleaseUnit]

    @property
    def k(self) -> int:
        return self.release.k

    def ordered_units(self) -> list[ReleaseUnit]:
        return sorted(self.units, key=lambda u: (LEVEL_ORDER.get(u.level, 3), u.name, u.code))

    def areas(self) -> list[ReleaseUnit]:
        return [unit for unit in self.ordered_units() if unit.level == "area"]

    def summary_units(self) -> list[ReleaseUnit]:
        """The municipality and the districts: the units with cross-tabulations."""
        return [unit for unit in self.ordered_units() if unit.level != "area"]

    def unit(self, code: str) -> ReleaseUnit:
        for unit in self.units:
            if unit.code == code:
                return unit
        raise UnitNotFound(code)

    def district_name(self, unit: ReleaseUnit) -> str:
        if unit.level == "district":
            return unit.name
        if unit.level == "area":
            parent = next((u for u in self.units if u.code == unit.parent_code), None)
            return parent.name if parent else ""
        return ""


def scoped_release(session: Session, actor: Actor, release: Release) -> ScopedRelease:
    return ScopedRelease(release, release_units(session, release, district_scope(session, actor)))


def open_release(session: Session, actor: Actor, release_id: int) -> ScopedRelease:
    release = session.get(Release, release_id)
    if release is None:
        raise ReleaseNotFound(release_id)
    return scoped_release(session, actor, release)


def audit_export(
    session: Session, actor: Actor, release: Release, export_format: str, unit: str | None = None
) -> None:
    record(
        session,
        actor,
        "monitoring.export",
        object_type="release",
        object_id=release.id,
        details={"format": export_format, "unit": unit},
    )


def _combination(**keys: str) -> Combination:
    return (keys.get("category", ALL), keys.get("age_band", ALL), keys.get("gender", ALL))


def unit_cells(session: Session, release: Release, unit: ReleaseUnit) -> dict[Combination, Figure]:
    """Every "concerns" figure of a unit: by each dimension, and for districts and the
    municipality by each pair of dimensions."""
    cells: dict[Combination, Figure] = {}
    for dimension in DIMENSIONS:
        for key, figure in breakdown(session, release, unit.code, dimension).items():
            cells[_combination(**{dimension: key})] = figure
    if unit.level != "area":
        for rows, cols in PAIRS:
            for (row, col), figure in crosstab(session, release, unit.code, rows, cols).items():
                cells[_combination(**{rows: row, cols: col})] = figure
    return cells


# --- CSV --------------------------------------------------------------------------------------


def _decimal(rate: float | None) -> str:
    """One decimal with a decimal comma, as Danish Excel reads a number."""
    return "" if rate is None else f"{rate:.1f}".replace(".", ",")


def csv_rows(session: Session, scoped: ScopedRelease) -> list[list[str]]:
    """The release's tables in long format, one row per published cell, header first."""
    release = scoped.release
    rows: list[list[str]] = [list(CSV_COLUMNS)]
    units = scoped.ordered_units()
    labels = DimensionLabels(release)
    persons = figures(session, release, "persons", [unit.code for unit in units])
    for unit in units:
        district = scoped.district_name(unit)
        cells = unit_cells(session, release, unit)
        ordered = sorted(cells, key=labels.sort_key)
        measured = [("concerns", combination, cells[combination]) for combination in ordered]
        if unit.code in persons:
            measured.append(("persons", (ALL, ALL, ALL), persons[unit.code]))
        for measure, combination, figure in measured:
            shown = published(figure, release.k)
            rows.append([
                unit.code, unit.name, unit.level, district, measure,
                *labels.labels(combination), shown.label, _decimal(shown.rate),
            ])  # fmt: skip
    return [[neutralise(text) for text in row] for row in rows]


def csv_bytes(rows: list[list[str]]) -> bytes:
    """UTF-8 with a byte order mark and `;` between fields: what Danish Excel opens as-is."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_csv(session: Session, actor: Actor, scoped: ScopedRelease) -> bytes:
    body = csv_bytes(csv_rows(session, scoped))
    audit_export(session, actor, scoped.release, "csv")
    return body


# --- GeoJSON ----------------------------------------------------------------------------------


def area_features(session: Session, scoped: ScopedRelease) -> dict:
    """A FeatureCollection of the areas in scope with their published total of concerns."""
    release = scoped.release
    areas = scoped.areas()
    totals = figures(session, release, "concerns", [unit.code for unit in areas])
    features = []
    for unit in areas:
        shown = published(totals.get(unit.code, MISSING), release.k)
        features.append({
            "type": "Feature",
            "id": unit.code,
            "geometry": json.loads(unit.geometry) if unit.geometry else None,
            "properties": {
                "code": unit.code,
                "name": unit.name,
                "district_code": unit.parent_code,
                "district": scoped.district_name(unit),
                "concerns": shown.label,
                "value": shown.number,
                "rate": shown.rate,
                "status": shown.status,
            },
        })  # fmt: skip
    return {
        "type": "FeatureCollection",
        "name": f"tidlig-{release.label}-v{release.version}",
        "features": features,
    }


def disclosure_note(k: int) -> str:
    """What the labels mean; the same sentence on every export."""
    return _(
        'Counts from 1 to %(below)d are shown as "<%(k)d". "–" marks a figure hidden so that '
        "a small count cannot be worked out from the others. Rates per 1,000 young people are "
        "given only where the number of young people is at least %(k)d.",
        below=k - 1,
        k=k,
    )


def export_geojson(session: Session, actor: Actor, scoped: ScopedRelease, via: str = "web") -> dict:
    collection = area_features(session, scoped)
    audit_export(session, actor, scoped.release, "geojson" if via == "web" else f"geojson-{via}")
    return collection
