"""Meeting mode: the room's one screen, from last week's open actions to the last case."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.auth.policy import requires
from app.cases.queries import locale_code, today
from app.cases.workflow import STATUS_LABELS
from app.core.errors import DomainError
from app.core.request_context import current_actor
from app.db import db
from app.meetings import follow_up, meeting_mode, recommendations, running
from app.meetings.agenda import OPEN_MEETING_STATES
from app.meetings.mode_forms import (
    AttendanceForm,
    CheckForm,
    NotesForm,
    OutcomeForm,
    RecommendationForm,
)
from app.meetings.policy import load_meeting_or_deny, manages_meetings

blueprint = Blueprint("meeting_mode", __name__, url_prefix="/meetings")

MEETING_STATUS_LABELS = {
    "planned": _l("Planned"),
    "in_progress": _l("In progress"),
    "held": _l("Held"),
}


def _labels() -> dict:
    return {
        "not_done_reasons": follow_up.NOT_DONE_REASON_LABELS,
        "outcomes": follow_up.OUTCOME_LABELS,
        "action_statuses": follow_up.ACTION_STATUS_LABELS,
        "status_labels": STATUS_LABELS,
        "meeting_statuses": MEETING_STATUS_LABELS,
    }


def _can_run(meeting) -> bool:
    """Forms are shown to the coordinator while the meeting is open; members only read."""
    return manages_meetings(current_actor()) and meeting.status in OPEN_MEETING_STATES


def _load(meeting_id: int):
    return load_meeting_or_deny(current_actor(), meeting_id)


def _item_or_404(meeting, item_id: int):
    item = meeting_mode.item_of(db.session, meeting, item_id)
    if item is None:
        abort(404)
    return item


def _action_or_404(meeting, action_id: int):
    action = meeting_mode.action_of(db.session, meeting, action_id)
    if action is None:
        abort(404)
    return action


def render_open_actions(meeting, *, errors: dict | None = None, status: int = 200):
    view = meeting_mode.view_open_actions(db.session, current_actor(), meeting, today())
    return render_template(
        "meeting_mode/open_actions.html",
        view=view,
        can_run=_can_run(meeting),
        errors=errors or {},
        locale=locale_code(),
        **_labels(),
    ), status


@blueprint.route("/<int:meeting_id>/run")
@requires("meetings.view")
def open_actions(meeting_id: int):
    return render_open_actions(_load(meeting_id))


@blueprint.route("/<int:meeting_id>/start", methods=["POST"])
@requires("meetings.manage")
def start(meeting_id: int):
    meeting = _load(meeting_id)
    try:
        running.start_meeting(db.session, current_actor(), meeting)
    except DomainError as error:
        return render_open_actions(meeting, errors={"meeting": error.message}, status=422)
    flash(_("The meeting has started."), "success")
    return redirect(url_for(".open_actions", meeting_id=meeting.id), 303)


@blueprint.route("/<int:meeting_id>/attendance", methods=["POST"])
@requires("meetings.manage")
def attendance(meeting_id: int):
    meeting = _load(meeting_id)
    form = AttendanceForm()
    if not form.validate_on_submit():
        message = _("Tick the members who are present.")
        return render_open_actions(meeting, errors={"attendance": message}, status=422)
    try:
        running.record_attendance(db.session, current_actor(), meeting, set(form.present.data))
    except DomainError as error:
        return render_open_actions(meeting, errors={"attendance": error.message}, status=422)
    flash(_("Attendance has been saved."), "success")
    return redirect(url_for(".open_actions", meeting_id=meeting.id), 303)


@blueprint.route("/<int:meeting_id>/actions/<int:action_id>/check", methods=["POST"])
@requires("meetings.manage")
def check_action(meeting_id: int, action_id: int):
    meeting = _load(meeting_id)
    action = _action_or_404(meeting, action_id)
    form = CheckForm()
    form.validate_on_submit()
    try:
        follow_up.check_action(
            db.session,
            current_actor(),
            meeting,
            action.id,
            result=form.result.data or "",
            reason=form.reason.data or None,
        )
    except DomainError as error:
        return render_open_actions(meeting, errors={action.id: error.message}, status=422)
    flash(_("The action has been marked."), "success")
    return redirect(url_for(".open_actions", meeting_id=meeting.id, _anchor="actions"), 303)


def render_item(
    meeting, item, form=None, *, outcome_errors=None, judgement_form=None, status: int = 200
):
    from app.assessments.judgement_views import meeting_assessments_context

    actor = current_actor()
    view = meeting_mode.view_item(db.session, actor, meeting, item, today())
    measures = meeting_mode.measure_choices(db.session, locale_code())
    if form is None:
        form = RecommendationForm(formdata=None)
    form.set_choices(measures, meeting_mode.owner_choices(db.session))
    return render_template(
        "meeting_mode/item.html",
        view=view,
        form=form,
        measures=measures,
        can_run=_can_run(meeting),
        outcome_errors=outcome_errors or {},
        locale=locale_code(),
        today=today(),
        **meeting_assessments_context(actor, view.case, _can_run(meeting), judgement_form),
        **_labels(),
    ), status


@blueprint.route("/<int:meeting_id>/run/<int:item_id>")
@requires("meetings.view")
def item(meeting_id: int, item_id: int):
    meeting = _load(meeting_id)
    return render_item(meeting, _item_or_404(meeting, item_id))


def _show_domain_error(form: RecommendationForm, error: DomainError, rows: list[int]) -> None:
    """Put the service's message next to its field; action indexes count filled rows only."""
    name = error.field or ""
    parts = name.split("-")
    if len(parts) == 3 and parts[0] == "actions" and parts[1].isdigit():
        row = rows[int(parts[1])] if int(parts[1]) < len(rows) else None
        entry = form.actions.entries[row].form if row is not None else None
        target = getattr(entry, parts[2], None) if entry is not None else None
    else:
        target = getattr(form, name, None) if name in ("text", "next_review_on") else None
    if target is not None:
        target.errors = [*target.errors, error.message]
    else:
        form.form_errors.append(error.message)


@blueprint.route("/<int:meeting_id>/run/<int:item_id>/recommendation", methods=["POST"])
@requires("meetings.manage")
def record_recommendation(meeting_id: int, item_id: int):
    meeting = _load(meeting_id)
    agenda_item = _item_or_404(meeting, item_id)
    form = RecommendationForm()
    if not form.validate_on_submit():
        return render_item(meeting, agenda_item, form, status=422)
    filled = form.filled_rows()
    try:
        recommendations.record_recommendation(
            db.session,
            current_actor(),
            meeting,
            agenda_item,
            text=form.text.data or "",
            next_review_on=form.next_review_on.data,
            actions=[row.action_input() for _index, row in filled],
        )
    except DomainError as error:
        db.session.rollback()
        _show_domain_error(form, error, [index for index, _row in filled])
        meeting = _load(meeting_id)
        return render_item(meeting, _item_or_404(meeting, item_id), form, status=422)
    flash(_("The recommendation has been recorded."), "success")
    return redirect(url_for(".item", meeting_id=meeting.id, item_id=agenda_item.id), 303)


@blueprint.route("/<int:meeting_id>/actions/<int:action_id>/outcome", methods=["POST"])
@requires("meetings.manage")
def record_outcome(meeting_id: int, action_id: int):
    meeting = _load(meeting_id)
    action = _action_or_404(meeting, action_id)
    agenda_item = meeting_mode.item_for_case(db.session, meeting, action.case_id)
    form = OutcomeForm()
    form.validate_on_submit()
    try:
        meeting_mode.record_outcome_at(
            db.session, current_actor(), meeting, action, form.outcome.data or ""
        )
    except DomainError as error:
        if agenda_item is None:
            return render_open_actions(meeting, errors={action.id: error.message}, status=422)
        return render_item(
            meeting, agenda_item, outcome_errors={action.id: error.message}, status=422
        )
    flash(_("The outcome has been recorded."), "success")
    if agenda_item is None:
        return redirect(url_for(".open_actions", meeting_id=meeting.id), 303)
    return redirect(url_for(".item", meeting_id=meeting.id, item_id=agenda_item.id), 303)


def render_end(meeting, notes_form=None, *, errors=None, status: int = 200):
    view = meeting_mode.view_end(db.session, current_actor(), meeting)
    if notes_form is None:
        notes_form = NotesForm(formdata=None, notes=meeting.notes or "")
    return render_template(
        "meeting_mode/end.html",
        view=view,
        notes_form=notes_form,
        can_run=_can_run(meeting),
        errors=errors or {},
        **_labels(),
    ), status


@blueprint.route("/<int:meeting_id>/run/end")
@requires("meetings.view")
def end(meeting_id: int):
    return render_end(_load(meeting_id))


@blueprint.route("/<int:meeting_id>/notes", methods=["POST"])
@requires("meetings.manage")
def notes(meeting_id: int):
    meeting = _load(meeting_id)
    form = NotesForm()
    if not form.validate_on_submit():
        return render_end(meeting, form, status=422)
    try:
        running.save_notes(db.session, current_actor(), meeting, form.notes.data or "")
    except DomainError as error:
        form.notes.errors = [*form.notes.errors, error.message]
        return render_end(meeting, form, status=422)
    flash(_("The notes have been saved."), "success")
    return redirect(url_for(".end", meeting_id=meeting.id), 303)


@blueprint.route("/<int:meeting_id>/finish", methods=["POST"])
@requires("meetings.manage")
def finish(meeting_id: int):
    meeting = _load(meeting_id)
    try:
        running.finish_meeting(db.session, current_actor(), meeting)
    except DomainError as error:
        return render_end(meeting, errors={"meeting": error.message}, status=422)
    flash(_("The meeting is finished."), "success")
    # The end screen, now held, offers the minutes and their PDF: what the room wants next.
    return redirect(url_for(".end", meeting_id=meeting.id), 303)
