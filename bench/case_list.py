"""Time GET /cases at 10,000 cases against the trivial GET /healthz, in the same run.

    .venv/bin/python bench/case_list.py [--cases 10000] [--db /tmp/tidlig-case-list.db]
    .venv/bin/python bench/case_list.py --url postgresql+psycopg://postgres@127.0.0.1/bench

Builds the schema with the migrations (reference data included) and seeds encrypted
persons, concerns and cases once (reused if present), then drives the real app through
Flask's test client as a logged-in coordinator (password + TOTP, as in the browser).
Acceptance (issue 3): p95 of the case list within 10x of the trivial route's p95. The
signed-in home page is timed too, to show what any signed-in page costs before its content.
`--server` serves the app with werkzeug on 127.0.0.1 and times real HTTP requests instead.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import create_engine, func, insert, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import app.models  # noqa: E402,F401
from app import create_app  # noqa: E402
from app.areas.models import Area, District  # noqa: E402
from app.auth.roles import Role  # noqa: E402
from app.cases.models import (  # noqa: E402
    Case,
    CaseCategory,
    Concern,
    ConcernCategory,
    ConcernCategoryLink,
    ConcernPerson,
    Person,
)
from app.cases.workflow import Status  # noqa: E402
from app.db import normalise_url  # noqa: E402
from app.demo.names import BOYS, GIRLS, SURNAMES  # noqa: E402
from tests.factories import make_organisation, make_user  # noqa: E402
from tests.support import TestClient, login  # noqa: E402

QUERIES = [
    "/cases",
    "/cases?status=new",
    "/cases?overdue=y",
    "/cases?age_band=15_17&page=3",
    "/cases?district_id=1&category_id=3",
    "/cases?mine=y&status=in_follow_up",
]


def keys_for(path: Path) -> dict:
    """Keys kept beside the database: a reused seed must stay decryptable."""
    if not path.exists():
        path.write_text(
            "\n".join(
                [
                    Fernet.generate_key().decode(),
                    secrets.token_urlsafe(32),
                    secrets.token_urlsafe(32),
                ]
            )
        )
    data, index, audit = path.read_text().split()
    return {"TIDLIG_DATA_KEYS": data, "TIDLIG_INDEX_KEY": index, "TIDLIG_AUDIT_KEY": audit}


def migrate(url: str) -> None:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = url
    config.attributes["skip_logging_config"] = True
    command.upgrade(config, "head")


def seed_areas(session: Session) -> list[int]:
    if not session.scalar(select(func.count()).select_from(Area)):
        for d in range(3):
            district = District(code=f"bench-d{d}", name=f"Bench district {d}")
            session.add(district)
            session.flush()
            for a in range(5):
                session.add(
                    Area(
                        code=f"bench-a{d}{a}",
                        name=f"Bench area {d}.{a}",
                        district_id=district.id,
                        geometry="{}",
                    )
                )
        session.commit()
    return list(session.scalars(select(Area.id)))


def seed(session: Session, count: int, coordinator_id: int, rng: random.Random) -> None:
    areas = seed_areas(session)
    categories = list(session.scalars(select(ConcernCategory.id)))
    statuses = [s.value for s in Status]
    today = dt.date.today()
    done, batch = 0, 1000
    while done < count:
        size = min(batch, count - done)
        persons = []
        for _ in range(size):
            gender = rng.choice(["male", "female"])
            birth = today - dt.timedelta(days=rng.randrange(9 * 365, 25 * 365))
            persons.append(
                Person(
                    first_name=rng.choice(BOYS if gender == "male" else GIRLS),
                    last_name=rng.choice(SURNAMES),
                    birth_date=birth,
                    birth_year=birth.year,
                    gender=gender,
                    area_id=rng.choice(areas),
                    institution="Bench skole",
                )
            )
        concerns = [
            Concern(
                occurred_on=today - dt.timedelta(days=rng.randrange(400)),
                reporter_type="school",
                narrative="Bench.",
                legal_basis="s115",
            )
            for _ in range(size)
        ]
        session.add_all(persons + concerns)
        session.flush()
        cases = [
            {
                "person_id": p.id,
                "status": rng.choice(statuses),
                "area_id": p.area_id,
                "birth_year": p.birth_year,
                "version": 1,
                "assigned_to_id": coordinator_id if rng.random() < 0.2 else None,
                "next_review_on": (
                    today + dt.timedelta(days=rng.randrange(-60, 120))
                    if rng.random() < 0.8
                    else None
                ),
                "opened_at": dt.datetime.now(dt.UTC) - dt.timedelta(days=rng.randrange(700)),
                "updated_at": dt.datetime.now(dt.UTC),
            }
            for p in persons
        ]
        session.execute(insert(Case), cases)
        case_ids = dict(
            session.execute(
                select(Case.person_id, Case.id).where(Case.person_id.in_([p.id for p in persons]))
            ).all()
        )
        session.execute(
            insert(ConcernPerson),
            [
                {"concern_id": c.id, "person_id": p.id, "case_id": case_ids[p.id]}
                for p, c in zip(persons, concerns, strict=True)
            ],
        )
        links = [
            {"concern_id": c.id, "category_id": k, "case_id": case_ids[p.id]}
            for p, c in zip(persons, concerns, strict=True)
            for k in rng.sample(categories, rng.randint(1, 2))
        ]
        session.execute(
            insert(ConcernCategoryLink),
            [{"concern_id": x["concern_id"], "category_id": x["category_id"]} for x in links],
        )
        # As the workflow's refresh_case_categories leaves it (one concern per case here).
        session.execute(
            insert(CaseCategory),
            [{"category_id": x["category_id"], "case_id": x["case_id"]} for x in links],
        )
        session.commit()
        session.expunge_all()
        done += size


PROBE_PAGE = '{% extends "base.html" %}{% block content %}<h1>Probe</h1>{% endblock %}'


def add_signed_in_probes(application) -> None:
    """Two routes for this run only, behind the same guard as the case list (cases.list):
    /bench/signed-in answers "ok" after the session lookup, MFA and permission checks and the
    commit; /bench/layout also renders the empty signed-in layout (base.html). Together with
    /healthz they split the case list's time into fixed costs and its own work."""
    from flask import render_template

    from app.auth.policy import requires

    layout = application.jinja_env.from_string(PROBE_PAGE)

    @requires("cases.list")
    def signed_in():
        return "ok"

    @requires("cases.list")
    def layout_page():
        return render_template(layout)

    application.add_url_rule("/bench/signed-in", "bench_signed_in", signed_in)
    application.add_url_rule("/bench/layout", "bench_layout", layout_page)


def analyse(url: str) -> None:
    """Fresh statistics and visibility maps on PostgreSQL, as autovacuum keeps them in
    production (it is off on these machines): a table just bulk-loaded has no statistics,
    so the planner guesses badly, and no visibility map, so an index-only scan still reads
    every row. SQLite is left as the app leaves it (it never runs ANALYZE)."""
    if url.startswith("postgresql"):
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
        engine.dispose()


def client_timer(client):
    def timed(path: str) -> float:
        started = time.perf_counter()
        response = client.get(path)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, (path, response.status_code)
        return elapsed

    return timed


def http_timer(application, client):
    """A real werkzeug server in a thread; the test client's login cookie is sent along."""
    import http.client
    import threading

    from werkzeug.serving import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args, **kwargs) -> None:  # one line per request would dominate
            pass

    server = make_server("127.0.0.1", 0, application, threaded=False, request_handler=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    cookies = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port)

    def timed(path: str) -> float:
        started = time.perf_counter()
        connection.request("GET", path, headers={"Cookie": cookies})
        response = connection.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        assert response.status == 200, (path, response.status)
        return elapsed

    return timed


def percentile(runs: list[float], share: float) -> float:
    runs = sorted(runs)
    return runs[max(0, int(round(len(runs) * share)) - 1)]


def report(label: str, runs: list[float]) -> float:
    p95 = percentile(runs, 0.95)
    print(
        f"{label:<40} p50 {statistics.median(runs) * 1000:7.2f} ms   "
        f"p95 {p95 * 1000:7.2f} ms   ({len(runs)} runs)"
    )
    return p95


def profile(timed, path: str) -> None:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0002)
    with profiler:
        for _ in range(200):
            timed(path)
    print(profiler.output_text(unicode=True, color=False, show_all=False))


def statement_times(application, timed, path: str) -> None:
    """p50 of each SQL statement over 100 requests of PATH: where the database time goes."""
    from collections import defaultdict

    from sqlalchemy import event

    engine = application.extensions["tidlig_db"].engine
    times: dict[str, list[float]] = defaultdict(list)

    @event.listens_for(engine, "before_cursor_execute")
    def started(conn, _cursor, _statement, _parameters, _context, _many):
        conn.info["bench_started"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def finished(conn, _cursor, statement, _parameters, _context, _many):
        elapsed = time.perf_counter() - conn.info.pop("bench_started")
        times[" ".join(statement.split())[:100]].append(elapsed)

    for _ in range(100):
        timed(path)
    for statement, runs in sorted(times.items(), key=lambda item: -sum(item[1])):
        print(f"{len(runs):4d}x  p50 {statistics.median(runs) * 1000:6.2f} ms  {statement}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--db", default=str(Path(tempfile.gettempdir()) / "tidlig-case-list.db"))
    parser.add_argument("--url", help="a PostgreSQL URL instead of the SQLite file")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument(
        "--server",
        action="store_true",
        help="serve the app with werkzeug on 127.0.0.1 and time real HTTP requests",
    )
    parser.add_argument(
        "--profile",
        metavar="PATH",
        help="profile 200 requests of PATH with pyinstrument (pip install pyinstrument) instead",
    )
    parser.add_argument(
        "--statements",
        metavar="PATH",
        help="time each SQL statement of 100 requests of PATH instead (p50 per statement)",
    )
    args = parser.parse_args()
    url = normalise_url(args.url) if args.url else f"sqlite:///{args.db}"
    migrate(url)
    instance = Path(tempfile.mkdtemp(prefix="tidlig-bench-"))
    keys = keys_for(Path(f"{args.db}.pg.keys" if args.url else f"{args.db}.keys"))
    application = create_app(
        {
            **keys,
            "TIDLIG_MODE": "testing",
            "DATABASE_URL": url,
            "INSTANCE_PATH": str(instance),
            "TIDLIG_AUDIT_HEAD_FILE": str(instance / "audit-head.json"),
            "TIDLIG_BASE_URL": "https://localhost",
            "RATELIMIT_ENABLED": False,
        }
    )
    add_signed_in_probes(application)
    app_engine = application.extensions["tidlig_db"].engine
    # A plain engine for seeding (deferred transactions, like the tests' db_session), so it
    # never holds SQLite's write lock while the app's requests need it.
    engine = create_engine(url, hide_parameters=True)
    engine.dialect.tidlig_keyring = app_engine.dialect.tidlig_keyring
    rng = random.Random(11)  # nosec B311  # noqa: S311  (benchmark data, not secrets)
    with Session(engine, expire_on_commit=False) as session:
        organisation = make_organisation(session, name=f"Bench {time.time_ns()}")
        coordinator = make_user(
            session,
            Role.COORDINATOR,
            organisation=organisation,
            email=f"bench{time.time_ns()}@example.dk",
        )
        existing = session.scalar(select(func.count()).select_from(Case)) or 0
        if existing < args.cases:
            started = time.perf_counter()
            seed(session, args.cases - existing, coordinator.id, rng)
            print(f"seeded {args.cases - existing} cases in {time.perf_counter() - started:.1f} s")
        print(f"{session.scalar(select(func.count()).select_from(Case))} cases in {url}")
        session.commit()
        analyse(url)
        session.rollback()
        application.test_client_class = TestClient
        client = application.test_client()
        login(client, session, coordinator)
        session.rollback()

    timed = http_timer(application, client) if args.server else client_timer(client)
    probes = ["/bench/signed-in", "/bench/layout"]
    for path in ["/healthz", *probes, *QUERIES]:  # warm up caches and compiled statements
        timed(path)
    if args.profile:
        profile(timed, args.profile)
        return
    if args.statements:
        statement_times(application, timed, args.statements)
        return
    health, listing, home, bare, layout = [], [], [], [], []
    per_query: dict[str, list[float]] = {q: [] for q in QUERIES}
    for _ in range(args.rounds):
        for path in QUERIES:
            # Interleaved, so a burst of load on the machine hits every route alike.
            health.append(timed("/healthz"))
            bare.append(timed("/bench/signed-in"))
            layout.append(timed("/bench/layout"))
            home.append(timed("/"))
            elapsed = timed(path)
            listing.append(elapsed)
            per_query[path].append(elapsed)
    for path, runs in per_query.items():
        report(f"GET {path}", runs)
    report("GET / (signed-in home, for reference)", home)
    trivial = report("GET /healthz (trivial route)", health)
    signed_in = report("GET /bench/signed-in (trivial signed-in)", bare)
    page = report("GET /bench/layout (empty signed-in page)", layout)
    cases = report("GET /cases (all filter combinations)", listing)
    ratio = cases / trivial
    verdict = "within" if ratio <= 10 else "NOT within"
    print(f"p95 ratio case list / trivial route: {ratio:.1f}x ({verdict} the 10x target)")
    print(
        f"p95 ratio case list / trivial signed-in route: {cases / signed_in:.1f}x; "
        f"/ empty signed-in page: {cases / page:.1f}x "
        "(session lookup, MFA and permission check, commit; and the layout)"
    )
    engine.dispose()
    app_engine.dispose()


if __name__ == "__main__":
    main()
