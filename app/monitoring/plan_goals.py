"""The goals of an action plan: each tied to a published figure, with baseline and target."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.actor import Actor
from app.audit.services import record
from app.core.errors import DomainError
from app.monitoring.models import ActionPlan, IndicatorDefinition, PlanGoal
from app.monitoring.plan_values import Baseline, baseline_from_release
from app.monitoring.plans import (
    PlanNotFound,
    category_labels,
    claim,
    clean_text,
    goal_units,
    may_edit,
)

GOAL_TEXT_MAX = 1000
METRICS = {
    "concerns_rate": _l("Concerns per 1,000 young people"),
    "concerns": _l("Number of concerns"),
    "indicator": _l("An area indicator"),
}
DIRECTIONS = {"down": _l("Lower is better"), "up": _l("Higher is better")}
GOAL_FIELDS = (
    "text",
    "metric",
    "indicator_key",
    "category",
    "unit_code",
    "baseline",
    "target",
    "direction",
)


@dataclass(frozen=True)
class GoalInput:
    text: str
    metric: str
    indicator_key: str | None
    category: str | None
    unit_code: str | None
    baseline: float | None
    target: float | None
    direction: str
    baseline_release_id: int | None = None


def goal_values(goal: PlanGoal) -> dict:
    return {name: getattr(goal, name) for name in GOAL_FIELDS}


def _checked_goal(session: Session, plan: ActionPlan, data: GoalInput) -> GoalInput:
    text = clean_text(data.text, "text", GOAL_TEXT_MAX, _l("Write the goal."))
    if data.metric not in METRICS:
        raise DomainError(_l("Choose what the goal is measured by."), "metric")
    indicator_key, category = None, None
    if data.metric == "indicator":
        indicator_key = data.indicator_key or None
        known = session.scalar(
            select(IndicatorDefinition.id).where(IndicatorDefinition.key == indicator_key)
        )
        if indicator_key is None or known is None:
            raise DomainError(_l("Choose the indicator."), "indicator_key")
    elif data.category:
        if data.category not in category_labels(session, "en"):
            raise DomainError(_l("Choose a concern category."), "category")
        category = data.category
    units = dict(goal_units(session, plan))
    if data.unit_code not in units:
        raise DomainError(_l("Choose the plan's district or one of its focus areas."), "unit_code")
    if data.target is None:
        raise DomainError(_l("Write the target."), "target")
    if data.direction not in DIRECTIONS:
        raise DomainError(_l("Choose whether lower or higher is better."), "direction")
    if data.baseline is not None and data.baseline_release_id is not None:
        raise DomainError(_l("Choose a release or write a baseline, not both."), "baseline")
    return GoalInput(
        text,
        data.metric,
        indicator_key,
        category,
        data.unit_code,
        data.baseline,
        data.target,
        data.direction,
        data.baseline_release_id,
    )


def _baseline(session: Session, data: GoalInput) -> Baseline | None:
    """The baseline looked up in the chosen release; None when it is typed (or not given)."""
    if data.baseline_release_id is None:
        return None
    found = baseline_from_release(
        session,
        data.baseline_release_id,
        data.metric,
        data.unit_code,
        data.category,
        data.indicator_key,
    )
    if found is None:
        raise DomainError(_l("Choose a published release."), "baseline_release_id")
    return found


def _apply_goal(goal: PlanGoal, data: GoalInput, found: Baseline | None) -> None:
    for name in GOAL_FIELDS:
        if name != "baseline":
            setattr(goal, name, getattr(data, name))
    if found is None:
        goal.baseline, goal.baseline_period = data.baseline, None
    else:
        goal.baseline, goal.baseline_period = found.value, found.period


def add_goal(
    session: Session, actor: Actor, plan: ActionPlan, seen_version: int, data: GoalInput
) -> tuple[PlanGoal, Baseline | None]:
    if not may_edit(session, actor, plan):
        raise PlanNotFound(plan.id)
    data = _checked_goal(session, plan, data)
    found = _baseline(session, data)
    claim(session, plan, seen_version)
    goal = PlanGoal(
        plan_id=plan.id,
        position=len(plan.goals),
        text=data.text,
        metric=data.metric,
        target=data.target,
    )
    _apply_goal(goal, data, found)
    plan.goals.append(goal)
    session.flush()
    record(
        session,
        actor,
        "plan_goal.create",
        object_type="plan_goal",
        object_id=goal.id,
        details={"plan_id": plan.id, "metric": goal.metric},
    )
    return goal, found


def update_goal(
    session: Session, actor: Actor, goal: PlanGoal, seen_version: int, data: GoalInput
) -> Baseline | None:
    plan = goal.plan
    if not may_edit(session, actor, plan):
        raise PlanNotFound(plan.id)
    data = _checked_goal(session, plan, data)
    found = _baseline(session, data)
    claim(session, plan, seen_version)
    before = goal_values(goal)
    _apply_goal(goal, data, found)
    session.flush()
    changed = sorted(name for name, value in goal_values(goal).items() if before[name] != value)
    record(
        session,
        actor,
        "plan_goal.update",
        object_type="plan_goal",
        object_id=goal.id,
        details={"plan_id": plan.id, "fields": changed},
    )
    return found


def remove_goal(session: Session, actor: Actor, goal: PlanGoal, seen_version: int) -> None:
    plan = goal.plan
    if not may_edit(session, actor, plan):
        raise PlanNotFound(plan.id)
    claim(session, plan, seen_version)
    goal_id = goal.id
    plan.goals.remove(goal)
    session.flush()
    record(
        session,
        actor,
        "plan_goal.delete",
        object_type="plan_goal",
        object_id=goal_id,
        details={"plan_id": plan.id},
    )
