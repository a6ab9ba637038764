"""Building requests, links and answers for the assessment tests."""

from __future__ import annotations

import datetime as dt

from app.assessments import answering
from app.assessments.instrument import current_instrument
from app.assessments.models import Invitation
from app.assessments.requests import AssessorInput, LinkSettings, request_assessments
from app.audit.actor import Actor

LINKS = LinkSettings("https://localhost", dt.timedelta(days=14))
SYSTEM = Actor.system("tests")


def teacher(n: int = 1, *, user_id: int | None = None) -> AssessorInput:
    return AssessorInput(
        f"Lærer {n}", f"laerer{n}@skole.example", f"Tarup Skole, {n}. klasse", "school", user_id
    )


def ask(
    session,
    case,
    *assessors: AssessorInput,
    actor: Actor = SYSTEM,
    due_in: int = 7,
    question: str = "Hvordan har Emil det i skolen?",
):
    """Request assessments; returns the issued requests (each with its mailed link)."""
    return request_assessments(
        session,
        actor,
        case,
        list(assessors) or [teacher()],
        question,
        dt.date.today() + dt.timedelta(days=due_in),
        LINKS,
    )


def token_of(issued) -> str:
    return issued.link.rsplit("/i/", 1)[1]


def invitation_of(session, issued) -> Invitation:
    session.refresh(issued.request)
    return issued.request.invitations[-1]


def complete_answers(
    session, *, risk: str = "1", resilience: str = "1", overrides: dict | None = None
) -> dict:
    """Form fields for a complete, submittable assessment."""
    instrument = current_instrument(session)
    data = {"contact": "daily", "known_for": "over_1_year"}
    for domain in instrument.domains:
        answer = risk if domain.is_risk else resilience
        data[f"{domain.key}-answer"] = answer
        data[f"{domain.key}-evidence"] = f"Iagttaget 3/11 ({domain.key})."
        data[f"{domain.key}-source"] = "own_observation"
        data[f"{domain.key}-confidence"] = "medium"
    data.update(overrides or {})
    return data


def submit_answers(session, issued, *, notice_acknowledged: bool = True, **kwargs):
    invitation = invitation_of(session, issued)
    return answering.submit(
        session,
        SYSTEM,
        invitation,
        complete_answers(session, **kwargs),
        notice_acknowledged=notice_acknowledged,
    )
