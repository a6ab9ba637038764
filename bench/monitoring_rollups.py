"""Time a board's aggregates from the rollups against a raw GROUP BY over the concern tables.

    .venv/bin/python bench/monitoring_rollups.py [--concerns 1000000] [--persons 100000]
    .venv/bin/python bench/monitoring_rollups.py --reset \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_monitoring

Builds the schema with the migrations, bulk-loads synthetic persons and three years of
concerns (Core executemany on SQLite, COPY on PostgreSQL; encrypted columns get one fixed
token, neither side reads them) and fills the rollups with `app.monitoring.rollups.rebuild`
from facts made from the same data. Then times, interleaved, one quarter's concerns per
area x category and per area x age band x gender: raw (concerns, concern_persons, persons,
category links, categories) against SUM over monitoring_concern_cells. Both sides count an
age band as the concern's year minus the birth year (the raw side cannot read the encrypted
birth date), so the tables must be equal: the script exits 1 if they are not.
Acceptance (issue 5): the rollup at least 10x faster than the raw query.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import count, islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import create_engine, func, insert, select  # noqa: E402
from sqlalchemy.engine import Connection, make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from sqlalchemy.sql import Select  # noqa: E402

import app.models  # noqa: E402,F401
from app.cases.models import (  # noqa: E402
    Concern,
    ConcernCategory,
    ConcernCategoryLink,
    ConcernPerson,
    Person,
)
from app.crypto.keyring import KeyRing  # noqa: E402
from app.crypto.types import EncryptedDate, EncryptedText  # noqa: E402
from app.db import make_engine, normalise_url  # noqa: E402
from app.demo.areas import DEFAULT_GEOJSON, load_demo_areas  # noqa: E402
from app.monitoring.models import ALL, ConcernCell  # noqa: E402
from app.monitoring.periods import parse_period  # noqa: E402
from app.monitoring.rollups import AGE_BANDS, GENDERS, ConcernFact, age_band, rebuild  # noqa: E402

SHARED_PARISHES = ROOT.parent / "shared" / "geo" / "odense-parishes.geojson"
BATCH = 20_000
GENDER_SHARES = dict(zip(GENDERS, (48, 48, 1, 3), strict=True))
PERSONS_PER_CONCERN = {1: 85, 2: 12, 3: 3}


@dataclass
class Data:
    """The synthetic data, kept to make the rollup facts from (index = id - 1)."""

    person_area: list[int | None]
    person_gender: list[str]
    person_birth_year: list[int]
    concern_day: list[dt.date]
    concern_area: list[int | None]
    concern_recorded: list[bool]
    concern_categories: list[tuple[int, ...]]
    concern_persons: list[tuple[int, ...]]


def generate(n: int, persons: int, areas: dict[int, int], categories: list[int],
             first_day: dt.date, after: dt.date, rng: random.Random) -> Data:  # fmt: skip
    area_ids, populations = list(areas), list(areas.values())
    last_year = first_day.year + 3
    # A few young people are named in many concerns, most in one or two.
    activity = [rng.lognormvariate(0, 0.8) for _ in range(persons)]
    first = rng.choices(range(1, persons + 1), activity, k=n)
    sizes = rng.choices(list(PERSONS_PER_CONCERN), list(PERSONS_PER_CONCERN.values()), k=n)
    days = [first_day + dt.timedelta(days=d) for d in range((after - first_day).days)]
    popularity = [1 / (i + 1) for i in range(len(categories))]  # a few categories dominate
    one, two = (rng.choices(categories, popularity, k=n) for _ in range(2))
    return Data(
        person_area=[
            None if rng.random() < 0.02 else a  # moved away / not placed
            for a in rng.choices(area_ids, populations, k=persons)
        ],
        person_gender=rng.choices(list(GENDER_SHARES), list(GENDER_SHARES.values()), k=persons),
        person_birth_year=[
            rng.randint(first_day.year - 18, last_year - 10) for _ in range(persons)
        ],
        concern_day=[days[i] for i in sorted(rng.randrange(len(days)) for _ in range(n))],
        # A quarter name the place where it happened; the rest count in the home area.
        concern_area=[
            a if rng.random() < 0.25 else None for a in rng.choices(area_ids, populations, k=n)
        ],
        concern_recorded=[rng.random() >= 0.02 for _ in range(n)],  # 2 % still in the inbox
        concern_categories=[
            tuple(sorted({a, b})) if rng.random() < 0.4 else (a,)
            for a, b in zip(one, two, strict=True)
        ],
        concern_persons=[
            tuple(1 + (p - 1 + j * 7919) % persons for j in range(size))
            for p, size in zip(first, sizes, strict=True)
        ],
    )


def plain_table(model, names: list[str]):
    """The model's table without the encryption types: rows carry a ready-made token."""
    columns = model.__table__.columns
    plain = [None if isinstance(columns[n].type, EncryptedText | EncryptedDate) else columns[n].type
             for n in names]  # fmt: skip
    return sa.table(model.__tablename__, *map(sa.column, names, plain))


def bulk_insert(connection: Connection, model, names: list[str], rows: Iterable[tuple]) -> None:
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {model.__tablename__} ({', '.join(names)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    statement, rows = insert(plain_table(model, names)), iter(rows)
    while chunk := list(islice(rows, BATCH)):
        connection.execute(statement, [dict(zip(names, row, strict=True)) for row in chunk])


def load(connection: Connection, data: Data, token: str, timings: dict[str, float]) -> None:
    now, noon = dt.datetime.now(dt.UTC), dt.time(12, tzinfo=dt.UTC)
    person_rows = (
        (i, token, token, token, year, gender, area, False, now, 1)
        for i, year, gender, area in zip(
            count(1), data.person_birth_year, data.person_gender, data.person_area
        )
    )
    concern_rows = (
        (i, day, area, "school", token, "s115", "recorded" if recorded else "inbox",
         dt.datetime.combine(day, noon))
        for i, day, area, recorded in zip(
            count(1), data.concern_day, data.concern_area, data.concern_recorded
        )
    )  # fmt: skip
    named = ((i, p) for i, persons in enumerate(data.concern_persons, 1) for p in persons)
    tables = [
        (Person, "id first_name last_name birth_date birth_year gender area_id is_demo "
         "created_at version", person_rows),
        (Concern, "id occurred_on area_id reporter_type narrative legal_basis status created_at",
         concern_rows),
        (ConcernPerson, "id concern_id person_id", ((n, *pair) for n, pair in enumerate(named, 1))),
        (ConcernCategoryLink, "concern_id category_id",
         ((i, k) for i, ks in enumerate(data.concern_categories, 1) for k in ks)),
    ]  # fmt: skip
    for model, names, rows in tables:
        started = time.perf_counter()
        bulk_insert(connection, model, names.split(), rows)
        timings[model.__tablename__] = time.perf_counter() - started
        print(f"loaded {model.__tablename__:<24} {timings[model.__tablename__]:7.1f} s")
    if connection.dialect.name == "postgresql":  # ids were given: move the sequences on
        for name in ("persons", "concerns", "concern_persons"):
            sequence = f"pg_get_serial_sequence('{name}', 'id')"
            connection.exec_driver_sql(f"SELECT setval({sequence}, max(id)) FROM {name}")  # noqa: S608


def facts(data: Data, keys: list[str], category_keys: dict[int, str]) -> Iterator[ConcernFact]:
    """The facts app.cases.monitoring_feed makes, with the raw side's age-band rule."""
    for i, day in enumerate(data.concern_day):
        if not data.concern_recorded[i]:
            continue
        categories = tuple(category_keys[k] for k in data.concern_categories[i])
        for p in data.concern_persons[i]:
            area = data.concern_area[i] or data.person_area[p - 1]
            if area is not None:  # like the feed: an unplaced concern is not counted
                born = dt.date(data.person_birth_year[p - 1], 1, 1)
                band = age_band(born, dt.date(day.year, 1, 1))  # = the year difference
                gender = data.person_gender[p - 1]
                yield ConcernFact(keys[p - 1], area, day, categories, band, gender)


def queries(first: dt.date, last: dt.date) -> dict[str, Select]:
    c, named, person = Concern.__table__, ConcernPerson.__table__, Person.__table__
    category, link, cell = ConcernCategory.__table__, ConcernCategoryLink.__table__, ConcernCell
    area = func.coalesce(c.c.area_id, person.c.area_id)
    age = sa.extract("year", c.c.occurred_on) - person.c.birth_year
    limits = ((age < 12, AGE_BANDS[0]), (age < 15, AGE_BANDS[1]), (age < 18, AGE_BANDS[2]))
    band = sa.case(*limits, else_=AGE_BANDS[3])
    joined = c.join(named, named.c.concern_id == c.c.id).join(
        person, person.c.id == named.c.person_id
    )
    with_categories = joined.join(link, link.c.concern_id == c.c.id).join(
        category, category.c.id == link.c.category_id
    )
    where = (c.c.status == "recorded", c.c.occurred_on.between(first, last), area.is_not(None))
    in_quarter = cell.month.between(first, last)
    by_category = (cell.area_id, cell.category)
    by_age_gender = (cell.area_id, cell.age_band, cell.gender)
    return {
        "raw by category": select(area, category.c.key, func.count())
        .select_from(with_categories).where(*where).group_by(area, category.c.key),
        "rollup by category": select(*by_category, func.sum(cell.concerns))
        .where(in_quarter, cell.category != ALL).group_by(*by_category),
        "raw by age band x gender": select(area, band, person.c.gender, func.count())
        .select_from(joined).where(*where).group_by(area, band, person.c.gender),
        "rollup by age band x gender": select(*by_age_gender, func.sum(cell.concerns))
        .where(in_quarter, cell.category == ALL).group_by(*by_age_gender),
    }  # fmt: skip


def prepare(url: str, reset: bool) -> None:
    engine = create_engine(url, hide_parameters=True, isolation_level="AUTOCOMMIT")
    if reset and engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    elif reset and engine.url.database:
        Path(engine.url.database).unlink(missing_ok=True)
    engine.dispose()
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = url
    config.attributes["skip_logging_config"] = True
    command.upgrade(config, "head")


def loading_engine(url: str):
    """Fast and unsafe settings for the load only; the timing uses the app's own engine."""
    engine = create_engine(url, hide_parameters=True)
    if engine.dialect.name == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def _fast(dbapi_connection, _record) -> None:
            dbapi_connection.execute("PRAGMA synchronous=OFF")
            dbapi_connection.execute("PRAGMA journal_mode=MEMORY")
            dbapi_connection.execute("PRAGMA cache_size=-1000000")  # 1 GB: the indexes fit

    return engine


def seed(args: argparse.Namespace, url: str, first_day: dt.date, after: dt.date) -> dict | None:
    """Loads everything; returns what the result file reports of it (None: not empty)."""
    rng = random.Random(5)  # nosec B311  # noqa: S311  (benchmark data, not secrets)
    keyring = KeyRing(Fernet.generate_key().decode(), secrets.token_hex(), secrets.token_hex())
    timings: dict[str, float] = {}
    engine = loading_engine(url)
    with Session(engine) as session:
        if session.scalar(select(func.count()).select_from(Concern)):
            engine.dispose()
            return None
        areas = {a.id: a.youth_population for a in load_demo_areas(session, rng, args.areas)}
        category_keys = dict(session.execute(select(ConcernCategory.id, ConcernCategory.key)).all())
        session.commit()
    started = time.perf_counter()
    data = generate(args.concerns, args.persons, areas, list(category_keys), first_day, after, rng)
    keys = [keyring.blind_index("monitoring-person", str(i)) for i in range(1, args.persons + 1)]
    timings["generate"] = time.perf_counter() - started
    print(f"generated {args.concerns} concerns in {timings['generate']:.1f} s")
    with engine.begin() as connection:
        load(connection, data, keyring.encrypt("bench"), timings)
    started = time.perf_counter()
    with Session(engine) as session:
        fact_count = rebuild(session, facts(data, keys, category_keys), batch_size=50_000)
        session.commit()
        cells = session.scalar(select(func.count()).select_from(ConcernCell))
    timings["rollups"] = time.perf_counter() - started
    print(f"rollups: {fact_count} facts -> {cells} cells in {timings['rollups']:.1f} s")
    started = time.perf_counter()
    with engine.connect() as connection:  # fresh statistics for both sides, as autovacuum would
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
    timings["analyze"] = time.perf_counter() - started
    engine.dispose()
    return {"areas": len(areas), "facts": fact_count, "cells": cells, "load_seconds": timings}


def measure(url: str, statements: dict[str, Select], repeat: int):
    """Each statement once (its table, and warm caches), then `repeat` interleaved rounds."""
    engine = make_engine(url)  # the app's settings (SQLite: WAL, synchronous=FULL)
    runs: dict[str, list[float]] = {name: [] for name in statements}
    with engine.connect() as connection:
        tables = {name: {tuple(row[:-1]): int(row[-1]) for row in connection.execute(query)}
                  for name, query in statements.items()}  # fmt: skip
        for _ in range(repeat):
            for name, query in statements.items():  # interleaved: load spikes hit all alike
                started = time.perf_counter()
                connection.execute(query).all()
                runs[name].append(time.perf_counter() - started)
        connection.rollback()
    engine.dispose()
    return tables, runs


def percentile(runs: list[float], share: float) -> float:
    runs = sorted(runs)
    return runs[max(0, int(round(len(runs) * share)) - 1)]


def run(args: argparse.Namespace, url: str) -> int:
    prepare(url, args.reset)
    quarter = parse_period(args.quarter)
    after = quarter.end + dt.timedelta(days=1)
    loaded = seed(args, url, after.replace(year=after.year - 3), after)
    if loaded is None:
        print("the database already holds concerns: pass --reset", file=sys.stderr)
        return 2
    tables, runs = measure(url, queries(quarter.start, quarter.end), args.repeat)
    timings = {
        name: {"p50_ms": statistics.median(r) * 1000, "p95_ms": percentile(r, 0.95) * 1000,
               "runs": len(r), "rows": len(tables[name])}
        for name, r in runs.items()
    }  # fmt: skip
    for name, t in timings.items():
        print(f"{name:<30} p50 {t['p50_ms']:9.2f} ms   p95 {t['p95_ms']:9.2f} ms   "
              f"({t['runs']} runs, {t['rows']} rows)")  # fmt: skip
    equal, ratios = {}, {}
    for kind in ("by category", "by age band x gender"):
        raw, rollup = tables[f"raw {kind}"], tables[f"rollup {kind}"]
        equal[kind] = bool(raw) and raw == rollup  # empty tables would prove nothing
        raw, rollup = timings[f"raw {kind}"], timings[f"rollup {kind}"]
        ratios[kind] = {p: raw[f"{p}_ms"] / rollup[f"{p}_ms"] for p in ("p50", "p95")}
        print(f"raw / rollup {kind}: p50 {ratios[kind]['p50']:.1f}x, "
              f"p95 {ratios[kind]['p95']:.1f}x; equal: {equal[kind]}")  # fmt: skip
    met = all(r >= 10 for pair in ratios.values() for r in pair.values())
    print(f"{'within' if met else 'NOT within'} issue 5's target (rollup >= 10x faster)")
    dialect = make_url(url).get_dialect().name
    result = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.platform()}, {os.cpu_count()} CPUs",
        "load_average": os.getloadavg(),  # other work on the machine, at the end of the run
        "database": make_url(url).render_as_string(hide_password=True),
        "dialect": dialect, "quarter": quarter.label, "concerns": args.concerns,
        "persons": args.persons, "repeat": args.repeat, **loaded,
        "queries": timings, "ratios": ratios, "equal": equal, "target_met": met,
    }  # fmt: skip
    bench = ROOT / "test-artifacts" / "bench"
    output = Path(args.output or bench / f"monitoring-rollups-{dialect}.json")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {output}")
    if not all(equal.values()):
        print("the rollups and the raw query DISAGREE (or found nothing)", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--database-url", help="default: a fresh SQLite file in a temporary directory")
    add("--concerns", type=int, default=1_000_000)
    add("--persons", type=int, default=100_000)
    add("--areas", type=Path, help="GeoJSON of the areas (default: the 35 Odense parishes)")
    add("--repeat", type=int, default=20)
    add("--quarter", default=f"{dt.date.today().year - 1}-Q4", help="timed; the data ends with it")
    add("--reset", action="store_true", help="drop whatever the database holds first")
    add("--output", help="default: test-artifacts/bench/monitoring-rollups-<dialect>.json")
    args = parser.parse_args(argv)
    args.areas = args.areas or (SHARED_PARISHES if SHARED_PARISHES.exists() else DEFAULT_GEOJSON)
    if args.database_url:
        return run(args, normalise_url(args.database_url))
    with tempfile.TemporaryDirectory(prefix="tidlig-bench-rollups-") as folder:
        return run(args, f"sqlite:///{folder}/monitoring-rollups.db")


if __name__ == "__main__":
    sys.exit(main())
