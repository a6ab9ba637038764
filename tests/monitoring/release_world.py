"""A small municipality with counted concerns and no persons behind them: for release tests."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random

from sqlalchemy import select

from app.monitoring.models import ALL, Release, ReleaseCell
from app.monitoring.rollups import AGE_BANDS, GENDERS, ConcernFact, add_facts
from tests.monitoring.factories import make_area, make_district, parish_features

TODAY = dt.date(2026, 11, 24)
_serial = itertools.count(1)


def three_parishes(db_session, population: int = 1000):
    """Three real neighbouring parishes in one district (so they have real borders)."""
    features = {f["properties"]["name"]: f for f in parish_features()}
    district = make_district(db_session, "D01", "Øst")
    areas = [
        make_area(db_session, district, features[name]["properties"]["code"], name,
                  features[name]["geometry"], youth_population=population)
        for name in ("Vollsmose", "Korsløkke", "Fredens")
    ]
    db_session.commit()
    return district, areas


def fact(area, on: dt.date, category: str = "violence", *, age: str = "15-17",
         gender: str = "male", person: str | None = None) -> ConcernFact:
    return ConcernFact(person or f"p{next(_serial)}", area.id, on, (category,), age, gender)


def count(db_session, facts) -> None:
    add_facts(db_session, list(facts))
    db_session.commit()


def random_facts(rng: random.Random, areas, start: dt.date, days: int, n: int):
    for _ in range(n):
        yield fact(rng.choice(areas), start + dt.timedelta(days=rng.randrange(days)),
                   rng.choice(["violence", "drugs", "vandalism"]), age=rng.choice(AGE_BANDS),
                   gender=rng.choice(GENDERS[:2]))


def published(db_session, release: Release) -> dict:
    rows = db_session.scalars(select(ReleaseCell).where(ReleaseCell.release_id == release.id))
    return {(c.measure, c.unit_code, c.category, c.age_band, c.gender): c for c in rows}


def shown_values(db_session, release: Release) -> dict:
    cells = published(db_session, release)
    return {key: c.value for key, c in cells.items() if c.value is not None}


def total_key(unit: str) -> tuple:
    return ("concerns", unit, ALL, ALL, ALL)


def summary(release: Release) -> dict:
    return json.loads(release.summary)
