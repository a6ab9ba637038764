"""A small published world for the board pages' tests.

Two districts: Nord (D01) with a shown area, a primary-suppressed area and a merged
secondary-suppressed area, and Syd (D02) with five shown areas and one without a rate.
Hidden cells carry value None like the builder writes them; one also carries a planted
rate (3.33) the pages must never show, because only a shown count has a rate.
"""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from app.monitoring.models import Release
from tests.monitoring.factories import make_district, make_release

PLANTED_RATE = 3.33


def square(lon: float, lat: float, size: float = 0.01) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def merged_shape(lon: float, lat: float) -> dict:
    """Two squares, the first with a hole: a multipolygon like a merged publication unit."""
    outer = square(lon, lat, 0.02)["coordinates"][0]
    hole = [
        [lon + 0.005, lat + 0.005],
        [lon + 0.005, lat + 0.01],
        [lon + 0.01, lat + 0.01],
        [lon + 0.01, lat + 0.005],
        [lon + 0.005, lat + 0.005],
    ]
    return {
        "type": "MultiPolygon",
        "coordinates": [[outer, hole], square(lon + 0.03, lat)["coordinates"]],
    }


AREAS = [  # code, name, district, shape
    ("7001", "Allégade", "D01", square(10.30, 55.30)),
    ("7002", "Bolbro", "D01", square(10.32, 55.30)),
    ("7003+7004", "Dalum og Fruens Bøge", "D01", merged_shape(10.34, 55.30)),
    ("7101", "Hjallese", "D02", square(10.30, 55.28)),
    ("7102", "Korsløkke", "D02", square(10.32, 55.28)),
    ("7103", "Munkebjerg", "D02", square(10.34, 55.28)),
    ("7104", "Sanderum", "D02", square(10.36, 55.28)),
    ("7105", "Tarup", "D02", square(10.38, 55.28)),
    ("7106", "Vestre", "D02", square(10.40, 55.28)),
]

# The latest quarter: (value, status, rate). Rates of Syd's areas spread over five classes.
LATEST = {
    "ALL": (160, "shown", 16.0),
    "D01": (55, "shown", 18.2),
    "D02": (105, "shown", 15.1),
    "7001": (41, "shown", 20.5),
    "7002": (None, "primary", PLANTED_RATE),
    "7003+7004": (None, "secondary", None),
    "7101": (16, "shown", 8.1),
    "7102": (23, "shown", 11.6),
    "7103": (29, "shown", 30.2),
    "7104": (24, "shown", 45.7),
    "7105": (13, "shown", None),  # population under k: no rate
    "7106": (0, "shown", 0.0),
}


def units() -> list[dict]:
    result = [
        {"code": "ALL", "name": "Kommunen", "level": "municipality"},
        {"code": "D01", "name": "Nord", "level": "district", "parent_code": "ALL"},
        {"code": "D02", "name": "Syd", "level": "district", "parent_code": "ALL"},
    ]
    for code, name, district, shape in AREAS:
        result.append(
            {
                "code": code,
                "name": name,
                "level": "area",
                "parent_code": district,
                "member_codes": json.dumps(code.split("+")),
                "youth_population": 2000,
                "geometry": json.dumps(shape),
            }
        )
    return result


def quarter(session: Session, label: str, values: dict, **extra_cells) -> Release:
    cells = [
        {"measure": "concerns", "unit_code": code, "value": value, "status": status, "rate": rate}
        for code, (value, status, rate) in values.items()
    ]
    cells += [
        {
            "measure": "persons",
            "unit_code": code,
            "value": None if value is None else max(value - 1, 0),
            "status": status,
        }
        for code, (value, status, _rate) in values.items()
    ]
    for cell in extra_cells.get("cells", []):
        cells.append(cell)
    return make_release(session, label, units=units(), cells=cells)


def board_world(session: Session, *, history: bool = True) -> dict:
    """Districts Nord and Syd, the latest quarter 2026-Q3 and (history) the four before."""
    nord = make_district(session, "D01", "Nord")
    syd = make_district(session, "D02", "Syd")
    earlier = []
    if history:
        # 7001 rises clearly (about 10 -> 41); Syd's areas stay flat; 7103 had a hidden quarter.
        for index, label in enumerate(("2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2")):
            values = {code: (value, status, rate) for code, (value, status, rate) in LATEST.items()}
            values["7001"] = (10 + index % 2, "shown", 5.0)
            values["7103"] = (None, "primary", None) if index == 2 else (10, "shown", 5.0)
            earlier.append(quarter(session, label, values))
    latest = quarter(session, "2026-Q3", LATEST, cells=crosstab_cells())
    latest.summary = json.dumps(
        {
            "dimensions": {
                "category": [
                    {"key": "violence", "da": "Vold", "en": "Violence"},
                    {"key": "theft", "da": "Tyveri", "en": "Theft"},
                ],
                "age_band": [
                    {"key": "12-14", "da": "12-14 år", "en": "12-14 years"},
                    {"key": "15-17", "da": "15-17 år", "en": "15-17 years"},
                ],
                "gender": [
                    {"key": "girl", "da": "Pige", "en": "Girl"},
                    {"key": "boy", "da": "Dreng", "en": "Boy"},
                ],
            }
        }
    )
    session.commit()
    return {"nord": nord, "syd": syd, "latest": latest, "earlier": earlier}


def crosstab_cells() -> list[dict]:
    """Nord's category x age band with margins (the total is in LATEST), and one-way cells."""
    table = {
        ("violence", "12-14"): (None, "primary"),
        ("violence", "15-17"): (None, "secondary"),
        ("theft", "12-14"): (20, "shown"),
        ("theft", "15-17"): (25, "shown"),
        ("violence", "*"): (10, "shown"),
        ("theft", "*"): (45, "shown"),
        ("*", "12-14"): (None, "secondary"),
        ("*", "15-17"): (31, "shown"),
    }
    cells = [
        {
            "measure": "concerns",
            "unit_code": "D01",
            "category": category,
            "age_band": age_band,
            "value": value,
            "status": status,
        }
        for (category, age_band), (value, status) in table.items()
    ]
    cells += [
        {
            "measure": "concerns",
            "unit_code": "D01",
            "gender": gender,
            "value": value,
            "status": "shown",
        }
        for gender, value in (("girl", 22), ("boy", 33))
    ]
    return cells
