"""Rows for monitoring tests: districts and areas with real shapes, releases with cells."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.orm import Session

from app.areas.models import Area, District
from app.monitoring.models import ALL, Release, ReleaseCell, ReleaseUnit
from app.monitoring.periods import parse_period

# The demo's copy of ../shared/geo/odense-parishes.geojson: a clean clone has it too.
PARISHES = Path(__file__).resolve().parents[2] / "app" / "demo" / "data" / "odense-parishes.geojson"

# A small square near Odense (lon, lat), for tests that need a shape but not a real one.
SQUARE = {"type": "Polygon", "coordinates": [[[10.3, 55.3], [10.31, 55.3], [10.31, 55.31],
                                              [10.3, 55.31], [10.3, 55.3]]]}


def parish_features() -> list[dict]:
    return json.loads(PARISHES.read_text(encoding="utf-8"))["features"]


def make_district(session: Session, code: str = "D01", name: str = "Vollsmose-distriktet"):
    district = District(code=code, name=name)
    session.add(district)
    session.flush()
    return district


def make_area(session: Session, district, code: str, name: str, geometry: dict | None = None,
              youth_population: int | None = 1000):
    area = Area(code=code, name=name, district_id=district.id,
                geometry=json.dumps(geometry or SQUARE), youth_population=youth_population)
    session.add(area)
    session.flush()
    return area


def make_release(session: Session, label: str = "2026-Q3", *, k: int = 5, version: int = 1,
                 units: list[dict] | None = None, cells: list[dict] | None = None) -> Release:
    """A published release written directly (not through the builder): for readers' tests.

    `units`: dicts of ReleaseUnit fields; `cells`: dicts of ReleaseCell fields (measure,
    unit_code, value, status; category/age_band/gender default to ALL).
    """
    period = parse_period(label)
    release = Release(period_kind=period.kind, period_start=period.start,
                      period_end=period.end, label=period.label, version=version, k=k,
                      min_population=200, summary="{}", content_hash="0" * 64)
    session.add(release)
    session.flush()
    for unit in units or [{"code": "ALL", "name": "Kommunen", "level": "municipality"}]:
        session.add(ReleaseUnit(release_id=release.id, **unit))
    for cell in cells or []:
        values = {"category": ALL, "age_band": ALL, "gender": ALL, **cell}
        session.add(ReleaseCell(release_id=release.id, **values))
    session.flush()
    return release
