"""The auditor filters the trail by user, object, action and date; looking is itself logged."""

from __future__ import annotations

import datetime as dt

import time_machine
from sqlalchemy import select

from app.audit.actor import Actor
from app.audit.models import AuditEvent
from app.audit.services import record
from app.auth.roles import Role
from tests.factories import make_user
from tests.support import login


def seed_events(session):
    with time_machine.travel(dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC), tick=False):
        record(session, Actor(user_id=501), "case.view", object_type="case", object_id=11,
               purpose="AVA meeting")
    with time_machine.travel(dt.datetime(2026, 3, 5, 10, tzinfo=dt.UTC), tick=False):
        record(session, Actor(user_id=502), "case.export", object_type="case", object_id=12,
               purpose="minutes")
    session.commit()


def rows_of(html: str) -> int:
    return html.count("<tr>") - 1  # minus the header row


def test_auditor_filters_by_user_action_object_and_date(client, db_session):
    auditor = make_user(db_session, Role.AUDITOR)
    seed_events(db_session)
    login(client, db_session, auditor)

    by_action = client.get("/audit/?action=case.export").get_data(as_text=True)
    assert "case.export" in by_action and "case.view</code>" not in by_action

    by_user = client.get("/audit/?user_id=501").get_data(as_text=True)
    assert rows_of(by_user) == 1 and "case.view" in by_user

    by_object = client.get("/audit/?object_type=case&object_id=12").get_data(as_text=True)
    assert rows_of(by_object) == 1 and "minutes" in by_object

    by_date = client.get("/audit/?date_from=2026-03-04&date_to=2026-03-06").get_data(as_text=True)
    assert "case.export" in by_date and "AVA meeting" not in by_date


def test_a_bad_filter_value_gets_a_message_not_an_error(client, db_session):
    auditor = make_user(db_session, Role.AUDITOR)
    login(client, db_session, auditor)
    response = client.get("/audit/?date_from=not-a-date&user_id=abc")
    assert response.status_code == 200
    assert "form-error-message" in response.get_data(as_text=True)


def test_looking_at_the_trail_is_recorded(client, db_session):
    auditor = make_user(db_session, Role.AUDITOR)
    login(client, db_session, auditor)
    client.get("/audit/")
    db_session.rollback()
    searches = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "audit.search")
    ).all()
    assert [e.user_id for e in searches] == [auditor.id]
