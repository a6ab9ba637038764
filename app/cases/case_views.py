"""The case list and the case page. Every case is loaded through the policy's loader."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from app.audit.services import record_independently
from app.auth.policy import requires
from app.cases import case_services, filter_cache, queries
from app.cases.case_forms import (
    CaseEditForm,
    CaseFilterForm,
    PurposeForm,
    StatusForm,
    optional_int,
    tri_state_value,
)
from app.cases.list_html import case_rows
from app.cases.policy import PURPOSE_HINT, PurposeRequired, can_edit_case, load_case_or_deny
from app.cases.workflow import CLOSE_REASON_LABELS, STATUS_LABELS, Status
from app.core.errors import DomainError
from app.core.forms import QuickSelect
from app.core.i18n import per_locale
from app.core.request_context import current_actor
from app.db import db
from app.meetings import queries as meeting_queries

blueprint = Blueprint("cases", __name__, url_prefix="/cases")

EVENT_LABELS = {
    "case.opened": _l("Case opened"),
    "case.reopened": _l("Case reopened"),
    "concern.added": _l("Concern added"),
    "case.updated": _l("Case details changed"),
    "meeting.agenda_added": _l("Put on a meeting agenda"),
    "meeting.agenda_removed": _l("Taken off a meeting agenda"),
    "recommendation.recorded": _l("Recommendation recorded"),
    "recommendation.updated": _l("Recommendation corrected"),
    "action.outcome": _l("Outcome of an action recorded"),
    "person.corrected": _l("Personal details corrected"),
    "assessments.requested": _l("Assessments requested"),
    "assessments.revoked": _l("An assessment request withdrawn"),
    "assessment.submitted": _l("Assessment received"),
    "assessment.declined": _l("Assessment declined"),
    "assessment.corrected": _l("Assessment corrected"),
    "judgement.recorded": _l("Committee judgement recorded"),
    **{f"status.{status.value}": label for status, label in STATUS_LABELS.items()},
}
FIELD_LABELS = {
    "assigned_to_id": _l("Assigned coordinator"),
    "next_review_on": _l("Next review"),
    "parents_informed": _l("Parents told"),
    "parents_view": _l("The parents' view"),
    "young_person_informed": _l("Young person told"),
    "young_person_view": _l("The young person's view"),
}


status_labels = per_locale(lambda: {k.value: str(v) for k, v in STATUS_LABELS.items()})
# Plain strings: each lazy label would be translated again for every option rendered.
_fixed_choices = per_locale(
    lambda: {
        field.name: tuple(SelectChoice(c.value, str(c.label)) for c in field.choices)
        for form in [CaseFilterForm()]
        for field in (form.status, form.age_band)
    }
)
_everything = per_locale(lambda: [SelectChoice("", _("All"))])


def short_date_formatter():
    """Babel's short date, with the locale looked up once per page rather than per cell."""
    from babel.dates import get_date_format
    from flask_babel import get_locale, get_timezone

    from app.core.i18n import compile_numeric_date_pattern

    # zoneinfo's conversion is C; pytz's (what Flask-Babel hands out) costs 50 rows ~0.4 ms.
    locale, zone = get_locale(), ZoneInfo(str(get_timezone()))
    pattern = get_date_format("short", locale=locale)
    apply = compile_numeric_date_pattern(pattern.pattern) or (lambda d: pattern.apply(d, locale))

    def short_date(value: dt.date | dt.datetime) -> str:
        if isinstance(value, dt.datetime):
            value = value.astimezone(zone).date()
        return apply(value)

    return short_date


def list_rows(page: queries.CasePage) -> list[tuple]:
    """The shown cells of each row, formatted once here: the page has 50 rows, and each
    Jinja call or lookup per cell costs more than the whole tuple does in Python."""
    today, short_date = queries.today(), short_date_formatter()
    labels = status_labels()
    rows = []
    for row in page.cases:
        c, review = row.case, row.case.next_review_on
        rows.append(
            (
                c.id,
                row.name,
                today.year - c.birth_year if c.birth_year else "—",
                labels.get(c.status, c.status),
                short_date(review) if review else "—",
                bool(review and review < today and c.status != Status.CLOSED.value),
                short_date(c.opened_at),
            )
        )
    return rows


def filter_choices(form: CaseFilterForm, options: dict) -> None:
    everything = _everything()
    fixed = _fixed_choices()
    form.status.choices = fixed["status"]
    form.age_band.choices = fixed["age_band"]
    for select_field in (
        form.status,
        form.district_id,
        form.area_id,
        form.age_band,
        form.category_id,
    ):
        select_field.widget = QuickSelect()  # same HTML, a fraction of the time per option
    for select_field, kind in (
        (form.area_id, "area"),
        (form.district_id, "district"),
        (form.category_id, "category"),
    ):
        select_field.choices = everything + [
            SelectChoice(str(key), label) for key, label in options[kind]
        ]


def prompt_labels(form: CaseFilterForm, config) -> None:
    form.inactive.label.text = _(
        "Nothing on the timeline for %(months)d months", months=config["TIDLIG_INACTIVE_MONTHS"]
    )
    form.over_age.label.text = _("Aged %(age)d or over", age=config["TIDLIG_AGE_CEILING"])


def criteria_from(form: CaseFilterForm, config) -> queries.CaseFilter:
    return queries.CaseFilter(
        status=form.status.data or None,
        area_id=optional_int(form.area_id.data),
        district_id=optional_int(form.district_id.data),
        age_band=form.age_band.data or None,
        category_id=optional_int(form.category_id.data),
        overdue=bool(form.overdue.data),
        mine=bool(form.mine.data),
        **queries.prompt_criteria(
            config, inactive=bool(form.inactive.data), over_age=bool(form.over_age.data)
        ),
    )


@blueprint.route("")
@requires("cases.list")
def index():
    form = CaseFilterForm(request.args)
    locale = queries.locale_code()
    options_key, options = filter_cache.options(
        locale, lambda: queries.filter_options(db.session, locale)
    )
    filter_choices(form, options)
    prompt_labels(form, current_app.config)
    page = None
    valid = form.validate()
    if valid:
        page = queries.list_cases(
            db.session,
            current_actor(),
            criteria_from(form, current_app.config),
            page=form.page.data or 1,
        )
    query_args = {k: v for k, v in request.args.items() if k != "page"}
    picked = tuple(sorted(query_args.items()))

    def render_filters() -> str:
        return render_template("cases/_filters.html", form=form)

    filters = (
        filter_cache.rendered(options_key, picked, render_filters)
        if valid
        else Markup(render_filters())  # nosec B704  # noqa: S704 - our own template
    )
    return render_template(
        "cases/list.html",
        filters=filters,
        form=form,
        page=page,
        rows_html=case_rows(list_rows(page)) if page else "",
        query_args=query_args,
    )


def render_detail(access, *, judgement_form=None, status: int = 200):
    from app.assessments.judgement_views import assessments_context

    actor = current_actor()
    detail = case_services.view_case(db.session, actor, access)
    status_form = StatusForm.for_case(detail.case)
    return render_template(
        "cases/detail.html",
        detail=detail,
        meetings=meeting_queries.case_meetings(
            db.session, actor, detail.case, queries.locale_code()
        ),
        can_edit=can_edit_case(actor),
        status_form=status_form,
        status_labels=STATUS_LABELS,
        close_reasons=CLOSE_REASON_LABELS,
        event_labels=EVENT_LABELS,
        today=queries.today(),
        **assessments_context(actor, access, judgement_form),
    ), status


def render_purpose_form(case_id: int, form: PurposeForm | None = None):
    return render_template(
        "cases/purpose.html", case_id=case_id, form=form or PurposeForm(), hint=PURPOSE_HINT
    )


@blueprint.route("/<int:case_id>")
@requires("cases.view")
def detail(case_id: int):
    try:
        access = load_case_or_deny(current_actor(), case_id)
    except PurposeRequired:
        return render_purpose_form(case_id)
    return render_detail(access)


@blueprint.route("/<int:case_id>/purpose", methods=["POST"])
@requires("cases.view")
def open_with_purpose(case_id: int):
    """The case is shown in this response only; the next visit asks again."""
    form = PurposeForm()
    if not form.validate_on_submit():
        try:
            access = load_case_or_deny(current_actor(), case_id)
        except PurposeRequired:
            return render_purpose_form(case_id, form)
        return redirect(url_for("cases.detail", case_id=access.case.id))
    try:
        access = load_case_or_deny(current_actor(), case_id, form.purpose.data)
    except PurposeRequired:
        return render_purpose_form(case_id, form)
    return render_detail(access)


def edit_form_for(case) -> CaseEditForm:
    form = CaseEditForm(
        formdata=None,
        version=case.version,
        assigned_to_id=str(case.assigned_to_id or ""),
        next_review_on=case.next_review_on,
        parents_informed=tri_state_value(case.parents_informed),
        parents_view=case.parents_view,
        young_person_informed=tri_state_value(case.young_person_informed),
        young_person_view=case.young_person_view,
    )
    return form


def assignee_choices(form: CaseEditForm) -> dict[int, str]:
    people = {u.id: u.full_name for u in case_services.coordinators(db.session)}
    form.assigned_to_id.choices = [SelectChoice("", _l("Nobody"))] + [
        SelectChoice(str(uid), name) for uid, name in people.items()
    ]
    return people


def render_conflict(case, form: CaseEditForm, people: dict[int, str]):
    actor = current_actor()
    case_id, version = case.id, case.version
    current = case_services.current_values(case)
    # Nothing of this request is saved; the refusal itself is recorded on its own.
    db.session.rollback()
    record_independently(
        db.new_session,
        actor,
        "case.update",
        object_type="case",
        object_id=case_id,
        outcome="failed",
        details={"reason": "conflict"},
    )
    mine = form.changes()
    form.version.data = str(version)  # saving again now is a deliberate choice
    rows = [
        (name, FIELD_LABELS[name], mine[name], current[name], mine[name] != current[name])
        for name in case_services.EDITABLE
    ]
    return render_template(
        "cases/conflict.html", case_id=case_id, form=form, rows=rows, people=people
    ), 409


@blueprint.route("/<int:case_id>/edit", methods=["GET", "POST"])
@requires("cases.edit")
def edit(case_id: int):
    actor = current_actor()
    access = load_case_or_deny(actor, case_id)
    case = access.case
    form = CaseEditForm() if request.method == "POST" else edit_form_for(case)
    people = assignee_choices(form)
    if form.validate_on_submit():
        try:
            case_services.update_case(
                db.session, actor, case, form.seen_version() or -1, form.changes()
            )
        except case_services.EditConflict as conflict:
            return render_conflict(conflict.case, form, people)
        except DomainError as error:
            getattr(form, error.field).errors.append(str(error.message))
        else:
            flash(_("The case has been saved."), "success")
            return redirect(url_for("cases.detail", case_id=case.id))
    else:
        case_services.open_for_edit(db.session, actor, access)
    return render_template("cases/edit.html", case_id=case_id, form=form)


@blueprint.route("/<int:case_id>/status", methods=["POST"])
@requires("cases.edit")
def change_status(case_id: int):
    actor = current_actor()
    case = load_case_or_deny(actor, case_id).case
    form = StatusForm()
    if not form.validate_on_submit():
        flash(_("Choose a status."), "error")
        return redirect(url_for("cases.detail", case_id=case.id))
    version = optional_int(form.version.data) if form.version.data.isdigit() else -1
    try:
        case_services.change_status(
            db.session, actor, case, version, form.status.data, form.reason.data
        )
    except DomainError as error:
        flash(str(error.message), "error")
    else:
        label = STATUS_LABELS[Status(form.status.data)]
        flash(_("The case is now “%(status)s”.", status=label), "success")
    return redirect(url_for("cases.detail", case_id=case.id))
