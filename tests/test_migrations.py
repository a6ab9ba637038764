"""`alembic upgrade head` on an empty database gives exactly the models; downgrade works."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, inspect, text

from app.db import normalise_url

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


@pytest.fixture
def empty_database(tmp_path):
    """An empty SQLite file, or a brand-new PostgreSQL database beside the test one."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    base = normalise_url(POSTGRES_URL)
    name = f"tidlig_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def alembic_config(url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = url
    config.attributes["skip_logging_config"] = True
    return config


def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_head_matches_the_models_and_downgrade_reaches_base(empty_database):
    config = alembic_config(empty_database)
    command.upgrade(config, "head")
    command.check(config)  # raises when models and migrations disagree
    assert {"users", "audit_events", "persons", "areas"} <= table_names(empty_database)
    command.downgrade(config, "base")
    assert table_names(empty_database) <= {"alembic_version"}
    command.upgrade(config, "head")  # and up again, as after a rollback of a release
    command.check(config)


def test_migrated_audit_table_is_append_only(empty_database):
    command.upgrade(alembic_config(empty_database), "head")
    engine = create_engine(empty_database)
    try:
        with engine.connect() as connection:
            head = connection.scalar(text("SELECT seq FROM audit_chain_head WHERE id = 1"))
            assert head == 0
            connection.execute(text(
                "INSERT INTO audit_events (seq, occurred_at, action, outcome, prev_mac, mac) "
                "VALUES (1, CURRENT_TIMESTAMP, 'x', 'ok', 'p', 'm')"
            ))
            connection.commit()
            with pytest.raises(Exception, match="append-only"):
                connection.execute(text("DELETE FROM audit_events"))
            connection.rollback()
    finally:
        engine.dispose()


def test_migration_files_follow_the_naming_scheme():
    names = [p.name for p in (ROOT / "migrations" / "versions").glob("*.py")]
    assert names, "there is at least one migration"
    for name in names:
        date, time_part, *_ = name.split("_")
        assert len(date) == 8 and date.isdigit(), name
        assert len(time_part) == 4 and time_part.isdigit(), name


def test_0009_fills_case_categories_from_the_concern_links(empty_database):
    """Cases that exist before the upgrade are found by the list's category filter after it:
    the table is filled from concern_persons and concern_category_links, once per pair."""
    config = alembic_config(empty_database)
    command.upgrade(config, "0008")
    engine = create_engine(empty_database)
    try:
        with engine.begin() as connection:
            categories = dict(
                connection.execute(text("SELECT key, id FROM concern_categories")).all()
            )
            for person_id in (1, 2):
                connection.execute(
                    text(
                        "INSERT INTO persons (id, first_name, last_name, birth_date, gender, "
                        "is_demo, created_at, version) VALUES (:id, 'x', 'x', 'x', 'female', "
                        "false, CURRENT_TIMESTAMP, 1)"
                    ),
                    {"id": person_id},
                )
            connection.execute(
                text(
                    "INSERT INTO cases (id, person_id, status, opened_at, updated_at, version) "
                    "VALUES (10, 1, 'new', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"
                )
            )
            for concern_id in (100, 101, 102):
                connection.execute(
                    text(
                        "INSERT INTO concerns (id, occurred_on, reporter_type, narrative, "
                        "legal_basis, status, created_at) VALUES (:id, '2026-11-02', 'school', "
                        "'x', 's115', 'recorded', CURRENT_TIMESTAMP)"
                    ),
                    {"id": concern_id},
                )
            links = [(100, "violence"), (100, "theft_burglary"), (101, "violence"), (102, "drugs")]
            for concern_id, key in links:
                connection.execute(
                    text("INSERT INTO concern_category_links VALUES (:concern, :category)"),
                    {"concern": concern_id, "category": categories[key]},
                )
            # Two concerns on case 10 (violence twice); 102 is an inbox report with no case.
            for link_id, concern_id, person_id, case_id in [
                (1, 100, 1, 10),
                (2, 101, 1, 10),
                (3, 102, 2, None),
            ]:
                connection.execute(
                    text(
                        "INSERT INTO concern_persons (id, concern_id, person_id, case_id) "
                        "VALUES (:id, :concern, :person, :case)"
                    ),
                    {"id": link_id, "concern": concern_id, "person": person_id, "case": case_id},
                )
        command.upgrade(config, "0009")
        with engine.connect() as connection:
            rows = set(
                connection.execute(text("SELECT category_id, case_id FROM case_categories")).all()
            )
        assert rows == {(categories["violence"], 10), (categories["theft_burglary"], 10)}
    finally:
        engine.dispose()
