"""The coordinator's and committee's assessment pages on a case: requests, one assessment
in full, corrections. The judgement routes are in judgement_views.py, on this blueprint.

Every page loads the case through the case policy first; a request id from the URL counts
only on that case (another case's id is a 404). The assessor never reaches these pages.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.assessments import corrections, judgements, queries, requests, settings
from app.assessments.content import CONTACT_CHOICES, KNOWN_FOR_CHOICES
from app.assessments.forms import (
    CONTACT_LABELS,
    KNOWN_FOR_LABELS,
    CorrectionForm,
    RequestForm,
)
from app.assessments.policy import (
    can_correct,
    request_of_case_or_404,
)
from app.auth.policy import requires
from app.cases.policy import PurposeRequired, load_case_or_deny
from app.cases.queries import locale_code, today
from app.core.errors import DomainError
from app.core.request_context import current_actor
from app.db import db

blueprint = Blueprint("assessments", __name__)


def case_or_deny(case_id: int):
    """The case, if the actor may open it without a stated purpose (else 403/404)."""
    try:
        return load_case_or_deny(current_actor(), case_id).case
    except PurposeRequired:
        abort(403)


def back_to_case(case_id: int, anchor: str = "assessments"):
    return redirect(url_for("cases.detail", case_id=case_id, _anchor=anchor), 303)


def _put_error(form: RequestForm, error: DomainError, rows: list[int]) -> None:
    """The service's message next to its field; its row numbers count filled rows only."""
    parts = (error.field or "").split("-")
    target = None
    if len(parts) == 3 and parts[0] == "assessors" and parts[1].isdigit():
        index = int(parts[1])
        if index < len(rows):
            target = getattr(form.assessors.entries[rows[index]].form, parts[2], None)
    elif parts[0] in ("question", "due_on"):
        target = getattr(form, parts[0])
    if target is not None:
        target.errors = [*target.errors, error.message]
    else:
        form.form_errors.append(error.message)


def _render_request(case, form: RequestForm, status: int = 200):
    form.set_user_choices(db.session)
    return render_template("assessments/request.html", case=case, form=form), status


@blueprint.route("/cases/<int:case_id>/assessments/request", methods=["GET", "POST"])
@requires("assessments.request")
def request_form(case_id: int):
    case = case_or_deny(case_id)
    if request.method == "GET":
        form = RequestForm(formdata=None, due_on=settings.default_due_on(today()))
        return _render_request(case, form)
    form = RequestForm()
    form.set_user_choices(db.session)
    if not form.validate_on_submit():
        return _render_request(case, form, 422)
    filled = form.filled_rows()
    try:
        issued = requests.request_assessments(
            db.session,
            current_actor(),
            case,
            [row.assessor_input() for _index, row in filled],
            form.question.data or "",
            form.due_on.data,
            settings.link_settings(),
            today=today(),
        )
    except DomainError as error:
        db.session.rollback()
        _put_error(form, error, [index for index, _row in filled])
        return _render_request(case_or_deny(case_id), form, 422)
    flash(_("%(n)d assessments have been requested.", n=len(issued)), "success")
    return back_to_case(case.id)


def _request_action(case_id: int, request_id: int, act, done: str):
    """Revoke and resend: a refusal (e.g. the request was already answered) is a flash."""
    case = case_or_deny(case_id)
    request_of_case_or_404(db.session, case, request_id)
    try:
        act(case)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        flash(done, "success")
    return back_to_case(case_id)


@blueprint.route("/cases/<int:case_id>/assessments/<int:request_id>/revoke", methods=["POST"])
@requires("assessments.request")
def revoke(case_id: int, request_id: int):
    return _request_action(
        case_id,
        request_id,
        lambda case: requests.revoke_request(db.session, current_actor(), case, request_id),
        _("The request has been withdrawn; its link no longer works."),
    )


@blueprint.route("/cases/<int:case_id>/assessments/<int:request_id>/resend", methods=["POST"])
@requires("assessments.request")
def resend(case_id: int, request_id: int):
    return _request_action(
        case_id,
        request_id,
        lambda case: requests.resend_link(
            db.session, current_actor(), case, request_id, settings.link_settings()
        ),
        _("A new link has been sent; the old one no longer works."),
    )


@blueprint.route("/cases/<int:case_id>/assessments/repeat", methods=["POST"])
@requires("assessments.request")
def repeat(case_id: int):
    case = case_or_deny(case_id)
    try:
        issued = requests.repeat_round(
            db.session,
            current_actor(),
            case,
            settings.default_due_on(today()),
            settings.link_settings(),
            today=today(),
        )
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        flash(_("The same assessors have been asked again (%(n)d).", n=len(issued)), "success")
    return back_to_case(case_id)


@blueprint.route("/cases/<int:case_id>/assessments/<int:request_id>")
@requires("assessments.view")
def detail(case_id: int, request_id: int):
    case = case_or_deny(case_id)
    assessment_request = request_of_case_or_404(db.session, case, request_id)
    view = queries.view_assessment(
        db.session, current_actor(), assessment_request, locale_code(), today()
    )
    return render_template(
        "assessments/detail.html",
        case=case,
        view=view,
        can_correct=can_correct(current_actor()) and view.latest is not None,
        labels=labels(),
    )


def labels() -> dict:
    return {
        "status": queries.STATUS_LABELS,
        "decline": queries.DECLINE_LABELS,
        "setting_kind": queries.SETTING_KIND_LABELS,
        "contact": CONTACT_LABELS,
        "known_for": KNOWN_FOR_LABELS,
        "level": judgements.LEVEL_LABELS,
    }


def _render_correction(case, assessment_request, form, data, problems=(), status=200):
    form_instrument, _saved = queries.correction_data(db.session, assessment_request)
    locale = queries.short_locale(locale_code())
    errors: dict[str, list] = {}
    for problem in problems:
        errors.setdefault(problem.field, []).append(problem.message)
    return render_template(
        "assessments/correct.html",
        case=case,
        assessment_request=assessment_request,
        instrument=form_instrument,
        locale=locale,
        options={
            name: [(key, text(locale)) for key, text in texts.items()]
            for name, texts in (
                ("unknown_reason", form_instrument.unknown_reasons),
                ("source", form_instrument.sources),
                ("confidence", form_instrument.confidence),
            )
        },
        form=form,
        data=data,
        errors=errors,
        contact_choices=[(c, CONTACT_LABELS[c]) for c in CONTACT_CHOICES],
        known_for_choices=[(c, KNOWN_FOR_LABELS[c]) for c in KNOWN_FOR_CHOICES],
    ), status


@blueprint.route(
    "/cases/<int:case_id>/assessments/<int:request_id>/correct", methods=["GET", "POST"]
)
@requires("assessments.request")
def correct(case_id: int, request_id: int):
    case = case_or_deny(case_id)
    assessment_request = request_of_case_or_404(db.session, case, request_id)
    if assessment_request.status != "submitted":
        flash(_("Only a submitted assessment can be corrected."), "error")
        return back_to_case(case_id)
    if request.method == "GET":
        queries.view_assessment(
            db.session, current_actor(), assessment_request, locale_code(), today()
        )
        _form, data = queries.correction_data(db.session, assessment_request)
        return _render_correction(case, assessment_request, CorrectionForm(formdata=None), data)
    form = CorrectionForm()
    data = request.form.to_dict()
    if not form.validate_on_submit():
        return _render_correction(case, assessment_request, form, data, status=422)
    try:
        corrected = corrections.correct_assessment(
            db.session, current_actor(), assessment_request, request.form, form.reason.data or ""
        )
    except corrections.CorrectionRefused as refused:
        return _render_correction(
            case, assessment_request, form, data, refused.problems, status=422
        )
    flash(_("The correction is saved as version %(n)d.", n=corrected.version), "success")
    return redirect(url_for(".detail", case_id=case_id, request_id=request_id), 303)


# The judgement routes live beside these, on the same blueprint.
from app.assessments import judgement_views  # noqa: E402, F401
