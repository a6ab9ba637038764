"""The outbox really reaches an SMTP server: invitation, reminder, decline and overdue mails."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.assessments import answering
from app.assessments.models import AssessmentRequest
from app.assessments.reminders import send_reminders
from app.audit.actor import Actor
from app.auth.roles import Role
from app.mail.models import OutboxMessage
from app.mail.services import deliver_pending
from tests.assessments.helpers import LINKS, SYSTEM, ask, invitation_of, teacher, token_of
from tests.factories import make_case, make_person, make_user
from tests.smtp_sink import free_port, running_sink


@pytest.fixture
def sink():
    with running_sink() as server:
        yield server


def _backdate_requests(db_session, days: int) -> None:
    db_session.execute(
        AssessmentRequest.__table__.update().values(
            requested_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
        )
    )
    db_session.commit()
    db_session.expire_all()


def test_every_kind_of_assessment_mail_is_delivered(db_session, sink):
    coordinator = make_user(db_session, Role.COORDINATOR, email="koordinator@kommune.dk")
    actor = Actor(user_id=coordinator.id, role="coordinator")
    person = make_person(db_session, first_name="Sofie", last_name="Hansen", commit=False)
    case = make_case(db_session, person=person)
    soon, declining, late = ask(
        db_session, case, teacher(1), teacher(2), teacher(3), actor=actor, due_in=2
    )
    answering.decline(
        db_session,
        SYSTEM,
        invitation_of(db_session, declining),
        "not_known_well_enough",
        f"https://localhost/cases/{case.id}",
    )
    db_session.commit()
    _backdate_requests(db_session, 1)
    assert send_reminders(db_session, SYSTEM, dt.date.today(), LINKS).reminders == 2
    db_session.commit()
    overdue_day = late.request.due_on + dt.timedelta(days=1)
    assert send_reminders(db_session, SYSTEM, overdue_day, LINKS).overdue_notices == 2
    db_session.commit()

    sent, failed = deliver_pending(db_session, sink.settings())
    assert (sent, failed) == (8, 0)
    queued = db_session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    kinds = [m.kind for m in queued]
    assert sorted(kinds) == sorted(
        ["assessment.invitation"] * 3
        + ["assessment.declined"]
        + ["assessment.reminder"] * 2
        + ["assessment.overdue"] * 2
    )
    assert all(m.sent_at for m in db_session.scalars(select(OutboxMessage)))
    assert {m.mail_from for m in sink.messages} == {"tidlig@localhost"}

    first = sink.to("laerer1@skole.example")
    reminder_subjects = {m.subject for m in queued if m.kind == "assessment.reminder"}
    assert [m.subject in reminder_subjects for m in first] == [False, True]
    assert token_of(soon) in first[0].body and "/i/inv_" in first[1].body
    assert token_of(soon) not in first[1].body  # the reminder carries its own link
    to_coordinator = sink.to("koordinator@kommune.dk")
    assert len(to_coordinator) == 3
    assert all(f"https://localhost/cases/{case.id}" in m.body for m in to_coordinator)
    for message in sink.messages:
        assert "Sofie" in message.text and "Hansen" not in message.text
    # Delivered once: a second run has nothing left to send.
    assert deliver_pending(db_session, sink.settings()) == (0, 0)
    assert len(sink.messages) == 8


def test_the_reminder_command_delivers_when_a_mail_server_is_set(app, runner, db_session, sink):
    coordinator = make_user(db_session, Role.COORDINATOR)
    case = make_case(db_session)
    ask(db_session, case, teacher(1), actor=Actor(user_id=coordinator.id), due_in=1)
    db_session.commit()
    _backdate_requests(db_session, 1)
    app.config.update(MAIL_SERVER=sink.host, MAIL_PORT=sink.port, MAIL_SENDER="ssp@kommune.dk")
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    assert "reminders 1" in result.output and "sent 2, failed 0" in result.output
    assert [m.recipients for m in sink.messages] == [("laerer1@skole.example",)] * 2
    assert {m.mail_from for m in sink.messages} == {"ssp@kommune.dk"}


def test_an_unreachable_mail_server_leaves_the_mail_queued(app, runner, db_session):
    case = make_case(db_session)
    coordinator = make_user(db_session, Role.COORDINATOR)
    ask(db_session, case, teacher(1), actor=Actor(user_id=coordinator.id), due_in=1)
    db_session.commit()
    _backdate_requests(db_session, 1)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody listens
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 1 and "Mail server not reached" in result.output
    db_session.rollback()
    assert db_session.scalar(select(AssessmentRequest.reminder_sent_at)) is not None
    assert [m.sent_at for m in db_session.scalars(select(OutboxMessage))] == [None, None]
    # The next run sends no second reminder.
    again = runner.invoke(args=["reminders", "send"])
    assert "reminders 0" in again.output
