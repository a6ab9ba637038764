"""SB-R4/R5 and the request's transaction: durable settings, no lock errors, all-or-nothing."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import event, func, select, text

from app.auth.models import Organisation
from app.auth.policy import public
from app.db import db
from tests.support import write_concurrently


def is_sqlite(app) -> bool:
    return app.config["DATABASE_URL"].startswith("sqlite")


def test_durability_settings(app):
    engine = app.extensions["tidlig_db"].engine
    with engine.connect() as connection:
        if is_sqlite(app):
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        else:
            assert connection.execute(text("SHOW fsync")).scalar() == "on"
            assert connection.execute(text("SHOW synchronous_commit")).scalar() == "on"


def test_sqlite_transactions_take_the_write_lock_at_begin(app):
    if not is_sqlite(app):
        pytest.skip("BEGIN IMMEDIATE is SQLite's")
    factory = app.extensions["tidlig_db"].session_factory
    path = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    with factory() as session:
        session.execute(select(func.count()).select_from(Organisation)).scalar()
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()


def test_sqlite_requests_reuse_pooled_connections(app, client):
    # A new SQLite connection reads the whole schema first (~1.4 ms on every request).
    if not is_sqlite(app):
        pytest.skip("PostgreSQL was always pooled")

    @app.route("/_test/organisations", methods=["GET"])
    @public
    def organisations():
        return str(db.session.scalar(select(func.count()).select_from(Organisation)))

    opened = []
    event.listen(app.extensions["tidlig_db"].engine, "connect", lambda *_: opened.append(1))
    assert client.get("/_test/organisations").status_code == 200
    for _ in range(10):
        assert client.get("/_test/organisations").status_code == 200
    assert len(opened) <= 1


def test_twenty_writers_never_see_database_is_locked(app, db_session):
    def add_organisation(session, number, step):
        session.add(Organisation(name=f"W{number}-{step}", type="other"))

    assert write_concurrently(app, threads=20, writes=100, write=add_organisation) == []
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Organisation)) == 2000


@pytest.mark.expected_500
def test_a_failing_request_saves_nothing(app, client, db_session):
    @app.route("/_test/half-done", methods=["GET"])
    @public
    def half_done():
        db.session.add(Organisation(name="Half-done", type="other"))
        db.session.flush()
        raise RuntimeError("boom")

    response = client.get("/_test/half-done")
    assert response.status_code == 500
    db_session.rollback()
    assert db_session.scalar(select(Organisation).where(Organisation.name == "Half-done")) is None


def test_a_successful_request_commits_once(app, client, db_session):
    @app.route("/_test/done", methods=["GET"])
    @public
    def done():
        db.session.add(Organisation(name="Done", type="other"))
        return "ok"

    assert client.get("/_test/done").status_code == 200
    db_session.rollback()
    assert db_session.scalar(select(Organisation.name).where(Organisation.name == "Done")) == "Done"


def test_ids_beyond_the_database_integer_range_are_not_found(client):
    # An id PostgreSQL's INTEGER cannot hold must be a 404, never a database error.
    assert client.get("/admin/users/2147483647").status_code == 302  # in range: to login
    assert client.get("/admin/users/2147483648").status_code == 404
    assert client.get("/api/v1/cases/99999999999999999999").status_code == 404
    assert client.get("/admin/users/0").status_code == 404
