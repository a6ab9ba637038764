"""The assessor's side: the form's facts, drafts saved as they go, submission, declining.

Every function takes the invitation that the link session resolved to; nothing here looks
up a request by an id from the browser, so a tampered id cannot reach another assessment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.assessments import content as answers
from app.assessments import mails
from app.assessments.instrument import Instrument, instrument
from app.assessments.links import LinkGone, contact_for, link_actor, use_link
from app.assessments.models import Assessment, AssessmentRequest, Invitation
from app.assessments.requests import mark_ready_when_answered
from app.audit.actor import Actor
from app.audit.services import record
from app.auth.models import User
from app.cases import workflow
from app.cases.models import Case
from app.db import utcnow

DECLINE_REASONS = ("not_known_well_enough", "not_my_setting")
SERIOUS_WORRY_DEFAULT = 7


@dataclass(frozen=True)
class FormFacts:
    """All the assessor is shown about the child: first name, age, their own setting."""

    first_name: str
    age: int | None
    setting: str
    question: str
    due_on: dt.date
    expires_at: dt.datetime


class SubmissionRefused(Exception):
    """The answers are not complete; `problems` says what to fix. Nothing was lost."""

    def __init__(self, problems: list[answers.Problem], notice_needed: bool) -> None:
        super().__init__("submission refused")
        self.problems = problems
        self.notice_needed = notice_needed


def age_on(birth_date: dt.date | None, day: dt.date) -> int | None:
    if birth_date is None:
        return None
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def form_facts(session: Session, invitation: Invitation, today: dt.date) -> FormFacts:
    request = invitation.request
    person = session.get(Case, request.case_id).person
    return FormFacts(
        first_name=person.first_name,
        age=age_on(person.birth_date, today),
        setting=request.assessor_setting,
        question=request.question,
        due_on=request.due_on,
        expires_at=invitation.expires_at,
    )


def request_instrument(session: Session, request: AssessmentRequest) -> Instrument:
    return instrument(session, request.instrument_version_id)


def current_draft(session: Session, request: AssessmentRequest) -> Assessment | None:
    return session.scalar(
        select(Assessment).where(Assessment.request_id == request.id, Assessment.version == 1)
    )


def load_draft(session: Session, actor: Actor, invitation: Invitation) -> dict:
    """The saved draft's answers (empty when nothing is saved yet); the read is audited."""
    request = invitation.request
    draft = current_draft(session, request)
    record(
        session,
        link_actor(request, actor),
        "assessment.form_view",
        object_type="assessment_request",
        object_id=request.id,
    )
    return answers.loads(draft.content) if draft else answers.empty_content()


def save_draft(
    session: Session,
    actor: Actor,
    invitation: Invitation,
    form_data,
    now: dt.datetime | None = None,
) -> dict:
    """Keep what the assessor has typed so far; incomplete answers are fine in a draft."""
    now = now or utcnow()
    request = invitation.request
    # Row lock (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises): of two
    # simultaneous saves or submissions the second waits here, then sees the first one's
    # outcome, instead of inserting a second draft (unique violation, a 500).
    status = session.scalar(
        select(AssessmentRequest.status).where(AssessmentRequest.id == request.id).with_for_update()
    )
    if status != "open":
        raise LinkGone("used", contact_for(session, request))
    form = request_instrument(session, request)
    document = answers.from_form(form, form_data)
    draft = current_draft(session, request)
    if draft is None:
        draft = Assessment(
            request_id=request.id, version=1, instrument_version_id=request.instrument_version_id
        )
        session.add(draft)
    draft.content = answers.dumps(document)
    draft.saved_at = now
    session.flush()
    record(
        session,
        link_actor(request, actor),
        "assessment.draft_save",
        object_type="assessment_request",
        object_id=request.id,
    )
    return document


def submit(
    session: Session,
    actor: Actor,
    invitation: Invitation,
    form_data,
    *,
    notice_acknowledged: bool,
    serious_worry: int = SERIOUS_WORRY_DEFAULT,
    now: dt.datetime | None = None,
) -> Assessment:
    """Final and read-only from here. The draft is saved first, so a refusal loses nothing;
    of two simultaneous submissions exactly one succeeds, the other gets LinkGone."""
    now = now or utcnow()
    request = invitation.request
    form = request_instrument(session, request)
    document = save_draft(session, actor, invitation, form_data, now)
    problems = answers.submission_problems(form, document)
    notice_needed = answers.needs_notice(form, document, serious_worry)
    if notice_needed and not notice_acknowledged:
        problems.append(
            answers.Problem(
                "acknowledge_notice",
                _l("Confirm that you have read the notice on the duty to notify."),
            )
        )
    if problems:
        raise SubmissionRefused(problems, notice_needed)
    case_id, contact = request.case_id, contact_for(session, request)
    request_id = request.id
    if not use_link(session, invitation, now, "submitted"):
        raise LinkGone("used", contact)
    assessment = current_draft(session, session.get(AssessmentRequest, request_id))
    assessment.status = "submitted"
    assessment.submitted_at = now
    if notice_needed:
        assessment.notify_acknowledged_at = now
    request = session.get(AssessmentRequest, request_id)
    actor_by_link = link_actor(request, actor)
    record(
        session,
        actor_by_link,
        "assessment.submit",
        object_type="assessment_request",
        object_id=request_id,
        details={"notice_acknowledged": True} if notice_needed else None,
    )
    case = session.get(Case, case_id)
    workflow.add_event(session, actor_by_link, case, "assessment.submitted")
    mark_ready_when_answered(session, actor_by_link, case)
    return assessment


def decline(
    session: Session,
    actor: Actor,
    invitation: Invitation,
    reason: str,
    case_link: str,
    now: dt.datetime | None = None,
) -> None:
    """Not known well enough, or not my setting: the coordinator is told at once."""
    now = now or utcnow()
    if reason not in DECLINE_REASONS:
        raise SubmissionRefused([answers.Problem("reason", _l("Choose a reason."))], False)
    request = invitation.request
    request_id, case_id = request.id, request.case_id
    contact = contact_for(session, request)
    if not use_link(session, invitation, now, "declined"):
        raise LinkGone("used", contact)
    request = session.get(AssessmentRequest, request_id)
    request.decline_reason = reason
    actor_by_link = link_actor(request, actor)
    record(
        session,
        actor_by_link,
        "assessment.decline",
        object_type="assessment_request",
        object_id=request_id,
        details={"reason": reason},
    )
    case = session.get(Case, case_id)
    workflow.add_event(session, actor_by_link, case, "assessment.declined")
    coordinator = session.get(User, request.requested_by_id) if request.requested_by_id else None
    if coordinator is not None and coordinator.active:
        mails.queue_coordinator_notice(
            session,
            coordinator,
            kind="declined",
            first_name=case.person.first_name,
            case_id=case.id,
            case_link=case_link,
        )
    mark_ready_when_answered(session, actor_by_link, case)
