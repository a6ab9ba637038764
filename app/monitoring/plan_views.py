"""A board's two-year action plans: list, write, follow each goal against the releases."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.areas.models import Area, District
from app.audit.services import record_independently
from app.auth.policy import requires
from app.core.errors import DomainError
from app.core.request_context import current_actor
from app.db import db
from app.monitoring import plan_goals, plans
from app.monitoring.effects import published_releases
from app.monitoring.models import IndicatorDefinition
from app.monitoring.plan_forms import (
    GOAL_LABELS,
    PLAN_LABELS,
    GoalForm,
    PlanForm,
    RemoveGoalForm,
    conflict_rows,
    seen_version,
)
from app.monitoring.plan_progress import STATUS_LABELS, plan_progress

blueprint = Blueprint("plans", __name__, url_prefix="/monitoring/plans")


def locale() -> str:
    return str(get_locale() or "da")


def _plan(plan_id: int, editable: bool = False):
    try:
        if editable:
            return plans.editable_plan_or_not_found(db.session, current_actor(), plan_id)
        return plans.plan_or_not_found(db.session, current_actor(), plan_id)
    except plans.PlanNotFound:
        abort(404)


def plan_choices(form: PlanForm) -> list[tuple[District, list[Area]]]:
    scope = plans.editable_districts(db.session, current_actor())
    districts = scope or list(db.session.scalars(select(District).order_by(District.name)))
    form.district_id.choices = [] if scope else [SelectChoice("", _l("The whole municipality"))]
    form.district_id.choices += [SelectChoice(str(d.id), d.name) for d in districts]
    return [(district, list(district.areas)) for district in districts]


def goal_choices(form: GoalForm, plan) -> None:
    indicators = db.session.scalars(select(IndicatorDefinition).order_by(IndicatorDefinition.key))
    english = locale().startswith("en")
    form.indicator_key.choices = [SelectChoice("", _l("Not an indicator"))] + [
        SelectChoice(i.key, i.name_en if english else i.name_da) for i in indicators
    ]
    form.category.choices = [SelectChoice("", _l("All categories"))] + [
        SelectChoice(key, label)
        for key, label in plans.category_labels(db.session, locale()).items()
    ]
    form.unit_code.choices = [
        SelectChoice(code, name) for code, name in plans.goal_units(db.session, plan)
    ]
    form.baseline_release_id.choices = [SelectChoice("", _l("No release: I type it"))] + [
        SelectChoice(str(r.id), r.label) for r in published_releases(db.session)
    ]


def render_conflict(plan_id: int, form, rows, action: str, back: str, fields: str):
    """Nothing of this request is saved; the refusal itself is recorded on its own."""
    actor = current_actor()  # before the rollback expires the signed-in user
    version = plans.plan_or_not_found(db.session, actor, plan_id).version
    db.session.rollback()
    record_independently(
        db.new_session,
        actor,
        "plan.update",
        object_type="action_plan",
        object_id=plan_id,
        outcome="failed",
        details={"reason": "conflict"},
    )
    form.version.data = str(version)  # saving again now is a deliberate choice
    context = {"form": form, "rows": rows, "action": action, "back": back, "fields": fields}
    if fields == "plan":
        context["districts"] = plan_choices(form)
    return render_template("monitoring_plans/conflict.html", **context), 409


def _readable(values: dict) -> dict:
    """The district by name, as the conflict page shows it."""
    district = db.session.get(District, values["district_id"]) if values["district_id"] else None
    return {**values, "district_id": district.name if district else _("The whole municipality")}


@blueprint.route("/")
@requires("plans.edit")
def index():
    names = dict(db.session.execute(select(District.id, District.name)).all())
    return render_template(
        "monitoring_plans/index.html",
        plans=plans.visible_plans(db.session, current_actor()),
        plan_district_names=names,
    )


@blueprint.route("/new", methods=["GET", "POST"])
@requires("plans.edit")
def create():
    form = PlanForm()
    districts = plan_choices(form)
    if form.validate_on_submit():
        try:
            plan = plans.create_plan(db.session, current_actor(), form.to_input())
        except DomainError as error:
            getattr(form, error.field).errors.append(str(error.message))
        else:
            flash(_("The action plan has been saved."), "success")
            return redirect(url_for("plans.detail", plan_id=plan.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "monitoring_plans/plan_form.html", form=form, plan=None, districts=districts
    ), status


@blueprint.route("/<int:plan_id>")
@requires("plans.edit")
def detail(plan_id: int):
    plan = _plan(plan_id)
    actor = current_actor()
    return render_template(
        "monitoring_plans/detail.html",
        plan=plan,
        progress=plan_progress(db.session, plan, locale()),
        units=dict(plans.goal_units(db.session, plan)),
        editable=plans.may_edit(db.session, actor, plan),
        status_labels=STATUS_LABELS,
        district=db.session.get(District, plan.district_id) if plan.district_id else None,
    )


@blueprint.route("/<int:plan_id>/edit", methods=["GET", "POST"])
@requires("plans.edit")
def edit(plan_id: int):
    plan = _plan(plan_id, editable=True)
    values = plans.plan_values(plan)
    if request.method == "GET":
        form = PlanForm(
            formdata=None,
            version=str(plan.version),
            **{
                **values,
                "district_id": str(plan.district_id or ""),
                "focus_areas": list(values["focus_areas"]),
            },
        )
    else:
        form = PlanForm()
    districts = plan_choices(form)
    if form.validate_on_submit():
        data = form.to_input()
        try:
            plans.update_plan(db.session, current_actor(), plan, seen_version(form), data)
        except plans.PlanConflict as conflict:
            current = _readable(plans.plan_values(conflict.plan))
            rows = conflict_rows(PLAN_LABELS, _readable(vars(data)), current)
            return render_conflict(
                plan_id,
                form,
                rows,
                url_for("plans.edit", plan_id=plan_id),
                url_for("plans.detail", plan_id=plan_id),
                "plan",
            )
        except DomainError as error:
            getattr(form, error.field).errors.append(str(error.message))
        else:
            flash(_("The action plan has been saved."), "success")
            return redirect(url_for("plans.detail", plan_id=plan.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "monitoring_plans/plan_form.html", form=form, plan=plan, districts=districts
    ), status


def _baseline_notice(found) -> None:
    if found is None:
        return
    if found.suppressed:
        flash(
            _(
                "The figure in %(period)s is not published (it is small or hidden to protect "
                "another), so the goal has no baseline. Type one if you know it.",
                period=found.period,
            ),
            "warning",
        )
    elif found.several_areas:
        flash(
            _(
                "The indicator has a value per area in %(period)s, so the goal has no single "
                "baseline. Type one if you want to compare with it.",
                period=found.period,
            ),
            "warning",
        )


def _goal_form_page(plan, goal=None):
    if request.method == "GET":
        initial = plan_goals.goal_values(goal) if goal else {"unit_code": None}
        for name in ("baseline", "target"):
            initial[name] = "" if initial.get(name) is None else f"{initial[name]:g}"
        initial = {k: ("" if v is None else v) for k, v in initial.items()}
        if goal is not None and goal.baseline_period:
            # A baseline from a release stays one: the release is chosen again, not typed.
            releases = published_releases(db.session)
            chosen = next((r for r in releases if r.label == goal.baseline_period), None)
            if chosen is not None:
                initial.update(baseline_release_id=str(chosen.id), baseline="")
        form = GoalForm(formdata=None, version=str(plan.version), **initial)
    else:
        form = GoalForm()
    goal_choices(form, plan)
    if form.validate_on_submit():
        data = form.to_input()
        actor = current_actor()
        try:
            if goal is None:
                _new, found = plan_goals.add_goal(db.session, actor, plan, seen_version(form), data)
            else:
                found = plan_goals.update_goal(db.session, actor, goal, seen_version(form), data)
        except plans.PlanConflict:
            current = plan_goals.goal_values(goal) if goal else dict.fromkeys(GOAL_LABELS)
            rows = conflict_rows(GOAL_LABELS, vars(data), current)
            return render_conflict(
                plan.id, form, rows, request.path, url_for("plans.detail", plan_id=plan.id), "goal"
            )
        except DomainError as error:
            getattr(form, error.field).errors.append(str(error.message))
        else:
            flash(_("The goal has been saved."), "success")
            _baseline_notice(found)
            return redirect(url_for("plans.detail", plan_id=plan.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "monitoring_plans/goal_form.html", form=form, plan=plan, goal=goal
    ), status


@blueprint.route("/<int:plan_id>/goals/new", methods=["GET", "POST"])
@requires("plans.edit")
def add_goal(plan_id: int):
    return _goal_form_page(_plan(plan_id, editable=True))


@blueprint.route("/<int:plan_id>/goals/<int:goal_id>/edit", methods=["GET", "POST"])
@requires("plans.edit")
def edit_goal(plan_id: int, goal_id: int):
    plan = _plan(plan_id, editable=True)
    try:
        goal = plans.goal_or_not_found(db.session, plan, goal_id)
    except plans.PlanNotFound:
        abort(404)
    return _goal_form_page(plan, goal)


@blueprint.route("/<int:plan_id>/goals/<int:goal_id>/remove", methods=["POST"])
@requires("plans.edit")
def remove_goal(plan_id: int, goal_id: int):
    plan = _plan(plan_id, editable=True)
    try:
        goal = plans.goal_or_not_found(db.session, plan, goal_id)
    except plans.PlanNotFound:
        abort(404)
    form = RemoveGoalForm()  # CSRF is checked for every POST before the view runs
    form.validate_on_submit()
    try:
        plan_goals.remove_goal(db.session, current_actor(), goal, seen_version(form))
    except plans.PlanConflict:
        db.session.rollback()
        flash(
            _(
                "The plan was changed after you opened it, so nothing was removed. "
                "Look at the goals again and remove it once more if you still want to."
            ),
            "error",
        )
    else:
        flash(_("The goal has been removed."), "success")
    return redirect(url_for("plans.detail", plan_id=plan_id), 303)
