"""A plan's goals against every release after their baseline: published figures only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.monitoring.effects import published_releases
from app.monitoring.models import ActionPlan, IndicatorDefinition, PlanGoal, Release
from app.monitoring.periods import PeriodError, parse_period
from app.monitoring.plan_goals import METRICS
from app.monitoring.plan_values import Published, figures, number_text
from app.monitoring.plans import category_labels, goal_units, plan_unit_code

STATUS_LABELS = {
    "reached": _l("Target reached"),
    "improving": _l("On track: better than the baseline"),
    "not_improving": _l("Not on track"),
    "open": _l("Target not reached yet"),
    "unknown": _l("Not published"),
}


@dataclass(frozen=True)
class ProgressRow:
    release_label: str
    figure: Published
    status: str  # a key of STATUS_LABELS


@dataclass(frozen=True)
class GoalProgress:
    goal: PlanGoal
    measure: str
    unit_name: str
    baseline: str
    target: str
    rows: list[ProgressRow]


def status_of(value: float | None, goal: PlanGoal) -> str:
    if value is None:
        return "unknown"
    down = goal.direction == "down"
    if (value <= goal.target) if down else (value >= goal.target):
        return "reached"
    if goal.baseline is None:
        return "open"
    better = value < goal.baseline if down else value > goal.baseline
    return "improving" if better else "not_improving"


def releases_after_baseline(
    releases: list[Release], goal: PlanGoal, plan: ActionPlan
) -> list[Release]:
    """Oldest first. After a release baseline: the later periods of the same kind (a quarter
    compares with quarters); after a typed one: every release from the plan's first year."""
    try:
        base = parse_period(goal.baseline_period) if goal.baseline_period else None
    except PeriodError:
        base = None
    if base is None:
        start = dt.date(plan.first_year, 1, 1)
        chosen = [r for r in releases if r.period_end >= start]
    else:
        chosen = [r for r in releases if r.period_kind == base.kind and r.period_start > base.end]
    return sorted(chosen, key=lambda r: (r.period_start, r.period_kind))


def _measure(session: Session, goal: PlanGoal, locale: str) -> str:
    if goal.metric == "indicator":
        indicator = session.scalar(
            select(IndicatorDefinition).where(IndicatorDefinition.key == goal.indicator_key)
        )
        if indicator is None:
            return goal.indicator_key or ""
        return indicator.name_en if locale.startswith("en") else indicator.name_da
    label = str(METRICS.get(goal.metric, goal.metric))
    if goal.category:
        category = category_labels(session, locale).get(goal.category, goal.category)
        return f"{label}: {category}"
    return label


def plan_progress(session: Session, plan: ActionPlan, locale: str) -> list[GoalProgress]:
    releases = published_releases(session)
    units = dict(goal_units(session, plan))
    own = plan_unit_code(session, plan)
    result = []
    for goal in plan.goals:
        unit_code = goal.unit_code or own
        rows = []
        for release in releases_after_baseline(releases, goal, plan):
            found = figures(
                session, release, goal.metric, unit_code, goal.category, goal.indicator_key
            )
            for figure in found:
                label = f"{release.label}: {figure.area}" if figure.area else release.label
                rows.append(ProgressRow(label, figure, status_of(figure.number, goal)))
        if goal.baseline is not None:
            baseline = number_text(goal.baseline)
        else:
            baseline = "–"
        if goal.baseline_period:
            baseline = f"{baseline} ({goal.baseline_period})"
        result.append(
            GoalProgress(
                goal=goal,
                measure=_measure(session, goal, locale),
                unit_name=units.get(unit_code, unit_code),
                baseline=baseline,
                target=number_text(goal.target),
                rows=rows,
            )
        )
    return result
