"""SB-D3: the audit trail is append-only, hash-chained, and verify names the first bad entry."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from app.audit.actor import Actor
from app.audit.chain import GENESIS_MAC, canonical_json
from app.audit.models import AuditEvent
from app.audit.services import record, verify
from tests.support import write_concurrently

ACTOR = Actor(user_id=7, organisation_id=3, role="coordinator", ip="192.0.2.1", request_id="r")


@pytest.fixture
def chain(db_session):
    for n in range(6):
        record(
            db_session, ACTOR, "case.view", object_type="case", object_id=n, purpose="AVA meeting"
        )
    db_session.commit()
    return db_session


def is_postgres(session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def tamper(session, statements: list[str], params: dict | None = None) -> None:
    """What an attacker with database access does: lift the guards, change rows."""
    if is_postgres(session):
        session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
    else:
        session.execute(text("DROP TRIGGER audit_events_no_update"))
        session.execute(text("DROP TRIGGER audit_events_no_delete"))
    for statement in statements:
        session.execute(text(statement), params or {})
    if is_postgres(session):
        session.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))
    session.commit()


def verify_cli(runner, *args):
    return runner.invoke(args=["audit", "verify", *args])


def test_an_untouched_chain_verifies(chain, runner):
    result = verify_cli(runner)
    assert result.exit_code == 0, result.output
    assert "6 entries" in result.output


def test_each_entry_is_chained_to_the_previous_by_a_keyed_mac(chain):
    rows = list(chain.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[0].prev_mac == GENESIS_MAC
    for before, after in zip(rows, rows[1:], strict=False):
        assert after.prev_mac == before.mac
    unkeyed = hashlib.sha256((rows[0].prev_mac + canonical_json(rows[0])).encode()).hexdigest()
    assert rows[0].mac != unkeyed


def test_a_field_edited_with_raw_sql_is_named(chain, runner):
    tamper(chain, ["UPDATE audit_events SET user_id = 99 WHERE seq = 3"])
    result = verify_cli(runner)
    assert result.exit_code != 0
    assert "entry 3" in result.output


def test_a_deleted_middle_row_is_named(chain, runner):
    tamper(chain, ["DELETE FROM audit_events WHERE seq = 4"])
    result = verify_cli(runner)
    assert result.exit_code != 0
    assert "entry 4" in result.output


def test_two_swapped_rows_are_named(chain, runner):
    rows = {r.seq: r for r in chain.scalars(select(AuditEvent))}
    two, five = rows[2], rows[5]
    values = {"a_obj": two.object_id, "b_obj": five.object_id}
    tamper(chain, [
        "UPDATE audit_events SET object_id = :b_obj WHERE seq = 2",
        "UPDATE audit_events SET object_id = :a_obj WHERE seq = 5",
    ], values)
    result = verify_cli(runner)
    assert result.exit_code != 0
    assert "entry 2" in result.output


def test_whole_rows_swapped_including_macs_are_named(chain, runner):
    rows = {r.seq: r for r in chain.scalars(select(AuditEvent))}
    tamper(chain, [
        "UPDATE audit_events SET seq = -2 WHERE seq = 2",
        "UPDATE audit_events SET seq = 2 WHERE seq = 3",
        "UPDATE audit_events SET seq = 3 WHERE seq = -2",
    ])
    assert rows  # the rows existed before the swap
    result = verify_cli(runner)
    assert result.exit_code != 0
    assert "entry 2" in result.output


def test_a_chain_recomputed_with_plain_sha256_is_named(chain, runner):
    rows = list(chain.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
    statements, params, prev = [], {}, GENESIS_MAC
    for row in rows:
        row.prev_mac = prev
        forged = hashlib.sha256((prev + canonical_json(row)).encode()).hexdigest()
        statements.append(
            f"UPDATE audit_events SET prev_mac = :p{row.seq}, mac = :m{row.seq} "
            f"WHERE seq = {row.seq}"
        )
        params[f"p{row.seq}"], params[f"m{row.seq}"] = prev, forged
        prev = forged
    chain.expunge_all()
    tamper(chain, statements, params)
    result = verify_cli(runner)
    assert result.exit_code != 0
    assert "entry 1" in result.output


def test_a_truncated_tail_is_caught_against_the_exported_head(chain, runner, tmp_path):
    head = tmp_path / "head.json"
    exported = runner.invoke(args=["audit", "export-head", "--file", str(head)])
    assert exported.exit_code == 0, exported.output
    assert json.loads(head.read_text())["seq"] == 6
    tamper(chain, ["DELETE FROM audit_events WHERE seq > 4",
                   "UPDATE audit_chain_head SET seq = 4"])
    assert verify_cli(runner).exit_code == 0, "without the exported head a cut tail is invisible"
    result = verify_cli(runner, "--head", str(head))
    assert result.exit_code != 0
    assert "entry 5" in result.output


def test_normal_paths_cannot_update_or_delete_audit_rows(chain):
    with pytest.raises(DatabaseError):
        chain.execute(text("UPDATE audit_events SET action = 'x' WHERE seq = 1"))
    chain.rollback()
    with pytest.raises(DatabaseError):
        chain.execute(text("DELETE FROM audit_events WHERE seq = 1"))
    chain.rollback()
    if is_postgres(chain):
        with pytest.raises(DatabaseError):
            chain.execute(text("TRUNCATE audit_events"))
        chain.rollback()
    assert chain.scalar(select(AuditEvent.action).where(AuditEvent.seq == 1)) == "case.view"


def test_concurrent_writers_form_one_linear_chain(app, db_session):
    def audit(session, number, step):
        record(session, Actor(user_id=number), "load.test", object_id=step)

    assert write_concurrently(app, threads=8, writes=200, write=audit) == []
    db_session.rollback()
    rows = db_session.execute(select(AuditEvent.seq, AuditEvent.prev_mac)).all()
    assert len(rows) == 1600
    assert len({prev for _, prev in rows}) == 1600, "no two entries share a predecessor"
    assert verify(db_session).ok
