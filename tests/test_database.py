"""SB-R4/R5 and the request's transaction: durable settings, no lock errors, all-or-nothing."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import func, select, text

from app.auth.models import Organisation
from app.auth.policy import public
from app.db import db


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


def test_twenty_writers_never_see_database_is_locked(app, db_session):
    factory = app.extensions["tidlig_db"].session_factory
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            for step in range(100):
                with factory() as session:
                    session.add(Organisation(name=f"W{number}-{step}", type="other"))
                    session.commit()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [str(e) for e in errors] == []
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
