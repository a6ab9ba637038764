"""Who may ask for, read and correct assessments, and record the committee's judgement.

Which case is the case policy's business (app/cases/policy.load_case_or_deny); these answer
what the actor may do with a case's assessments once the case is theirs to see. Templates
get these as booleans and never test roles.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy.orm import Session

from app.assessments.models import AssessmentRequest
from app.audit.actor import Actor
from app.auth.policy import role_has
from app.cases.models import Case


def can_request(actor: Actor) -> bool:
    """Ask, withdraw, resend and repeat."""
    return role_has(actor.role, "assessments.request")


def can_correct(actor: Actor) -> bool:
    return role_has(actor.role, "assessments.request")


def can_view(actor: Actor) -> bool:
    return role_has(actor.role, "assessments.view")


def can_record_judgement(actor: Actor) -> bool:
    return role_has(actor.role, "judgements.record")


def request_of_case_or_404(session: Session, case: Case, request_id: int) -> AssessmentRequest:
    """A request id from the URL counts only on its own case: another case's id is a 404."""
    request = session.get(AssessmentRequest, request_id)
    if request is None or request.case_id != case.id:
        abort(404)
    return request
