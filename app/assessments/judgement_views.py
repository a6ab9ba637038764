"""The committee's judgement: recorded from the case page and from meeting mode, and the
assessment sections of those two pages (their templates include templates/assessments/).
Routes on the `assessments` blueprint (app/assessments/views.py imports this module)."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from app.assessments import judgements, queries
from app.assessments.forms import JudgementForm
from app.assessments.policy import can_record_judgement, can_request, can_view
from app.assessments.views import back_to_case, blueprint, case_or_deny, labels
from app.auth.policy import requires
from app.cases.policy import load_case_or_deny
from app.cases.queries import locale_code, today
from app.core.errors import DomainError
from app.core.request_context import current_actor
from app.db import db


def assessments_context(actor, access, judgement_form=None) -> dict:
    """What the case page's assessments section needs (app/cases/case_views.render_detail)."""
    if not can_view(actor):
        return {"assessments": None}
    section = queries.case_section(
        db.session, actor, access.case, locale_code(), today(), purpose=access.purpose
    )
    return {
        "assessments": section,
        "assessment_labels": labels(),
        "can_request": can_request(actor),
        "can_record_judgement": can_record_judgement(actor),
        # A look with a stated purpose shows this page only; the full views ask again.
        "can_open_assessments": not access.outside_assignment,
        "judgement_form": judgement_form or JudgementForm(formdata=None),
    }


def meeting_assessments_context(actor, case, can_run: bool, judgement_form=None) -> dict:
    """Meeting mode's assessments section (app/meetings/mode_views.render_item); the screen
    has already checked the meeting, and a member of it sees the cases on its agenda."""
    section = queries.case_section(
        db.session, actor, case, locale_code(), today(), purpose=queries.MEETING
    )
    return {
        "assessments": section,
        "assessment_labels": labels(),
        "can_record_judgement": can_run and can_record_judgement(actor),
        "judgement_form": judgement_form or JudgementForm(formdata=None),
    }


def _record(form: JudgementForm, case, meeting=None) -> DomainError | None:
    if not form.validate_on_submit():
        return DomainError(_("Check the judgement's fields."), "form")
    try:
        judgements.record_judgement(
            db.session,
            current_actor(),
            case,
            worry=form.worry_value(),
            level=form.level.data or None,
            reasons=form.reasons.data or "",
            meeting=meeting,
        )
    except DomainError as error:
        db.session.rollback()
        field = getattr(form, error.field or "", None) if error.field in form else None
        if field is not None:
            field.errors = [*field.errors, error.message]
        else:
            form.form_errors.append(error.message)
        return error
    return None


@blueprint.route("/cases/<int:case_id>/judgements", methods=["POST"])
@requires("judgements.record")
def record_judgement(case_id: int):
    from app.cases.case_views import render_detail

    case = case_or_deny(case_id)
    form = JudgementForm()
    if _record(form, case) is not None:
        access = load_case_or_deny(current_actor(), case_id)
        return render_detail(access, judgement_form=form, status=422)
    flash(_("The committee's judgement has been recorded."), "success")
    return back_to_case(case_id, "judgements")


@blueprint.route("/meetings/<int:meeting_id>/run/<int:item_id>/judgement", methods=["POST"])
@requires("judgements.record")
def record_meeting_judgement(meeting_id: int, item_id: int):
    from app.meetings import mode_views

    meeting = mode_views._load(meeting_id)
    item = mode_views._item_or_404(meeting, item_id)
    case = case_or_deny(item.case_id)
    form = JudgementForm()
    if _record(form, case, meeting) is not None:
        meeting = mode_views._load(meeting_id)
        item = mode_views._item_or_404(meeting, item_id)
        return mode_views.render_item(meeting, item, judgement_form=form, status=422)
    flash(_("The committee's judgement has been recorded."), "success")
    return redirect(
        url_for("meeting_mode.item", meeting_id=meeting_id, item_id=item_id, _anchor="judgements"),
        303,
    )
