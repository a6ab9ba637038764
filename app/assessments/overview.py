"""The coordinator's overview: requests waiting for an answer, and those declined lately.

A decline must reach the coordinator at once (issue 4): besides the e-mail, it stands here
and on the home page until two weeks have passed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from app.assessments.models import AssessmentRequest
from app.audit.actor import Actor
from app.audit.services import record
from app.cases.models import Case

RECENT_DECLINES = dt.timedelta(days=14)


@dataclass(frozen=True)
class OverviewRow:
    request: AssessmentRequest
    case_id: int
    child_name: str
    overdue: bool


def _waiting() -> Select:
    return select(AssessmentRequest).where(AssessmentRequest.status == "open")


def _declined_since(now: dt.datetime) -> Select:
    return select(AssessmentRequest).where(
        AssessmentRequest.status == "declined",
        AssessmentRequest.closed_at >= now - RECENT_DECLINES,
    )


def overdue_count(session: Session, today: dt.date) -> int:
    query = _waiting().where(AssessmentRequest.due_on < today).with_only_columns(func.count())
    return session.scalar(query) or 0


def recently_declined_count(session: Session, now: dt.datetime) -> int:
    return session.scalar(_declined_since(now).with_only_columns(func.count())) or 0


def overview(
    session: Session, actor: Actor, today: dt.date, now: dt.datetime
) -> tuple[list[OverviewRow], list[OverviewRow]]:
    """(waiting, recently declined), oldest due date first; one audited read."""
    query = (
        select(AssessmentRequest, Case)
        .join(Case, Case.id == AssessmentRequest.case_id)
        .where(
            or_(
                AssessmentRequest.status == "open",
                (AssessmentRequest.status == "declined")
                & (AssessmentRequest.closed_at >= now - RECENT_DECLINES),
            )
        )
        .order_by(AssessmentRequest.due_on, AssessmentRequest.id)
    )
    waiting, declined = [], []
    for request, case in session.execute(query):
        person = case.person
        row = OverviewRow(
            request,
            case.id,
            f"{person.first_name} {person.last_name}",
            request.status == "open" and request.due_on < today,
        )
        (waiting if request.status == "open" else declined).append(row)
    record(
        session,
        actor,
        "assessment.overview",
        object_type="assessment_request",
        details={"rows": len(waiting) + len(declined)},
    )
    return waiting, declined
