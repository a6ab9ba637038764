"""A case's requests with the latest submitted answers, as the JSON API lists them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.assessments import content as answers
from app.assessments.instrument import instrument
from app.assessments.models import Assessment, AssessmentRequest
from app.assessments.profile import latest_submitted
from app.assessments.requests import requests_for_case
from app.audit.actor import Actor
from app.audit.services import record
from app.cases.case_services import CASE_WORK
from app.cases.policy import CaseAccess


@dataclass(frozen=True)
class ListedRequest:
    request: AssessmentRequest
    answers: dict | None  # the latest submitted version, None while unanswered


def _domain_json(document: dict, key: str) -> dict:
    answer = (document.get("domains") or {}).get(key) or {}
    return {
        "state": answer.get("answer"),
        "rating": answers.rating(document, key),
        "unknown_reason": answer.get("unknown_reason"),
        "source": answer.get("source"),
        "confidence": answer.get("confidence"),
        "evidence": answer.get("evidence") or "",
    }


def answers_json(session: Session, assessment: Assessment) -> dict:
    """One submitted version, domains by their stable key (never a summed score)."""
    form = instrument(session, assessment.instrument_version_id)
    document = answers.loads(assessment.content)
    known, total = answers.coverage(form, document)
    return {
        "version": assessment.version,
        "submitted_at": assessment.submitted_at.isoformat() if assessment.submitted_at else None,
        "instrument_version": form.version,
        "coverage": {"known": known, "total": total},
        "contact": document.get("contact"),
        "known_for": document.get("known_for"),
        "worry": document.get("worry"),
        "worry_reason": document.get("worry_reason") or "",
        "domains": {d.key: _domain_json(document, d.key) for d in form.domains},
    }


def case_assessments(session: Session, actor: Actor, access: CaseAccess) -> list[ListedRequest]:
    """Every request of the case by round, with answers where submitted; an audited read."""
    case = access.case
    requests = requests_for_case(session, case.id)
    latest = latest_submitted(session, [r.id for r in requests])
    record(
        session,
        actor,
        "assessment.list",
        object_type="case",
        object_id=case.id,
        purpose=access.purpose or CASE_WORK,
        details={"outside_assignment": True} if access.outside_assignment else None,
    )
    return [
        ListedRequest(r, answers_json(session, latest[r.id]) if r.id in latest else None)
        for r in requests
    ]
