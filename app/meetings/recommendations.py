"""Recording the committee's recommendation for a case, with its actions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.audit.actor import Actor
from app.audit.services import record
from app.auth.models import Organisation
from app.cases import workflow
from app.cases.models import Case
from app.cases.workflow import Status
from app.core.errors import DomainError
from app.meetings.agenda import ensure_open
from app.meetings.models import Action, ActionType, AgendaItem, Meeting, Recommendation

TEXT_MAX_LENGTH = 5000
NOTE_MAX_LENGTH = 1000
MAX_ACTIONS = 10
LONGEST_DEADLINE = dt.timedelta(days=366)


@dataclass(frozen=True)
class ActionInput:
    action_type_id: int
    owner_organisation_id: int
    deadline: dt.date
    note: str = ""


class RecommendationConflict(Exception):
    """Someone saved the recommendation after the user opened it; nothing was saved."""

    def __init__(self, recommendation: Recommendation) -> None:
        super().__init__("recommendation conflict")
        self.recommendation = recommendation


def _clean_text(text: str, field: str, limit: int, required: bool) -> str:
    cleaned = (text or "").strip()
    if required and not cleaned:
        raise DomainError(_l("Write the recommendation."), field)
    if len(cleaned) > limit:
        raise DomainError(_l("At most %(n)d characters.", n=limit), field)
    return cleaned


def _check_review_date(next_review_on: dt.date | None, held_on: dt.date) -> None:
    if next_review_on is not None and not (held_on < next_review_on <= held_on + LONGEST_DEADLINE):
        raise DomainError(
            _l("The follow-up date must be after the meeting and within a year."),
            "next_review_on",
        )


def _check_action(session: Session, action: ActionInput, held_on: dt.date, index: int) -> None:
    action_type = session.get(ActionType, action.action_type_id)
    if action_type is None or not action_type.active:
        raise DomainError(_l("Choose a measure from the list."), f"actions-{index}-action_type_id")
    owner = session.get(Organisation, action.owner_organisation_id)
    if owner is None or not owner.active or not owner.is_section_115_party:
        raise DomainError(
            _l("The owner must be an active § 115 organisation."),
            f"actions-{index}-owner_organisation_id",
        )
    if not held_on <= action.deadline <= held_on + LONGEST_DEADLINE:
        raise DomainError(
            _l("The deadline must be on or after the meeting and within a year."),
            f"actions-{index}-deadline",
        )
    _clean_text(action.note, f"actions-{index}-note", NOTE_MAX_LENGTH, required=False)


def record_recommendation(
    session: Session,
    actor: Actor,
    meeting: Meeting,
    item: AgendaItem,
    *,
    text: str,
    next_review_on: dt.date | None,
    actions: list[ActionInput],
) -> Recommendation:
    """The committee's recommendation for the case of one agenda item, with its actions."""
    ensure_open(meeting)
    if item.meeting_id != meeting.id:
        raise DomainError(_l("That case is not on this agenda."), "item")
    case = session.get(Case, item.case_id)
    if case.status != Status.ON_AGENDA.value:
        raise DomainError(_l("A recommendation has already been recorded for this case."))
    text = _clean_text(text, "text", TEXT_MAX_LENGTH, required=True)
    _check_review_date(next_review_on, meeting.held_on)
    if len(actions) > MAX_ACTIONS:
        raise DomainError(_l("At most %(n)d actions.", n=MAX_ACTIONS), "actions")
    for index, action in enumerate(actions):
        _check_action(session, action, meeting.held_on, index)
    recommendation = Recommendation(
        case_id=case.id,
        meeting_id=meeting.id,
        text=text,
        next_review_on=next_review_on,
        created_by_id=actor.user_id,
    )
    session.add(recommendation)
    session.flush()
    for action in actions:
        session.add(
            Action(
                recommendation_id=recommendation.id,
                case_id=case.id,
                action_type_id=action.action_type_id,
                owner_organisation_id=action.owner_organisation_id,
                deadline=action.deadline,
                note=action.note.strip() or None,
                status="open",
            )
        )
    item.discussed = True
    if next_review_on is not None:
        case.next_review_on = next_review_on
    workflow.transition(session, actor, case, Status.RECOMMENDATION_MADE.value)
    workflow.add_event(session, actor, case, "recommendation.recorded")
    record(
        session,
        actor,
        "recommendation.create",
        object_type="case",
        object_id=case.id,
        details={"meeting": meeting.id, "actions": len(actions)},
    )
    return recommendation


def update_recommendation(
    session: Session,
    actor: Actor,
    recommendation: Recommendation,
    *,
    seen_version: int,
    text: str,
    next_review_on: dt.date | None,
) -> Recommendation:
    """Correct the text or follow-up date; refuses if someone saved in between."""
    if recommendation.version != seen_version:
        raise RecommendationConflict(recommendation)
    text = _clean_text(text, "text", TEXT_MAX_LENGTH, required=True)
    meeting = session.get(Meeting, recommendation.meeting_id) if recommendation.meeting_id else None
    _check_review_date(next_review_on, meeting.held_on if meeting else dt.date.min)
    changed = [
        name
        for name, value in (("text", text), ("next_review_on", next_review_on))
        if getattr(recommendation, name) != value
    ]
    if not changed:
        return recommendation
    recommendation.text = text
    recommendation.next_review_on = next_review_on
    case = session.get(Case, recommendation.case_id)
    if "next_review_on" in changed and next_review_on is not None:
        case.next_review_on = next_review_on
    try:
        session.flush()
    except StaleDataError as exc:
        raise RecommendationConflict(recommendation) from exc
    workflow.add_event(session, actor, case, "recommendation.updated")
    record(
        session,
        actor,
        "recommendation.update",
        object_type="case",
        object_id=case.id,
        details={"recommendation": recommendation.id, "fields": changed},
    )
    return recommendation


def recommendations_of_case(session: Session, case_id: int) -> list[Recommendation]:
    """Newest first, with their actions; the caller has already checked access."""
    return list(
        session.scalars(
            select(Recommendation)
            .where(Recommendation.case_id == case_id)
            .order_by(Recommendation.created_at.desc(), Recommendation.id.desc())
        ).unique()
    )
