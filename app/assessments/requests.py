"""Asking named professionals for an assessment of a case's child, and managing the asks."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.assessments import mails
from app.assessments.instrument import current_instrument
from app.assessments.links import contact_for, issue_link, revoke_links
from app.assessments.models import AssessmentRequest
from app.audit.actor import Actor
from app.audit.services import record
from app.auth.models import User
from app.cases import workflow
from app.cases.models import Case
from app.cases.workflow import ALLOWED, Status
from app.core.errors import DomainError
from app.db import utcnow

SETTING_KINDS = ("school", "club", "youth_school", "other")
QUESTION_MAX_LENGTH = 1000
NAME_MAX_LENGTH = 200
SETTING_MAX_LENGTH = 200
MAX_ASSESSORS = 10
LONGEST_DUE = dt.timedelta(days=60)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class AssessorInput:
    name: str
    email: str
    setting: str
    setting_kind: str = "school"
    user_id: int | None = None


@dataclass(frozen=True)
class LinkSettings:
    """How links are made: where the app is reached, and how long a link lives."""

    base_url: str
    valid_for: dt.timedelta


@dataclass(frozen=True)
class IssuedRequest:
    request: AssessmentRequest
    link: str  # mailed, never stored or logged


def _clean(value: str, field: str, limit: int, message) -> str:
    text = " ".join((value or "").split()) if field != "question" else (value or "").strip()
    if not text:
        raise DomainError(message, field)
    if len(text) > limit:
        raise DomainError(_l("At most %(n)d characters.", n=limit), field)
    return text


def _check_assessor(session: Session, assessor: AssessorInput, index: int) -> AssessorInput:
    prefix = f"assessors-{index}-"
    if assessor.user_id is not None:
        user = session.get(User, assessor.user_id)
        if user is None or not user.active:
            raise DomainError(_l("Choose an active user."), prefix + "user_id")
        name, email = user.full_name, user.email
    else:
        name = _clean(assessor.name, prefix + "name", NAME_MAX_LENGTH, _l("Write the name."))
        email = (assessor.email or "").strip()
        if not EMAIL.match(email) or len(email) > 254:
            raise DomainError(_l("Write a valid e-mail address."), prefix + "email")
    setting = _clean(
        assessor.setting,
        prefix + "setting",
        SETTING_MAX_LENGTH,
        _l("Write the assessor's school, club or institution."),
    )
    if assessor.setting_kind not in SETTING_KINDS:
        raise DomainError(_l("Choose the kind of setting."), prefix + "setting_kind")
    return AssessorInput(name, email, setting, assessor.setting_kind, assessor.user_id)


def _mail_new_link(
    session: Session,
    case: Case,
    request: AssessmentRequest,
    links: LinkSettings,
    now: dt.datetime,
) -> str:
    """Issue a link and queue the invitation carrying it; the link is returned, never kept."""
    raw = issue_link(session, request, links.valid_for, now)
    link = f"{links.base_url.rstrip('/')}/i/{raw}"
    mails.queue_invitation(
        session,
        request,
        first_name=case.person.first_name,
        link=link,
        expires_on=(now + links.valid_for).date(),
        contact=contact_for(session, request),
    )
    return link


def next_round(session: Session, case_id: int) -> int:
    latest = session.scalar(
        select(func.max(AssessmentRequest.round)).where(AssessmentRequest.case_id == case_id)
    )
    return (latest or 0) + 1


def _mark_requested(session: Session, actor: Actor, case: Case) -> None:
    if Status.ASSESSMENTS_REQUESTED in ALLOWED[Status(case.status)]:
        workflow.transition(session, actor, case, Status.ASSESSMENTS_REQUESTED.value)


def request_assessments(
    session: Session,
    actor: Actor,
    case: Case,
    assessors: list[AssessorInput],
    question: str,
    due_on: dt.date,
    links: LinkSettings,
    *,
    today: dt.date | None = None,
    round_number: int | None = None,
) -> list[IssuedRequest]:
    """One request, link and e-mail per assessor; the case moves to "assessments requested"."""
    today = today or dt.date.today()
    if case.status == Status.CLOSED:
        raise DomainError(_l("The case is closed; a new concern reopens it."), "assessors")
    if not assessors:
        raise DomainError(_l("Name at least one assessor."), "assessors")
    if len(assessors) > MAX_ASSESSORS:
        raise DomainError(_l("At most %(n)d assessors at a time.", n=MAX_ASSESSORS), "assessors")
    checked = [_check_assessor(session, a, i) for i, a in enumerate(assessors)]
    question = _clean(question, "question", QUESTION_MAX_LENGTH, _l("Write the question."))
    if not today < due_on <= today + LONGEST_DUE:
        raise DomainError(
            _l("The due date must be after today and within %(n)d days.", n=LONGEST_DUE.days),
            "due_on",
        )
    instrument = current_instrument(session)
    round_number = round_number or next_round(session, case.id)
    now = utcnow()
    issued = []
    for assessor in checked:
        request = AssessmentRequest(
            case_id=case.id,
            round=round_number,
            instrument_version_id=instrument.id,
            requested_by_id=actor.user_id,
            assessor_user_id=assessor.user_id,
            assessor_name=assessor.name,
            assessor_email=assessor.email,
            assessor_setting=assessor.setting,
            setting_kind=assessor.setting_kind,
            question=question,
            due_on=due_on,
        )
        session.add(request)
        session.flush()
        link = _mail_new_link(session, case, request, links, now)
        record(
            session,
            actor,
            "assessment.request",
            object_type="assessment_request",
            object_id=request.id,
            details={"case_id": case.id, "round": round_number},
        )
        issued.append(IssuedRequest(request, link))
    workflow.add_event(session, actor, case, "assessments.requested", note=str(len(issued)))
    _mark_requested(session, actor, case)
    return issued


def open_request_or_error(session: Session, request_id: int, case: Case) -> AssessmentRequest:
    request = session.get(AssessmentRequest, request_id)
    if request is None or request.case_id != case.id:
        raise DomainError(_l("No such request on this case."), "request")
    if request.status != "open":
        raise DomainError(_l("The request is no longer open."), "request")
    return request


def revoke_request(session: Session, actor: Actor, case: Case, request_id: int) -> None:
    """Withdraw an open request: its links answer 410 from now on."""
    request = open_request_or_error(session, request_id, case)
    now = utcnow()
    request.status = "revoked"
    request.closed_at = now
    revoke_links(session, request, now)
    workflow.add_event(session, actor, case, "assessments.revoked")
    record(
        session, actor, "assessment.revoke", object_type="assessment_request", object_id=request.id
    )
    mark_ready_when_answered(session, actor, case)


def resend_link(
    session: Session, actor: Actor, case: Case, request_id: int, links: LinkSettings
) -> IssuedRequest:
    """A new link for an open request (the old ones stop working); the draft is kept."""
    request = open_request_or_error(session, request_id, case)
    now = utcnow()
    revoke_links(session, request, now)
    link = _mail_new_link(session, case, request, links, now)
    record(
        session, actor, "assessment.resend", object_type="assessment_request", object_id=request.id
    )
    return IssuedRequest(request, link)


def mark_ready_when_answered(session: Session, actor: Actor, case: Case) -> None:
    """When no request of the case is open any more, the case is ready for review."""
    still_open = session.scalar(
        select(func.count())
        .select_from(AssessmentRequest)
        .where(AssessmentRequest.case_id == case.id, AssessmentRequest.status == "open")
    )
    if not still_open and case.status == Status.ASSESSMENTS_REQUESTED:
        workflow.transition(session, actor, case, Status.READY_FOR_REVIEW.value)


def requests_for_case(session: Session, case_id: int) -> list[AssessmentRequest]:
    return list(
        session.scalars(
            select(AssessmentRequest)
            .where(AssessmentRequest.case_id == case_id)
            .order_by(AssessmentRequest.round, AssessmentRequest.id)
        )
    )


def repeat_round(
    session: Session,
    actor: Actor,
    case: Case,
    due_on: dt.date,
    links: LinkSettings,
    *,
    today: dt.date | None = None,
) -> list[IssuedRequest]:
    """At follow-up: ask the same assessors again, with the same question, in a new round.

    Those who declined or were withdrawn last round are not asked again.
    """
    previous = [r for r in requests_for_case(session, case.id)]
    if not previous:
        raise DomainError(_l("There is no earlier round to repeat."), "round")
    last_round = max(r.round for r in previous)
    answered = [r for r in previous if r.round == last_round and r.status == "submitted"]
    if not answered:
        raise DomainError(_l("Nobody answered the last round; ask assessors anew."), "round")
    assessors = [
        AssessorInput(
            r.assessor_name,
            r.assessor_email,
            r.assessor_setting,
            r.setting_kind,
            r.assessor_user_id,
        )
        for r in answered
    ]
    return request_assessments(
        session,
        actor,
        case,
        assessors,
        answered[0].question,
        due_on,
        links,
        today=today,
        round_number=last_round + 1,
    )
