"""A local board's two-year action plan (handleplan): focus areas and measurable goals.

Services take the session and actor and never commit. Every change of a plan or its goals
claims the plan's version first: a save on a version someone else already moved on is
refused (`PlanConflict`) and nothing is written, as on the case form.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import column, select, table, update
from sqlalchemy.orm import Session

from app.areas.models import Area, District
from app.audit.actor import Actor
from app.audit.services import record
from app.core.errors import DomainError
from app.monitoring.access import district_scope
from app.monitoring.models import ActionPlan, PlanGoal
from app.monitoring.plan_values import MUNICIPALITY

TITLE_MAX, DESCRIPTION_MAX = 200, 5000
FIRST_YEAR, LAST_YEAR = 2000, 2100
PLAN_FIELDS = ("district_id", "title", "first_year", "last_year", "description", "focus_areas")

# The concern categories are a catalogue of the cases package; only their keys are read.
_CATEGORIES = table(
    "concern_categories", column("key"), column("label_da"), column("label_en"), column("position")
)


class PlanNotFound(Exception):
    """No such plan, or one outside the reader's districts: the view answers 404."""


class PlanConflict(Exception):
    """Someone saved the plan after the user opened it; nothing was saved."""

    def __init__(self, plan: ActionPlan) -> None:
        super().__init__("plan edit conflict")
        self.plan = plan


@dataclass(frozen=True)
class PlanInput:
    district_id: int | None
    title: str
    first_year: int | None
    last_year: int | None
    description: str
    focus_areas: tuple[str, ...]


# --- reading --------------------------------------------------------------------------------


def visible_plans(session: Session, actor: Actor) -> list[ActionPlan]:
    """A board member's districts' plans and the municipality's; everything otherwise."""
    query = select(ActionPlan).order_by(ActionPlan.first_year.desc(), ActionPlan.title)
    scope = district_scope(session, actor)
    if scope is not None:
        ids = [district.id for district in scope]
        query = query.where(ActionPlan.district_id.in_(ids) | ActionPlan.district_id.is_(None))
    return list(session.scalars(query))


def plan_or_not_found(session: Session, actor: Actor, plan_id: int) -> ActionPlan:
    plan = session.get(ActionPlan, plan_id)
    if plan is None or plan not in visible_plans(session, actor):
        raise PlanNotFound(plan_id)
    return plan


def editable_plan_or_not_found(session: Session, actor: Actor, plan_id: int) -> ActionPlan:
    plan = plan_or_not_found(session, actor, plan_id)
    if not may_edit(session, actor, plan):
        raise PlanNotFound(plan_id)
    return plan


def goal_or_not_found(session: Session, plan: ActionPlan, goal_id: int) -> PlanGoal:
    goal = session.get(PlanGoal, goal_id)
    if goal is None or goal.plan_id != plan.id:
        raise PlanNotFound(goal_id)
    return goal


def editable_districts(session: Session, actor: Actor) -> list[District] | None:
    """Districts a plan may be written for; None: every district and the municipality."""
    return district_scope(session, actor)


def may_edit(session: Session, actor: Actor, plan: ActionPlan) -> bool:
    scope = editable_districts(session, actor)
    return scope is None or plan.district_id in {district.id for district in scope}


def focus_codes(plan: ActionPlan) -> list[str]:
    return list(json.loads(plan.focus_area_codes or "[]"))


def plan_unit_code(session: Session, plan: ActionPlan) -> str:
    """The code of the plan's own unit in a release: its district, or the municipality."""
    if plan.district_id is None:
        return MUNICIPALITY
    return session.get(District, plan.district_id).code


def goal_units(session: Session, plan: ActionPlan) -> list[tuple[str, str]]:
    """(code, name) of the units a goal may follow: the plan's district and focus areas."""
    own = session.get(District, plan.district_id) if plan.district_id else None
    units = [(own.code, own.name) if own else (MUNICIPALITY, str(_l("The whole municipality")))]
    names = dict(
        session.execute(select(Area.code, Area.name).where(Area.code.in_(focus_codes(plan)))).all()
    )
    return units + [(code, names.get(code, code)) for code in focus_codes(plan)]


def category_labels(session: Session, locale: str) -> dict[str, str]:
    label = _CATEGORIES.c.label_en if locale.startswith("en") else _CATEGORIES.c.label_da
    rows = session.execute(select(_CATEGORIES.c.key, label).order_by(_CATEGORIES.c.position))
    return {row[0]: row[1] for row in rows}


def plan_values(plan: ActionPlan) -> dict:
    """The editable fields as plain values (what the conflict page shows as "saved now")."""
    return {
        "district_id": plan.district_id,
        "title": plan.title,
        "first_year": plan.first_year,
        "last_year": plan.last_year,
        "description": plan.description,
        "focus_areas": tuple(focus_codes(plan)),
    }


# --- checking input -------------------------------------------------------------------------


def clean_text(value: str, field: str, limit: int, missing=None) -> str:
    text = (value or "").strip()
    if missing is not None and not text:
        raise DomainError(missing, field)
    if len(text) > limit:
        raise DomainError(_l("At most %(n)d characters.", n=limit), field)
    return text


def _checked_plan(session: Session, actor: Actor, data: PlanInput) -> PlanInput:
    scope = editable_districts(session, actor)
    if scope is not None and data.district_id not in {district.id for district in scope}:
        raise DomainError(_l("Choose one of your districts."), "district_id")
    if data.district_id is not None and session.get(District, data.district_id) is None:
        raise DomainError(_l("Choose one of your districts."), "district_id")
    title = clean_text(data.title, "title", TITLE_MAX, _l("Write the plan's title."))
    if data.first_year is None or not FIRST_YEAR <= data.first_year <= LAST_YEAR:
        raise DomainError(_l("Write the plan's first year, for example 2027."), "first_year")
    if data.last_year != data.first_year + 1:
        raise DomainError(
            _l(
                "An action plan covers two years: the last year is %(year)d.",
                year=data.first_year + 1,
            ),
            "last_year",
        )
    query = select(Area.code)
    if data.district_id is not None:
        query = query.where(Area.district_id == data.district_id)
    allowed = set(session.scalars(query))
    if set(data.focus_areas) - allowed:
        raise DomainError(_l("Choose focus areas within the plan's district."), "focus_areas")
    description = clean_text(data.description, "description", DESCRIPTION_MAX)
    return PlanInput(
        data.district_id,
        title,
        data.first_year,
        data.last_year,
        description,
        tuple(sorted(set(data.focus_areas))),
    )


def claim(session: Session, plan: ActionPlan, seen_version: int) -> None:
    """Move the plan's version on, unless someone else already did: one atomic UPDATE."""
    if plan.version != seen_version:
        raise PlanConflict(plan)
    moved = session.execute(
        update(ActionPlan)
        .where(ActionPlan.id == plan.id, ActionPlan.version == seen_version)
        .values(version=seen_version + 1)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        session.refresh(plan)
        raise PlanConflict(plan)
    plan.version = seen_version + 1


# --- writing --------------------------------------------------------------------------------


def create_plan(session: Session, actor: Actor, data: PlanInput) -> ActionPlan:
    data = _checked_plan(session, actor, data)
    plan = ActionPlan(
        district_id=data.district_id,
        title=data.title,
        first_year=data.first_year,
        last_year=data.last_year,
        description=data.description,
        focus_area_codes=json.dumps(list(data.focus_areas)),
        created_by_id=actor.user_id,
    )
    session.add(plan)
    session.flush()
    record(
        session,
        actor,
        "plan.create",
        object_type="action_plan",
        object_id=plan.id,
        details={"district_id": plan.district_id},
    )
    return plan


def _keep_goal_units(session: Session, plan: ActionPlan, data: PlanInput) -> None:
    """A goal's unit must stay the plan's district or one of its focus areas."""
    district = session.get(District, data.district_id) if data.district_id else None
    allowed = {district.code if district else MUNICIPALITY, *data.focus_areas}
    own = plan_unit_code(session, plan)
    for goal in plan.goals:
        unit = goal.unit_code or own
        if unit not in allowed:
            raise DomainError(
                _l(
                    "The goal “%(goal)s” follows %(unit)s; change or remove that goal first.",
                    goal=goal.text,
                    unit=unit,
                ),
                "focus_areas",
            )


def update_plan(
    session: Session, actor: Actor, plan: ActionPlan, seen_version: int, data: PlanInput
) -> None:
    if not may_edit(session, actor, plan):
        raise PlanNotFound(plan.id)
    data = _checked_plan(session, actor, data)
    _keep_goal_units(session, plan, data)
    claim(session, plan, seen_version)
    values = asdict(data)
    changed = sorted(name for name, value in values.items() if plan_values(plan)[name] != value)
    plan.district_id, plan.title = data.district_id, data.title
    plan.first_year, plan.last_year = data.first_year, data.last_year
    plan.description = data.description
    plan.focus_area_codes = json.dumps(list(data.focus_areas))
    session.flush()
    record(
        session,
        actor,
        "plan.update",
        object_type="action_plan",
        object_id=plan.id,
        details={"fields": changed},
    )
