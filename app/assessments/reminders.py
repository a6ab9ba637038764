"""Reminders to assessors two days before the due date, and overdue notices to the coordinator.

Run once a day by a timer (`flask --app app reminders send`). Each request gets at most one
reminder and one overdue notice: the flag is claimed with an atomic UPDATE before the mail is
queued, so a second run the same day, or two runs at once, send nothing more.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from app.assessments import mails
from app.assessments.links import contact_for, issue_link
from app.assessments.models import AssessmentRequest, Invitation
from app.assessments.requests import LinkSettings
from app.audit.actor import Actor
from app.audit.services import record
from app.auth.models import User
from app.cases.models import Case
from app.db import utcnow

REMIND_DAYS_BEFORE = 2


@dataclass
class ReminderSummary:
    reminders: int = 0
    overdue_notices: int = 0
    # Open requests that got nothing: no live link to remind with, or no active coordinator.
    skipped: int = 0


def _claim(session: Session, request: AssessmentRequest, column, now: dt.datetime) -> bool:
    """Set the request's flag if nobody has; True for the one run that set it."""
    claimed = session.execute(
        update(AssessmentRequest)
        .where(
            AssessmentRequest.id == request.id,
            AssessmentRequest.status == "open",
            column.is_(None),
        )
        .values({column.key: now})
        .execution_options(synchronize_session=False)
    )
    session.expire(request)
    return claimed.rowcount == 1


def _latest_live_link(session: Session, request: AssessmentRequest, now: dt.datetime):
    return session.scalar(
        select(Invitation)
        .where(
            Invitation.request_id == request.id,
            Invitation.revoked_at.is_(None),
            Invitation.used_at.is_(None),
            Invitation.expires_at > now,
        )
        .order_by(Invitation.expires_at.desc(), Invitation.id.desc())
        .limit(1)
    )


def _remind(
    session: Session, actor: Actor, request: AssessmentRequest, links: LinkSettings, now
) -> bool:
    latest = _latest_live_link(session, request, now)
    if latest is None:
        return False  # the coordinator must send a new link; a dead one helps nobody
    expires_at = latest.expires_at
    if not _claim(session, request, AssessmentRequest.reminder_sent_at, now):
        return False
    # A fresh link, because the first mail may be lost; it dies with the latest one, never
    # later, so a reminder never extends how long the form can be reached.
    raw = issue_link(session, request, expires_at - now, now)
    mails.queue_invitation(
        session,
        request,
        first_name=session.get(Case, request.case_id).person.first_name,
        link=f"{links.base_url.rstrip('/')}/i/{raw}",
        expires_on=expires_at.date(),
        contact=contact_for(session, request),
        reminder=True,
    )
    record(
        session, actor, "assessment.remind", object_type="assessment_request", object_id=request.id
    )
    return True


def _notify_overdue(
    session: Session, actor: Actor, request: AssessmentRequest, links: LinkSettings, now
) -> bool:
    coordinator = session.get(User, request.requested_by_id) if request.requested_by_id else None
    if coordinator is None or not coordinator.active:
        return False  # tried again on the next run, in case someone takes over
    if not _claim(session, request, AssessmentRequest.overdue_notice_sent_at, now):
        return False
    case = session.get(Case, request.case_id)
    mails.queue_coordinator_notice(
        session,
        coordinator,
        kind="overdue",
        first_name=case.person.first_name,
        case_id=case.id,
        case_link=f"{links.base_url.rstrip('/')}/cases/{case.id}",
    )
    record(
        session,
        actor,
        "assessment.overdue_notice",
        object_type="assessment_request",
        object_id=request.id,
    )
    return True


def _due_for_reminder(request: AssessmentRequest, today: dt.date) -> bool:
    # Not on the day the request went out: the invitation itself has just been mailed.
    return (
        request.reminder_sent_at is None
        and request.due_on - dt.timedelta(days=REMIND_DAYS_BEFORE) <= today < request.due_on
        and request.requested_at.date() < today
    )


def send_reminders(
    session: Session,
    actor: Actor,
    today: dt.date,
    links: LinkSettings,
    now: dt.datetime | None = None,
) -> ReminderSummary:
    """Queue the day's reminders and overdue notices (into the outbox); returns the counts."""
    now = now or utcnow()
    summary = ReminderSummary()
    waiting = session.scalars(
        select(AssessmentRequest)
        .where(
            AssessmentRequest.status == "open",
            AssessmentRequest.due_on <= today + dt.timedelta(days=REMIND_DAYS_BEFORE),
            or_(
                AssessmentRequest.reminder_sent_at.is_(None),
                AssessmentRequest.overdue_notice_sent_at.is_(None),
            ),
        )
        .order_by(AssessmentRequest.due_on, AssessmentRequest.id)
    ).all()
    for request in waiting:
        if request.due_on < today and request.overdue_notice_sent_at is None:
            sent = _notify_overdue(session, actor, request, links, now)
            summary.overdue_notices += sent
            summary.skipped += not sent
        elif _due_for_reminder(request, today):
            sent = _remind(session, actor, request, links, now)
            summary.reminders += sent
            summary.skipped += not sent
    return summary
