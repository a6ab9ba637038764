"""Fixtures for the whole suite. TEST_DATABASE_URL switches every test to PostgreSQL.

CSRF stays on; MFA stays on; cookies are the production ones (https://localhost).
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

import app.models  # noqa: F401
from app import create_app
from app.audit.chain import GENESIS_MAC
from app.db import Base, normalise_url
from tests.support import TestClient

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# pytest-xdist runs the suite in worker processes (`make test` uses two): each keeps its own
# debug log and, on PostgreSQL, its own database beside the one TEST_DATABASE_URL names.
WORKER = os.environ.get("PYTEST_XDIST_WORKER")
DEBUG_LOG = ARTIFACTS / (f"debug-{WORKER}.log" if WORKER else "debug.log")
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
CANARY_NEEDLES = ("zorbatronix", "0102031234", "010203-1234")
ROOT = Path(__file__).resolve().parent.parent
# Filled by migrations and kept between tests (tests that change them restore them).
REFERENCE_TABLES = {"concern_categories", "action_types", "measure_rules", "instrument_versions"}


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + POSTGRES_URL if POSTGRES_URL else 'SQLite (per-test file)'}"


@pytest.fixture(scope="session", autouse=True)
def debug_log_capture():
    """Every DEBUG line of the run goes to one file, later grepped for personal data."""
    ARTIFACTS.mkdir(exist_ok=True)
    handler = logging.FileHandler(DEBUG_LOG, mode="w", encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.DEBUG)
    for name in ("tidlig", "werkzeug"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    # Statements (with parameters hidden), not result rows: enough to catch a leak.
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)
    yield DEBUG_LOG
    root.removeHandler(handler)
    root.setLevel(previous)
    handler.close()
    # SB-6.1: the seeded canary child must never reach a log line, in any case or spelling.
    text = DEBUG_LOG.read_text(encoding="utf-8", errors="replace").lower()
    leaked = [needle for needle in CANARY_NEEDLES if needle in text]
    assert not leaked, f"personal data in the suite's log ({DEBUG_LOG}): {leaked}"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def no_unexpected_server_errors(request):
    """A 500 is a bug (SB-R9): any unhandled error fails the test unless it is expected."""
    collector = _Collect()
    logger = logging.getLogger("tidlig.errors")
    logger.addHandler(collector)
    yield
    logger.removeHandler(collector)
    if collector.records and not request.node.get_closest_marker("expected_500"):
        first = collector.records[0]
        detail = first.exc_text or (
            logging.Formatter().formatException(first.exc_info) if first.exc_info else ""
        )
        pytest.fail(f"the app answered 500: {first.getMessage()}\n{detail}", pytrace=False)


def migrate(url: str) -> None:
    """Tests run on the schema the migrations build, reference data included."""
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = url
    config.attributes["skip_logging_config"] = True
    command.upgrade(config, "head")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """The schema built once; each test gets a copy of the file (milliseconds)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate(f"sqlite:///{path}")
    engine = create_engine(f"sqlite:///{path}", hide_parameters=True)
    with engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA journal_mode=WAL")
    engine.dispose()
    return path


def worker_database(url: str) -> str:
    """This worker's own database (created when missing); the named one without xdist."""
    if not WORKER:
        return url
    base, name = url.rsplit("/", 1)
    own = f"{name}_{WORKER}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{own}"'))
    admin.dispose()
    return f"{base}/{own}"


@pytest.fixture(scope="session")
def postgres_schema():
    if not POSTGRES_URL:
        return None
    url = worker_database(normalise_url(POSTGRES_URL))
    engine = create_engine(url, hide_parameters=True)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    migrate(url)
    return url


def reset_postgres(engine) -> None:
    """Empty every table but the reference data, and restart the id sequences.

    DELETE on the few rows a test leaves is ~10x faster than TRUNCATE of 27 tables (which
    makes new files for each), and the whole suite runs this once per test: on one kept
    connection, all DELETEs in one round trip (~5 ms instead of ~55 ms with a new engine
    and a statement per table).
    """
    emptied = [t for t in Base.metadata.sorted_tables if t.name not in REFERENCE_TABLES]
    with_serial_id = [t.name for t in emptied if "id" in t.c and t.c.id.primary_key]
    with engine.begin() as connection:
        # Replica mode silences the audit table's guard triggers (and the foreign-key
        # triggers, so the order does not matter) for this cleanup only.
        connection.exec_driver_sql(
            "SET LOCAL session_replication_role = replica; "
            + " ".join(f"DELETE FROM {table.name};" for table in emptied)
        )
        connection.execute(
            text(
                "SELECT setval(pg_get_serial_sequence(t, 'id'), 1, false) "
                "FROM unnest(CAST(:tables AS text[])) AS t "
                "WHERE pg_get_serial_sequence(t, 'id') IS NOT NULL"
            ),
            {"tables": with_serial_id},
        )
        connection.execute(
            text("INSERT INTO audit_chain_head (id, seq, mac) VALUES (1, 0, :mac)"),
            {"mac": GENESIS_MAC},
        )


@pytest.fixture(scope="session")
def postgres_cleaner(postgres_schema):
    """One engine for the per-test cleanup, kept for the whole run."""
    engine = create_engine(postgres_schema, hide_parameters=True, pool_size=1)
    yield engine
    engine.dispose()


@pytest.fixture
def database_url(request, tmp_path) -> str:
    if POSTGRES_URL:
        url = request.getfixturevalue("postgres_schema")
        reset_postgres(request.getfixturevalue("postgres_cleaner"))
        return url
    template = request.getfixturevalue("sqlite_template")
    target = tmp_path / "tidlig.db"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def app_settings(database_url, tmp_path) -> dict:
    return {
        "TIDLIG_MODE": "testing",
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "TIDLIG_AUDIT_HEAD_FILE": str(tmp_path / "instance" / "audit-head.json"),
        "TIDLIG_BASE_URL": "https://localhost",
    }


@pytest.fixture
def app(app_settings):
    application = create_app(app_settings)
    yield application
    application.extensions["tidlig_db"].engine.dispose()


@pytest.fixture
def make_app(app_settings):
    """More apps on the same database (other keys, other settings); disposed afterwards."""
    created = []

    def factory(**overrides):
        application = create_app({**app_settings, **overrides})
        created.append(application)
        return application

    yield factory
    for application in created:
        application.extensions["tidlig_db"].engine.dispose()


@pytest.fixture
def db_session(app, database_url):
    """A session outside any request, for services, factories and checks.

    On SQLite it uses plain deferred transactions, so a test that has read something does
    not hold the write lock that the app's requests (BEGIN IMMEDIATE) need. Call
    `db_session.rollback()` before reading what a request has just written.
    """
    app_engine = app.extensions["tidlig_db"].engine
    if database_url.startswith("sqlite"):
        engine = create_engine(database_url, hide_parameters=True, connect_args={"timeout": 10})
        engine.dialect.tidlig_keyring = app_engine.dialect.tidlig_keyring
    else:
        engine = app_engine
    # No app context is pushed here: a pushed context would be shared by every request
    # of the test client, and with it `g` (CSRF token, database session).
    session = Session(bind=engine, expire_on_commit=False)
    yield session
    session.rollback()
    session.close()
    if engine is not app_engine:
        engine.dispose()


@pytest.fixture
def client(app) -> TestClient:
    app.test_client_class = TestClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
