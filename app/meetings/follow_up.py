"""Following up actions: the weekly check at the start of a meeting, outcomes at a case's
follow-up, and the overdue list per organisation."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.actor import Actor
from app.audit.services import record
from app.auth.models import Organisation
from app.cases import workflow
from app.cases.models import Case
from app.core.errors import DomainError
from app.meetings.agenda import ensure_open
from app.meetings.models import Action, ActionCheck, Meeting, Recommendation
from app.meetings.policy import visible_actions


class NotDoneReason(enum.StrEnum):
    NOT_POSSIBLE = "not_possible"
    CIRCUMSTANCES_CHANGED = "circumstances_changed"
    OWNER_NOT_ACTED = "owner_not_acted"


NOT_DONE_REASON_LABELS = {
    NotDoneReason.NOT_POSSIBLE: _l("Not possible"),
    NotDoneReason.CIRCUMSTANCES_CHANGED: _l("Circumstances have changed"),
    NotDoneReason.OWNER_NOT_ACTED: _l("The owner has not acted"),
}


class Outcome(enum.StrEnum):
    DONE = "done"
    NOT_DONE = "not_done"
    EFFECT_SEEN = "effect_seen"
    NO_EFFECT = "no_effect"


OUTCOME_LABELS = {
    Outcome.DONE: _l("Done"),
    Outcome.NOT_DONE: _l("Not done"),
    Outcome.EFFECT_SEEN: _l("Done, effect seen"),
    Outcome.NO_EFFECT: _l("Done, no effect"),
}

ACTION_STATUS_LABELS = {
    "open": _l("Open"),
    "done": _l("Done"),
    "not_done": _l("Not done"),
}


def open_actions_before(session: Session, meeting: Meeting) -> list[Action]:
    """Open actions recommended at earlier meetings (or outside one), earliest deadline first,
    with those already checked at this meeting included so the page shows what was marked."""
    checked_here = select(ActionCheck.action_id).where(ActionCheck.meeting_id == meeting.id)
    earlier = (
        select(Recommendation.id)
        .outerjoin(Meeting, Meeting.id == Recommendation.meeting_id)
        .where((Meeting.id.is_(None)) | (Meeting.held_on < meeting.held_on))
    )
    return list(
        session.scalars(
            select(Action)
            .where(
                Action.recommendation_id.in_(earlier),
                (Action.status == "open") | Action.id.in_(checked_here),
            )
            .order_by(Action.deadline, Action.id)
        )
    )


def checks_at(session: Session, meeting: Meeting) -> dict[int, ActionCheck]:
    return {
        check.action_id: check
        for check in session.scalars(
            select(ActionCheck).where(ActionCheck.meeting_id == meeting.id)
        )
    }


def check_action(
    session: Session,
    actor: Actor,
    meeting: Meeting,
    action_id: int,
    *,
    result: str,
    reason: str | None = None,
) -> ActionCheck:
    """Mark an earlier action done, or not done with a reason. "The owner has not acted"
    keeps it open, so it comes back next week; the other reasons close it."""
    ensure_open(meeting)
    action = session.get(Action, action_id)
    if action is None or action not in open_actions_before(session, meeting):
        raise DomainError(_l("That action is not among the open actions."), "action")
    if result not in ("done", "not_done"):
        raise DomainError(_l("Mark the action done or not done."), "result")
    if result == "not_done":
        try:
            reason = NotDoneReason(reason or "").value
        except ValueError as exc:
            raise DomainError(_l("Choose why the action was not done."), "reason") from exc
    else:
        reason = None
    check = checks_at(session, meeting).get(action.id)
    if check is None:
        check = ActionCheck(meeting_id=meeting.id, action_id=action.id)
        session.add(check)
    check.result, check.reason, check.checked_by_id = result, reason, actor.user_id
    if result == "done":
        action.status, action.not_done_reason = "done", None
    elif reason == NotDoneReason.OWNER_NOT_ACTED:
        action.status, action.not_done_reason = "open", reason
    else:
        action.status, action.not_done_reason = "not_done", reason
    session.flush()
    record(
        session,
        actor,
        "action.check",
        object_type="case",
        object_id=action.case_id,
        details={"action": action.id, "meeting": meeting.id, "result": result, "reason": reason},
    )
    return check


def record_outcome(session: Session, actor: Actor, action: Action, outcome: str) -> Action:
    """At follow-up: did the action happen, and did it help? Kept to learn what works."""
    try:
        value = Outcome(outcome)
    except ValueError as exc:
        raise DomainError(_l("Choose an outcome."), "outcome") from exc
    action.outcome = value.value
    action.outcome_recorded_at = dt.datetime.now(dt.UTC)
    if value == Outcome.NOT_DONE:
        action.status = "not_done"
    elif action.status == "open":
        action.status = "done"
    session.flush()
    case = session.get(Case, action.case_id)
    workflow.add_event(session, actor, case, "action.outcome")
    record(
        session,
        actor,
        "action.outcome",
        object_type="case",
        object_id=action.case_id,
        details={"action": action.id, "outcome": value.value},
    )
    return action


@dataclass(frozen=True)
class OverdueGroup:
    organisation: Organisation
    actions: list[Action]


def overdue_by_organisation(session: Session, actor: Actor, today: dt.date) -> list[OverdueGroup]:
    """Open actions past their deadline that `actor` may follow, grouped by owner."""
    actions = session.scalars(
        visible_actions(actor)
        .where(Action.status == "open", Action.deadline < today)
        .order_by(Action.owner_organisation_id, Action.deadline, Action.id)
    ).all()
    organisations = {
        org.id: org
        for org in session.scalars(
            select(Organisation).where(
                Organisation.id.in_({action.owner_organisation_id for action in actions})
            )
        )
    }
    groups: dict[int, list[Action]] = {}
    for action in actions:
        groups.setdefault(action.owner_organisation_id, []).append(action)
    record(
        session,
        actor,
        "action.list_overdue",
        object_type="action",
        details={"count": len(actions)},
    )
    return [
        OverdueGroup(organisations[org_id], items)
        for org_id, items in sorted(groups.items(), key=lambda kv: organisations[kv[0]].name)
    ]
