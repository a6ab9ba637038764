"""The database: declarative base, engine and one session per request.

Services receive the session as an argument and only flush; the request commits
once at the end (or rolls back), so an act and its audit entry land together.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask, g, has_app_context
from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 10_000


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC timestamps on every backend (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def normalise_url(url: str) -> str:
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        # Pooled (SQLAlchemy's default QueuePool): a new SQLite connection reads the whole
        # schema before its first statement, ~1.4 ms that every request paid when unpooled.
        engine = create_engine(
            url,
            hide_parameters=True,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        )
        configure_sqlite(engine)
        return engine
    return create_engine(url, hide_parameters=True, pool_pre_ping=True, pool_size=10)


def configure_sqlite(engine: Engine) -> None:
    """WAL, full fsync and a busy timeout; writers take the lock at BEGIN, not mid-way."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """One engine and session factory per app; sessions live for one app context."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = make_engine(url)
        self.session_factory: sessionmaker[Session] = sessionmaker(
            bind=self.engine, expire_on_commit=False
        )


class DatabaseAccessor:
    """`db.session` and `db.engine` for the current app, so views need no plumbing."""

    def init_app(self, app: Flask) -> None:
        app.extensions["tidlig_db"] = Database(app.config["DATABASE_URL"])
        app.teardown_appcontext(_remove_session)

    @staticmethod
    def _current() -> Database:
        from flask import current_app

        return current_app.extensions["tidlig_db"]

    @property
    def engine(self) -> Engine:
        return self._current().engine

    @property
    def session(self) -> Session:
        if not has_app_context():
            raise RuntimeError("db.session needs an application context; pass a Session instead")
        session = g.get("_tidlig_session")
        if session is None:
            session = self._current().session_factory()
            g._tidlig_session = session
        return session

    def new_session(self) -> Session:
        """A separate session for acts that must be recorded even if the request rolls back."""
        return self._current().session_factory()


def _remove_session(exc: BaseException | None) -> None:
    session = g.pop("_tidlig_session", None)
    if session is not None:
        if exc is not None:
            session.rollback()
        session.close()


db = DatabaseAccessor()
