"""A small published release for the export and API tests.

Two districts: Nord (areas Vollsmose and a hostile name that looks like a formula) and Syd
(area Bolbro). Hidden cells carry no value, as the release builder writes them; a rate is
planted on one of them anyway to prove that exports never pass it on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select

from app.audit.actor import Actor
from app.audit.models import AuditEvent
from app.auth.roles import Role
from app.monitoring.models import BoardMembership, Release
from tests.factories import make_user
from tests.monitoring.factories import SQUARE, make_district, make_release

K = 5
HOSTILE = '=HYPERLINK("http://evil.example","klik")'
SUMMARY = {
    "dimensions": {
        "category": [
            {"key": "school", "da": "Skole", "en": "School"},
            {"key": "family", "da": "Familie", "en": "Family"},
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
UNITS = [
    {"code": "ALL", "name": "Odense Kommune", "level": "municipality"},
    {"code": "D1", "name": "Nord", "level": "district", "parent_code": "ALL"},
    {"code": "D2", "name": "Syd", "level": "district", "parent_code": "ALL"},
    {
        "code": "A1",
        "name": "Vollsmose",
        "level": "area",
        "parent_code": "D1",
        "youth_population": 1000,
        "geometry": json.dumps(SQUARE),
    },
    {
        "code": "A2",
        "name": HOSTILE,
        "level": "area",
        "parent_code": "D1",
        "youth_population": 900,
        "geometry": json.dumps(SQUARE),
    },
    {
        "code": "A3",
        "name": "Bolbro",
        "level": "area",
        "parent_code": "D2",
        "youth_population": 800,
        "geometry": json.dumps(SQUARE),
    },
]
# Every shown number of the release; an export holds no other count.
SHOWN_VALUES = {131, 77, 54, 41, 33, 26, 22, 19, 97, 12, 29, 36, 0}


def cell(
    unit: str,
    value: int | None,
    status: str = "shown",
    *,
    rate: float | None = None,
    measure: str = "concerns",
    **dimensions: str,
) -> dict:
    return {
        "measure": measure,
        "unit_code": unit,
        "value": value,
        "status": status,
        "rate": rate,
        **dimensions,
    }


def release_cells() -> list[dict]:
    return [
        cell("ALL", 131, rate=48.2),
        cell("D1", 77, rate=40.5),
        cell("D2", 54, rate=67.5),
        cell("A1", 41, rate=41.0),
        cell("A2", None, "primary", rate=3.3),  # a planted rate: must never leave
        cell("A3", None, "secondary"),
        cell("A1", 33, category="school"),
        cell("A1", None, "primary", category="family"),
        cell("A1", 26, age_band="15-17"),
        cell("A1", None, "secondary", age_band="12-14"),
        cell("A1", 22, gender="girl"),
        cell("A1", 19, gender="boy"),
        cell("D1", 36, category="school"),
        cell("D1", None, "primary", category="family"),
        cell("D1", 29, category="school", age_band="15-17"),
        cell("D1", None, "primary", category="school", age_band="12-14"),
        cell("D1", 12, category="family", gender="girl"),
        cell("D1", 0, category="family", gender="boy"),
        cell("ALL", 97, measure="persons"),
        cell("A1", None, "primary", measure="persons"),
    ]


@dataclass
class ExportWorld:
    release: Release
    earlier: Release
    nord_id: int
    syd_id: int


def build_export_world(db_session) -> ExportWorld:
    nord = make_district(db_session, "D1", "Nord")
    syd = make_district(db_session, "D2", "Syd")
    earlier = make_release(
        db_session, "2026-Q2", k=K, units=UNITS, cells=[cell("A1", 22, rate=22.0), cell("ALL", 97)]
    )
    release = make_release(db_session, "2026-Q3", k=K, units=UNITS, cells=release_cells())
    for published in (earlier, release):
        published.summary = json.dumps(SUMMARY)
    db_session.commit()
    return ExportWorld(release, earlier, nord.id, syd.id)


def board_member(db_session, *district_ids: int):
    user = make_user(db_session, Role.BOARD)
    for district_id in district_ids:
        db_session.add(BoardMembership(user_id=user.id, district_id=district_id))
    db_session.commit()
    return user


def actor_of(user) -> Actor:
    return Actor(user_id=user.id, organisation_id=user.organisation_id, role=user.role)


def export_events(db_session) -> list[AuditEvent]:
    db_session.rollback()
    query = select(AuditEvent).where(AuditEvent.action == "monitoring.export")
    return list(db_session.scalars(query.order_by(AuditEvent.seq)))
