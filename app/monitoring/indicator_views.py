"""Area indicators: the administrator's definitions, import and rules; the boards' reading."""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from app.auth.access import may_enter_current_endpoint
from app.auth.policy import requires
from app.core.errors import DomainError
from app.core.forms import Form
from app.core.request_context import current_actor
from app.core.web import render_error
from app.db import db
from app.monitoring import classification, indicators
from app.monitoring.indicator_forms import ClassifyForm, DefinitionForm, ImportForm, RuleForm
from app.monitoring.indicator_import import MAX_UPLOAD_BYTES, ImportRefused, import_values
from app.monitoring.indicator_queries import classification_page, format_value, over_time
from app.monitoring.models import ClassificationRule, IndicatorDefinition
from app.monitoring.uploads import allow_large_bodies

blueprint = Blueprint("indicators", __name__, url_prefix="/monitoring/indicators")

# A values file may be up to 5 MB, above the app-wide body limit.
allow_large_bodies(blueprint, {"indicators.import_file"}, MAX_UPLOAD_BYTES + 64 * 1024)


@blueprint.errorhandler(RequestEntityTooLarge)
def too_large(_error):
    if request.endpoint != "indicators.import_file" or not may_enter_current_endpoint():
        return render_error(413)
    problems = [_("The file is larger than 5 MB.")]
    return _render_index(import_form=ImportForm(formdata=None), problems=problems, status=413)


def _latest_year(counts: dict[str, dict[str, int]]) -> int | None:
    years = [int(period[:4]) for periods in counts.values() for period in periods]
    return max(years, default=None)


def _render_index(import_form=None, classify_form=None, problems=(), status: int = 200):
    session = db.session
    counts = indicators.value_counts(session)
    return render_template(
        "indicators/index.html",
        definitions=indicators.definitions(session),
        counts=counts,
        rules=[
            (rule, classification.conditions_of(rule)) for rule in classification.rules(session)
        ],
        import_form=import_form or ImportForm(formdata=None),
        classify_form=classify_form or ClassifyForm(formdata=None, year=_latest_year(counts)),
        delete_form=Form(formdata=None),
        problems=problems,
        years=classification.classified_years(session),
        unit_labels=indicators.UNIT_LABELS,
        name_of=indicators.name_of,
        definition_text_of=indicators.definition_text_of,
    ), status


def _field_error(form, error: DomainError, fallback: str) -> None:
    if error.field == "conditions":  # about the rows together: shown above the form
        form.form_errors.append(str(error.message))
        return
    field = getattr(form, error.field or "", None) or getattr(form, fallback)
    field.errors = [*field.errors, str(error.message)]


def _load(model, object_id: int):
    row = db.session.get(model, object_id)
    if row is None:
        abort(404)
    return row


@blueprint.route("/")
@requires("monitoring.manage")
def index():
    return _render_index()


@blueprint.route("/import", methods=["POST"])
@requires("monitoring.manage")
def import_file():
    form = ImportForm()
    if not form.validate_on_submit():
        return _render_index(import_form=form, status=422)
    try:
        summary = import_values(
            db.session, current_actor(), form.file.data.read(MAX_UPLOAD_BYTES + 1)
        )
    except ImportRefused as refused:
        db.session.rollback()
        _field_error(form, refused, "file")
        return _render_index(import_form=form, problems=refused.problems, status=422)
    flash(
        _(
            "Imported %(rows)d values: %(created)d new, %(updated)d replaced.",
            rows=summary.rows,
            created=summary.created,
            updated=summary.updated,
        ),
        "success",
    )
    return redirect(url_for("indicators.index"))


@blueprint.route("/classify", methods=["POST"])
@requires("monitoring.manage")
def classify():
    form = ClassifyForm()
    if not form.validate_on_submit():
        return _render_index(classify_form=form, status=422)
    try:
        results = classification.classify(db.session, current_actor(), form.year.data)
    except DomainError as error:
        db.session.rollback()
        _field_error(form, error, "year")
        return _render_index(classify_form=form, status=422)
    flash(_("Classified %(n)d areas for %(year)d.", n=len(results), year=form.year.data), "success")
    return redirect(url_for("indicators.index"))


def _definition_page(form, definition=None, status: int = 200):
    return render_template(
        "indicators/definition_form.html", form=form, definition=definition
    ), status


@blueprint.route("/new", methods=["GET", "POST"])
@requires("monitoring.manage")
def new_definition():
    form = DefinitionForm()
    if not form.validate_on_submit():
        return _definition_page(form, status=422 if form.is_submitted() else 200)
    try:
        indicators.save_definition(db.session, current_actor(), form.definition_input())
    except DomainError as error:
        db.session.rollback()
        _field_error(form, error, "key")
        return _definition_page(form, status=422)
    flash(_("The indicator has been saved."), "success")
    return redirect(url_for("indicators.index"))


@blueprint.route("/<int:indicator_id>/edit", methods=["GET", "POST"])
@requires("monitoring.manage")
def edit_definition(indicator_id: int):
    definition = _load(IndicatorDefinition, indicator_id)
    form = DefinitionForm(obj=definition)
    if not form.validate_on_submit():
        return _definition_page(form, definition, 422 if form.is_submitted() else 200)
    try:
        indicators.save_definition(db.session, current_actor(), form.definition_input(), definition)
    except DomainError as error:
        db.session.rollback()
        _field_error(form, error, "key")
        return _definition_page(form, definition, 422)
    flash(_("The indicator has been saved."), "success")
    return redirect(url_for("indicators.index"))


def _rule_form(rule: ClassificationRule | None) -> RuleForm:
    data = None
    if rule is not None and request.method == "GET":
        data = {
            "class_key": rule.class_key,
            "label_da": rule.label_da,
            "label_en": rule.label_en,
            "position": rule.position,
            "min_conditions": rule.min_conditions,
            "conditions": [
                {"indicator": c["indicator"], "op": c["op"], "threshold": str(c["threshold"])}
                for c in json.loads(rule.conditions or "[]")
            ],
        }
    form = RuleForm(data=data)
    form.set_indicator_choices(
        [(d.key, indicators.name_of(d)) for d in indicators.definitions(db.session)]
    )
    return form


def _save_rule(rule: ClassificationRule | None):
    form = _rule_form(rule)
    page = "indicators/rule_form.html"
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template(page, form=form, rule=rule), status
    try:
        classification.save_rule(db.session, current_actor(), form.rule_input(), rule)
    except DomainError as error:
        db.session.rollback()
        _field_error(form, error, "class_key")
        return render_template(page, form=form, rule=rule), 422
    flash(_("The rule has been saved."), "success")
    return redirect(url_for("indicators.index"))


@blueprint.route("/rules/new", methods=["GET", "POST"])
@requires("monitoring.manage")
def new_rule():
    return _save_rule(None)


@blueprint.route("/rules/<int:rule_id>", methods=["GET", "POST"])
@requires("monitoring.manage")
def edit_rule(rule_id: int):
    return _save_rule(_load(ClassificationRule, rule_id))


@blueprint.route("/rules/<int:rule_id>/delete", methods=["POST"])
@requires("monitoring.manage")
def delete_rule(rule_id: int):
    rule = _load(ClassificationRule, rule_id)
    if not Form().validate_on_submit():
        abort(400)
    classification.delete_rule(db.session, current_actor(), rule)
    flash(_("The rule has been deleted."), "success")
    return redirect(url_for("indicators.index"))


@blueprint.route("/<int:indicator_id>")
@requires("monitoring.view")
def detail(indicator_id: int):
    definition = _load(IndicatorDefinition, indicator_id)
    page = over_time(db.session, current_actor(), definition, request.args.getlist("area"))
    return render_template(
        "indicators/detail.html",
        page=page,
        format_value=format_value,
        name=indicators.name_of(definition),
        definition_text=indicators.definition_text_of(definition),
        unit_labels=indicators.UNIT_LABELS,
    )


@blueprint.route("/classification", endpoint="classification")
@requires("monitoring.view")
def classification_view():
    status, error = 200, None
    try:
        page = classification_page(db.session, current_actor(), request.args.get("year"))
    except DomainError as refused:
        status, error = 422, str(refused.message)
        page = classification_page(db.session, current_actor(), None)
    return render_template(
        "indicators/classification.html", page=page, error=error, format_value=format_value
    ), status
