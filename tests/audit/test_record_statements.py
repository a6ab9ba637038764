"""record() writes with plain statements: the session around it still sees a consistent trail."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.audit.actor import Actor
from app.audit.models import AuditEvent
from app.audit.services import current_head, record, verify
from app.auth.models import Organisation

ACTOR = Actor(user_id=7, organisation_id=3, role="coordinator", ip="192.0.2.1", request_id="r")


def test_a_head_read_earlier_in_the_session_moves_with_each_entry(db_session):
    before = current_head(db_session)
    record(db_session, ACTOR, "case.view", object_type="case", object_id=1)
    record(db_session, ACTOR, "case.view", object_type="case", object_id=2)
    after = current_head(db_session)
    newest = db_session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
    assert after == {"seq": before["seq"] + 2, "mac": newest.mac}
    db_session.commit()
    assert verify(db_session).ok


def test_pending_changes_are_written_before_the_entry_and_fail_inside_record(db_session):
    db_session.add(Organisation(name="Twice", type="school"))
    db_session.commit()
    db_session.add(Organisation(name="Twice", type="school"))
    with pytest.raises(IntegrityError):
        record(db_session, ACTOR, "organisation.create", object_type="organisation")
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(AuditEvent)) == 0
