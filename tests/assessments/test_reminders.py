"""Reminders two days before the due date, overdue notices after it: once each, audited."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from app.assessments import answering, links
from app.assessments.models import AssessmentRequest, Invitation
from app.assessments.reminders import send_reminders
from app.audit.actor import Actor
from app.audit.models import AuditEvent
from app.auth.roles import Role
from app.mail.models import OutboxMessage
from tests.assessments.helpers import (
    LINKS,
    SYSTEM,
    ask,
    complete_answers,
    invitation_of,
    teacher,
    token_of,
)
from tests.factories import make_case, make_person, make_user

TODAY = dt.date.today()
CRON = Actor.system("reminders")


def outbox(db_session) -> list[OutboxMessage]:
    return list(db_session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def coordinator_and_case(db_session, **user):
    coordinator = make_user(db_session, Role.COORDINATOR, **user)
    person = make_person(db_session, first_name="Emil", last_name="Jensen", commit=False)
    case = make_case(db_session, person=person)
    return coordinator, case, Actor(user_id=coordinator.id, role="coordinator")


def remind(db_session, day: dt.date):
    summary = send_reminders(db_session, CRON, day, LINKS)
    db_session.commit()
    return summary


def test_a_reminder_two_days_before_with_a_fresh_link_that_dies_with_the_first(db_session):
    coordinator, case, actor = coordinator_and_case(db_session)
    (issued,) = ask(db_session, case, teacher(1), actor=actor, due_in=7)
    db_session.commit()
    first_mail = len(outbox(db_session))
    due = issued.request.due_on
    for day in (TODAY, due - dt.timedelta(days=3)):
        assert remind(db_session, day).reminders == 0
    summary = remind(db_session, due - dt.timedelta(days=2))
    assert (summary.reminders, summary.overdue_notices, summary.skipped) == (1, 0, 0)
    mails = outbox(db_session)[first_mail:]
    assert [(m.kind, m.recipient) for m in mails] == [
        ("assessment.reminder", "laerer1@skole.example")
    ]
    assert "Emil" in mails[0].subject and "Jensen" not in mails[0].subject + mails[0].body
    new_token = mails[0].body.split("/i/", 1)[1].split()[0]
    assert new_token != token_of(issued)
    invitations = db_session.scalars(
        select(Invitation).where(Invitation.request_id == issued.request.id).order_by(Invitation.id)
    ).all()
    assert len(invitations) == 2
    assert invitations[1].expires_at <= invitations[0].expires_at
    assert invitations[1].expires_at - invitations[0].expires_at > -dt.timedelta(seconds=5)
    # Both links open the form until the assessment is submitted.
    for token in (token_of(issued), new_token):
        links.open_link(db_session, SYSTEM, token, dt.timedelta(minutes=60))
    db_session.commit()
    # Idempotent: the same day and the day after send nothing more.
    for day in (due - dt.timedelta(days=2), due - dt.timedelta(days=1)):
        assert remind(db_session, day).reminders == 0
    assert len(outbox(db_session)) == first_mail + 1
    audited = db_session.scalars(
        select(AuditEvent.object_id).where(AuditEvent.action == "assessment.remind")
    ).all()
    assert audited == [str(issued.request.id)]


def test_no_reminder_on_the_day_of_the_request_and_none_without_a_live_link(db_session):
    coordinator, case, actor = coordinator_and_case(db_session)
    soon, revoked = ask(db_session, case, teacher(1), teacher(2), actor=actor, due_in=1)
    links.revoke_links(db_session, revoked.request, dt.datetime.now(dt.UTC))
    db_session.commit()
    assert remind(db_session, TODAY).reminders == 0  # the invitation has only just gone out
    # Requested "yesterday": the open one is reminded, the one with only a revoked link not.
    db_session.execute(
        AssessmentRequest.__table__.update().values(
            requested_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
        )
    )
    db_session.commit()
    db_session.expire_all()
    summary = remind(db_session, TODAY)
    assert (summary.reminders, summary.skipped) == (1, 1)
    db_session.expire_all()
    assert db_session.get(AssessmentRequest, revoked.request.id).reminder_sent_at is None


def test_overdue_notices_go_once_to_an_active_coordinator(db_session):
    coordinator, case, actor = coordinator_and_case(db_session, email="koordinator@kommune.dk")
    late, answered, gone_person = ask(
        db_session, case, teacher(1), teacher(2), teacher(3), actor=actor, due_in=3
    )
    answering.submit(
        db_session,
        SYSTEM,
        invitation_of(db_session, answered),
        complete_answers(db_session),
        notice_acknowledged=True,
    )
    db_session.commit()
    before = len(outbox(db_session))
    after_due = late.request.due_on + dt.timedelta(days=1)
    summary = remind(db_session, after_due)
    # Two open requests past due: each gets a notice; the answered one nothing.
    assert (summary.overdue_notices, summary.reminders) == (2, 0)
    notices = outbox(db_session)[before:]
    assert {m.kind for m in notices} == {"assessment.overdue"}
    assert {m.recipient for m in notices} == {"koordinator@kommune.dk"}
    assert all(f"https://localhost/cases/{case.id}" in m.body for m in notices)
    assert all("Emil" in m.body and "Jensen" not in m.body for m in notices)
    assert remind(db_session, after_due).overdue_notices == 0
    assert remind(db_session, after_due + dt.timedelta(days=3)).overdue_notices == 0
    assert len(outbox(db_session)) == before + 2
    db_session.expire_all()
    flagged = db_session.scalar(
        select(func.count())
        .select_from(AssessmentRequest)
        .where(AssessmentRequest.overdue_notice_sent_at.is_not(None))
    )
    assert flagged == 2
    audited = db_session.scalars(
        select(AuditEvent.object_id).where(AuditEvent.action == "assessment.overdue_notice")
    ).all()
    assert sorted(audited) == sorted([str(late.request.id), str(gone_person.request.id)])


def test_no_overdue_notice_without_an_active_coordinator(db_session):
    coordinator, case, actor = coordinator_and_case(db_session)
    (issued,) = ask(db_session, case, teacher(1), actor=actor, due_in=2)
    coordinator.active = False
    db_session.commit()
    day = issued.request.due_on + dt.timedelta(days=1)
    summary = remind(db_session, day)
    assert (summary.overdue_notices, summary.skipped) == (0, 1)
    # Reactivated (or taken over): the notice goes on the next run.
    coordinator.active = True
    db_session.commit()
    assert remind(db_session, day).overdue_notices == 1
    ask(db_session, case, teacher(2), due_in=2)  # asked by the system: nobody to tell
    db_session.commit()
    assert remind(db_session, day).overdue_notices == 0


def test_the_command_queues_and_reports(runner, db_session, app):
    coordinator, case, actor = coordinator_and_case(db_session)
    ask(db_session, case, teacher(1), actor=actor, due_in=1)
    db_session.execute(
        AssessmentRequest.__table__.update().values(
            requested_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
        )
    )
    db_session.commit()
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    assert "reminders 1, overdue notices 0" in result.output
    assert "MAIL_SERVER is not set" in result.output
    again = runner.invoke(args=["reminders", "send"])
    assert "reminders 0, overdue notices 0" in again.output
    db_session.rollback()
    assert [m.kind for m in outbox(db_session)] == ["assessment.invitation", "assessment.reminder"]
