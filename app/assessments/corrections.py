"""Corrections of a submitted assessment: always a new version with a reason.

The assessor's own version is never edited; the profile reads the newest version, and the
full view lists every version, so the committee can see what was changed, when and why.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.assessments import content as answers
from app.assessments.instrument import instrument
from app.assessments.models import Assessment, AssessmentRequest
from app.audit.actor import Actor
from app.audit.services import record
from app.cases import workflow
from app.cases.models import Case
from app.core.errors import DomainError
from app.db import utcnow

REASON_MAX_LENGTH = 1000


class CorrectionRefused(Exception):
    """The corrected answers or the reason are not acceptable; `problems` says what."""

    def __init__(self, problems: list[answers.Problem]) -> None:
        super().__init__("correction refused")
        self.problems = problems


def versions(session: Session, request_id: int) -> list[Assessment]:
    """Every submitted version of one request's assessment, oldest first."""
    return list(
        session.scalars(
            select(Assessment)
            .where(Assessment.request_id == request_id, Assessment.status == "submitted")
            .order_by(Assessment.version)
        )
    )


def latest_version(session: Session, request: AssessmentRequest) -> Assessment:
    found = versions(session, request.id)
    if request.status != "submitted" or not found:
        raise DomainError(_l("Only a submitted assessment can be corrected."), "request")
    return found[-1]


def correct_assessment(
    session: Session,
    actor: Actor,
    request: AssessmentRequest,
    form_data: Mapping[str, object],
    reason: str,
) -> Assessment:
    """A new version (latest + 1) under the same instrument version, with who and why."""
    latest = latest_version(session, request)
    form = instrument(session, latest.instrument_version_id)
    document = answers.from_form(form, form_data)
    problems = answers.submission_problems(form, document)
    reason = (reason or "").replace("\r\n", "\n").strip()
    if not reason:
        problems.append(answers.Problem("reason", _l("Say why the assessment is corrected.")))
    elif len(reason) > REASON_MAX_LENGTH:
        problems.append(
            answers.Problem("reason", _l("At most %(n)d characters.", n=REASON_MAX_LENGTH))
        )
    if problems:
        raise CorrectionRefused(problems)
    now = utcnow()
    corrected = Assessment(
        request_id=request.id,
        version=latest.version + 1,
        instrument_version_id=latest.instrument_version_id,
        status="submitted",
        content=answers.dumps(document),
        saved_at=now,
        submitted_at=now,
        notify_acknowledged_at=latest.notify_acknowledged_at,
        corrected_by_id=actor.user_id,
        correction_reason=reason,
    )
    session.add(corrected)
    session.flush()
    record(
        session,
        actor,
        "assessment.correct",
        object_type="assessment_request",
        object_id=request.id,
        details={"version": corrected.version},
    )
    workflow.add_event(session, actor, session.get(Case, request.case_id), "assessment.corrected")
    return corrected
