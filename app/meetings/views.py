"""Planning meetings: the list, a meeting's date, members and agenda, and the schedule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from wtforms.fields.choices import SelectChoice

from app.audit.actor import Actor
from app.auth.policy import requires
from app.cases.workflow import STATUS_LABELS
from app.core.errors import DomainError
from app.core.request_context import current_actor
from app.db import db
from app.meetings import agenda, queries
from app.meetings.forms import AddCaseForm, AddMemberForm, MoveForm, PlanForm, ScheduleForm
from app.meetings.models import Meeting
from app.meetings.policy import load_meeting_or_deny, manages_meetings
from app.meetings.schedule import current_schedule, update_schedule

blueprint = Blueprint("meetings", __name__, url_prefix="/meetings")

SEE_OTHER = 303


def _today() -> dt.date:
    return dt.date.today()


def _to_meeting(meeting_id: int):
    return redirect(url_for("meetings.detail", meeting_id=meeting_id), SEE_OTHER)


def _field_error(form, error: DomainError, fallback: str, aliases: dict | None = None) -> None:
    """The service's message under the field it concerns (or `fallback`)."""
    name = (aliases or {}).get(error.field, error.field)
    target = form[name] if name and name in form else form[fallback]
    target.errors = [*target.errors, str(error.message)]


def _first_error(form) -> str:
    for name, errors in form.errors.items():
        if errors and name in form:
            return f"{form[name].label.text}: {errors[0]}"
    return _("The request could not be understood. Go back and try again.")


# --- the list and planning --------------------------------------------------------------


def render_index(form: PlanForm | None = None, status: int = 200):
    actor = current_actor()
    can_manage = manages_meetings(actor)
    return render_template(
        "meetings/index.html",
        listing=queries.meeting_list(db.session, actor),
        can_manage=can_manage,
        form=form or PlanForm(formdata=None),
        default_date=queries.default_meeting_date(db.session, _today()) if can_manage else None,
        meeting_status_labels=queries.MEETING_STATUS_LABELS,
    ), status


@blueprint.route("")
@requires("meetings.view")
def index():
    return render_index()


# Its own address rather than POST /meetings: a post-only route answers GET with 405.
@blueprint.route("/plan", methods=["POST"])
@requires("meetings.manage")
def plan():
    form = PlanForm()
    if not form.validate_on_submit():
        return render_index(form, 422)
    try:
        meeting = agenda.plan_meeting(
            db.session, current_actor(), today=_today(), held_on=form.held_on.data
        )
    except DomainError as error:
        db.session.rollback()
        _field_error(form, error, "held_on")
        return render_index(form, 422)
    flash(
        _("The meeting on %(date)s is planned.", date=format_date(meeting.held_on, "long")),
        "success",
    )
    return _to_meeting(meeting.id)


# --- one meeting ----------------------------------------------------------------------


@blueprint.route("/<int:meeting_id>")
@requires("meetings.view")
def detail(meeting_id: int):
    actor = current_actor()
    meeting = load_meeting_or_deny(actor, meeting_id)
    page = queries.meeting_page(db.session, actor, meeting, _today())
    member_form = AddMemberForm(formdata=None)
    member_form.user_id.choices = [
        SelectChoice(str(c.user_id), f"{c.name} ({c.organisation})") for c in page.candidates
    ]
    return render_template(
        "meetings/detail.html",
        page=page,
        can_manage=manages_meetings(actor) and meeting.status in agenda.OPEN_MEETING_STATES,
        add_case_form=AddCaseForm(formdata=None),
        member_form=member_form,
        kind_labels=queries.KIND_LABELS,
        status_labels=STATUS_LABELS,
        meeting_status_labels=queries.MEETING_STATUS_LABELS,
    )


def _already_on_agenda() -> str:
    return _("The case is already on this agenda.")


def _changed_meanwhile() -> str:
    return _("Someone else changed this in the meantime. Reload and try again.")


def _change(
    meeting_id: int,
    change: Callable[[Actor, Meeting], object],
    done: str,
    conflict: Callable[[], str] = _changed_meanwhile,
):
    """Run one planning change; a refusal becomes a message and nothing is saved."""
    actor = current_actor()
    meeting = load_meeting_or_deny(actor, meeting_id)
    try:
        change(actor, meeting)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    except IntegrityError:
        # A unique row (agenda item, member) exists already: a case discussed at this
        # meeting that is due again, or two people doing the same thing at once.
        db.session.rollback()
        flash(conflict(), "error")
    else:
        flash(done, "success")
    return _to_meeting(meeting_id)


@blueprint.route("/<int:meeting_id>/agenda/propose", methods=["POST"])
@requires("meetings.manage")
def propose(meeting_id: int):
    return _change(
        meeting_id,
        lambda actor, meeting: agenda.propose_agenda(db.session, actor, meeting),
        _("The agenda proposal has been refreshed."),
        _already_on_agenda,
    )


@blueprint.route("/<int:meeting_id>/agenda/add", methods=["POST"])
@requires("meetings.manage")
def add_case(meeting_id: int):
    actor = current_actor()
    meeting = load_meeting_or_deny(actor, meeting_id)
    form = AddCaseForm()
    if not form.validate_on_submit():
        flash(_first_error(form), "error")
        return _to_meeting(meeting_id)
    case_id = form.case_number()
    back_to_case = form.next.data == "case"
    try:
        if queries.is_on_agenda(db.session, meeting.id, case_id):
            raise DomainError(_already_on_agenda(), "case")
        agenda.add_case(db.session, actor, meeting, case_id)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        # An unknown number says only that; it never leads to a page about it.
        back_to_case = back_to_case and error.field != "case_id"
    except IntegrityError:  # added by someone else at the same moment
        db.session.rollback()
        flash(_already_on_agenda(), "error")
    else:
        flash(_("Case #%(number)d is on the agenda.", number=case_id), "success")
    if back_to_case:
        return redirect(url_for("cases.detail", case_id=case_id), SEE_OTHER)
    return _to_meeting(meeting_id)


@blueprint.route("/<int:meeting_id>/items/<int:item_id>/move", methods=["POST"])
@requires("meetings.manage")
def move_item(meeting_id: int, item_id: int):
    form = MoveForm()
    direction = form.direction.data if form.validate_on_submit() else ""
    return _change(
        meeting_id,
        lambda actor, meeting: agenda.move_item(db.session, actor, meeting, item_id, direction),
        _("The agenda has been reordered."),
    )


@blueprint.route("/<int:meeting_id>/items/<int:item_id>/remove", methods=["POST"])
@requires("meetings.manage")
def remove_item(meeting_id: int, item_id: int):
    return _change(
        meeting_id,
        lambda actor, meeting: agenda.remove_item(db.session, actor, meeting, item_id),
        _("The case has been taken off the agenda."),
    )


@blueprint.route("/<int:meeting_id>/members/add", methods=["POST"])
@requires("meetings.manage")
def add_member(meeting_id: int):
    form = AddMemberForm()
    if not form.validate_on_submit():
        load_meeting_or_deny(current_actor(), meeting_id)
        flash(_first_error(form), "error")
        return _to_meeting(meeting_id)

    def invite(actor: Actor, meeting: Meeting) -> None:
        agenda.ensure_open(meeting)  # add_member itself does not check this
        agenda.add_member(db.session, actor, meeting, form.user_number())

    return _change(meeting_id, invite, _("The member has been added."))


@blueprint.route("/<int:meeting_id>/members/<int:user_id>/remove", methods=["POST"])
@requires("meetings.manage")
def remove_member(meeting_id: int, user_id: int):
    return _change(
        meeting_id,
        lambda actor, meeting: agenda.remove_member(db.session, actor, meeting, user_id),
        _("The member has been removed."),
    )


# --- the weekly schedule ----------------------------------------------------------------


@blueprint.route("/schedule", methods=["GET", "POST"])
@requires("meetings.manage")
def schedule():
    form = ScheduleForm()
    if not form.is_submitted():
        current = current_schedule(db.session)
        form = ScheduleForm(
            formdata=None,
            weekday=str(current.weekday),
            start_time=current.start_time,
            duration_minutes=current.duration_minutes,
            location=current.location,
        )
        return render_template("meetings/schedule.html", form=form)
    if form.validate_on_submit():
        try:
            update_schedule(
                db.session,
                current_actor(),
                weekday=int(form.weekday.data),
                start_time=form.start_time.data,
                duration_minutes=form.duration_minutes.data,
                location=form.location.data or "",
            )
        except DomainError as error:
            db.session.rollback()
            _field_error(form, error, "weekday", {"duration": "duration_minutes"})
        else:
            flash(_("The meeting schedule has been saved."), "success")
            return redirect(url_for("meetings.index"), SEE_OTHER)
    return render_template("meetings/schedule.html", form=form), 422
