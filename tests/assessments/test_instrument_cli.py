"""`flask instrument load FILE` and `flask instrument list`: versions are never edited."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import delete, select

from app.assessments.instrument import DATA_DIR, current_instrument
from app.assessments.models import InstrumentVersion
from app.audit.models import AuditEvent


@pytest.fixture(autouse=True)
def only_version_one_afterwards(db_session):
    """On PostgreSQL the instrument table is kept between tests: put back what was there."""
    yield
    db_session.rollback()
    db_session.execute(delete(InstrumentVersion).where(InstrumentVersion.version > 1))
    db_session.commit()


def version_two(tmp_path, **changes):
    definition = json.loads((DATA_DIR / "instrument-v1.json").read_text(encoding="utf-8"))
    definition.update(version=2, **changes)
    path = tmp_path / "instrument-v2.json"
    path.write_text(json.dumps(definition, ensure_ascii=False), encoding="utf-8")
    return path, definition


def test_list_shows_the_migrations_version_one(runner):
    result = runner.invoke(args=["instrument", "list"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("version 1 ")
    assert "14 domains" in result.output and "(current)" in result.output


def test_loading_a_new_version_makes_it_current_and_is_audited(runner, db_session, tmp_path):
    path, _definition = version_two(tmp_path)
    result = runner.invoke(args=["instrument", "load", str(path)])
    assert result.exit_code == 0, result.output
    assert "Loaded instrument version 2" in result.output
    db_session.rollback()
    assert current_instrument(db_session).version == 2
    row = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "instrument.load"))
    assert row.object_type == "instrument_version"
    listing = runner.invoke(args=["instrument", "list"]).output.splitlines()
    assert [line.split()[1] for line in listing] == ["1", "2"]
    assert listing[1].endswith("(current)") and not listing[0].endswith("(current)")
    # The same file again changes nothing.
    again = runner.invoke(args=["instrument", "load", str(path)])
    assert again.exit_code == 0 and "nothing changed" in again.output


def test_changed_content_under_an_existing_version_is_refused(runner, db_session, tmp_path):
    path, definition = version_two(tmp_path)
    assert runner.invoke(args=["instrument", "load", str(path)]).exit_code == 0
    definition["domains"][0]["label"]["en"] = "Edited in place"
    path.write_text(json.dumps(definition), encoding="utf-8")
    result = runner.invoke(args=["instrument", "load", str(path)])
    assert result.exit_code == 1
    assert "version 2 exists with other content" in result.output
    original = json.loads((DATA_DIR / "instrument-v1.json").read_text(encoding="utf-8"))
    original["name"]["en"] = "Renamed"
    edited_v1 = tmp_path / "v1.json"
    edited_v1.write_text(json.dumps(original), encoding="utf-8")
    assert runner.invoke(args=["instrument", "load", str(edited_v1)]).exit_code == 1
    db_session.rollback()
    versions = db_session.scalars(select(InstrumentVersion.version)).all()
    assert sorted(versions) == [1, 2]
    assert current_instrument(db_session).domains[0].label.en != "Edited in place"


def test_malformed_files_are_refused_with_a_reason(runner, db_session, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    result = runner.invoke(args=["instrument", "load", str(broken)])
    assert result.exit_code == 1 and "Refused: broken.json" in result.output
    path, _ = version_two(tmp_path, evidence_rule={"risk": 1})
    result = runner.invoke(args=["instrument", "load", str(path)])
    assert result.exit_code == 1 and "evidence_rule" in result.output
    missing = runner.invoke(args=["instrument", "load", str(tmp_path / "nope.json")])
    assert missing.exit_code != 0
    db_session.rollback()
    assert db_session.scalars(select(InstrumentVersion.version)).all() == [1]
