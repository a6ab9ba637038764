"""Concern rollups: counts per area, month, category, age band and gender.

The cases package hands in plain facts (`ConcernFact`); this module never reads a person.
Facts are added in the caller's transaction, so a concern and its counts commit together.
Counts are never decremented when personal data is later deleted: published releases are
frozen anyway, and a rebuild recomputes only from what still exists.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.monitoring.models import ALL, ConcernCell, PersonMark

AGE_BANDS = ("0-11", "12-14", "15-17", "18+")
GENDERS = ("female", "male", "other", "unknown")


@dataclass(frozen=True)
class ConcernFact:
    """One concern about one young person, as monitoring may know it."""

    person_key: str  # keyed hash of the person: counts distinct persons, identifies no one
    area_id: int
    occurred_on: dt.date
    categories: tuple[str, ...]
    age_band: str
    gender: str


def age_band(birth_date: dt.date, on: dt.date) -> str:
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    if age < 12:
        return AGE_BANDS[0]
    if age < 15:
        return AGE_BANDS[1]
    if age < 18:
        return AGE_BANDS[2]
    return AGE_BANDS[3]


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _cell_keys(fact: ConcernFact) -> list[tuple[int, dt.date, str, str, str]]:
    month = month_of(fact.occurred_on)
    gender = fact.gender if fact.gender in GENDERS else "unknown"
    return [
        (fact.area_id, month, category, fact.age_band, gender)
        for category in (ALL, *sorted(set(fact.categories)))
    ]


def _insert(session: Session, model):
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


_CELL_COLUMNS = ("area_id", "month", "category", "age_band", "gender")


def add_facts(session: Session, facts: Iterable[ConcernFact]) -> int:
    """Count the facts into the rollup; returns how many facts were counted."""
    increments: Counter = Counter()
    marks: set[tuple] = set()
    counted = 0
    for fact in facts:
        counted += 1
        for key in _cell_keys(fact):
            increments[key] += 1
            marks.add((fact.person_key, *key))
    if not counted:
        return 0
    statement = _insert(session, ConcernCell)
    statement = statement.on_conflict_do_update(
        index_elements=list(_CELL_COLUMNS),
        set_={"concerns": ConcernCell.concerns + statement.excluded.concerns},
    )
    rows = [dict(zip(_CELL_COLUMNS, key, strict=True), concerns=n) for key, n in increments.items()]
    for chunk in _chunks(rows, 500):
        session.execute(statement, chunk)
    mark_statement = _insert(session, PersonMark).on_conflict_do_nothing()
    mark_rows = [dict(zip(("person_key", *_CELL_COLUMNS), mark, strict=True)) for mark in marks]
    for chunk in _chunks(mark_rows, 500):
        session.execute(mark_statement, chunk)
    return counted


def rebuild(session: Session, facts: Iterable[ConcernFact], batch_size: int = 5_000) -> int:
    """Throw the rollup away and count every fact again (in the caller's transaction)."""
    session.execute(delete(PersonMark))
    session.execute(delete(ConcernCell))
    total = 0
    batch: list[ConcernFact] = []
    for fact in facts:
        batch.append(fact)
        if len(batch) >= batch_size:
            total += add_facts(session, batch)
            batch = []
    return total + add_facts(session, batch)


def _chunks(rows: list, size: int):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
