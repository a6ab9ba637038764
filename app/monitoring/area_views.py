"""The administrator's area pages: boundaries, districts, populations, thresholds, boards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import RequestEntityTooLarge

from app.areas.models import Area
from app.auth.access import may_enter_current_endpoint
from app.auth.models import User
from app.auth.policy import requires
from app.core.errors import DomainError
from app.core.request_context import current_actor
from app.core.web import render_error
from app.db import db
from app.monitoring import disclosure_settings, memberships
from app.monitoring.area_forms import (
    BoundariesForm,
    GroupingForm,
    MembershipForm,
    NeighbourForm,
    PopulationForm,
    SettingsForm,
)
from app.monitoring.area_overview import area_overview
from app.monitoring.boundaries import import_boundaries
from app.monitoring.districts import import_grouping
from app.monitoring.neighbours import neighbour_choices, set_neighbour
from app.monitoring.populations import import_populations
from app.monitoring.publication_units import suggested_neighbour
from app.monitoring.uploads import MAX_UPLOAD_BYTES, UploadRejected, allow_large_bodies

blueprint = Blueprint("monitoring_admin", __name__, url_prefix="/monitoring/admin")

# The boundaries form carries two files of up to 5 MB each, above the app-wide body limit.
REQUEST_LIMIT = 2 * MAX_UPLOAD_BYTES + 64 * 1024
UPLOAD_FORMS = {
    "monitoring_admin.boundaries": BoundariesForm,
    "monitoring_admin.grouping": GroupingForm,
    "monitoring_admin.populations": PopulationForm,
}
UPLOAD_TITLES = {
    "monitoring_admin.boundaries": _l("Upload area boundaries"),
    "monitoring_admin.grouping": _l("Upload the grouping into districts"),
    "monitoring_admin.populations": _l("Upload youth population"),
}


allow_large_bodies(blueprint, UPLOAD_FORMS, REQUEST_LIMIT)


@blueprint.errorhandler(RequestEntityTooLarge)
def too_large(_error):
    form_class = UPLOAD_FORMS.get(request.endpoint or "")
    if form_class is None or not may_enter_current_endpoint():
        return render_error(413)
    problems = [_("The file is larger than 5 MB.")]
    return _render_upload(form_class(formdata=None), problems, 413)


def _render_upload(form, problems: list | None = None, status: int | None = None):
    endpoint = request.endpoint or "monitoring_admin.grouping"
    page = render_template(
        "monitoring_admin/upload.html",
        form=form,
        kind=endpoint.rsplit(".", 1)[-1],
        title=UPLOAD_TITLES.get(endpoint, UPLOAD_TITLES["monitoring_admin.grouping"]),
        problems=[str(problem) for problem in problems or []],
    )
    return page, status or (422 if form.is_submitted() else 200)


def _upload(form, run: Callable[[], object]):
    if not form.validate_on_submit():
        return _render_upload(form)
    try:
        result = run()
    except UploadRejected as refusal:
        return _render_upload(form, refusal.problems, 422)
    kind = request.endpoint.rsplit(".", 1)[-1]
    return render_template("monitoring_admin/upload_result.html", kind=kind, result=result)


@blueprint.route("/")
@requires("monitoring.manage")
def areas():
    overview = area_overview(db.session, dt.date.today().year)
    return render_template("monitoring_admin/index.html", overview=overview)


@blueprint.route("/boundaries", methods=["GET", "POST"])
@requires("monitoring.manage")
def boundaries():
    form = BoundariesForm()
    return _upload(
        form,
        lambda: import_boundaries(
            db.session,
            current_actor(),
            form.boundaries.data.read(),
            form.districts.data.read() if form.districts.data else None,
        ),
    )


@blueprint.route("/grouping", methods=["GET", "POST"])
@requires("monitoring.manage")
def grouping():
    form = GroupingForm()
    return _upload(
        form, lambda: import_grouping(db.session, current_actor(), form.districts.data.read())
    )


@blueprint.route("/populations", methods=["GET", "POST"])
@requires("monitoring.manage")
def populations():
    form = PopulationForm()
    return _upload(
        form,
        lambda: import_populations(db.session, current_actor(), form.populations.data.read()),
    )


def _field_error(form, error: DomainError) -> None:
    target = getattr(form, error.field, None) if error.field else None
    if target is not None:
        target.errors.append(str(error.message))
    else:
        flash(str(error.message), "error")


@blueprint.route("/areas/<int:area_id>/neighbour", methods=["GET", "POST"])
@requires("monitoring.manage")
def neighbour(area_id: int):
    area = db.session.get(Area, area_id) or abort(404)
    suggestion = suggested_neighbour(db.session, area)
    automatic = (
        _("Automatic (now: %(name)s)", name=suggestion.name)
        if suggestion
        else _("Automatic (no neighbour in the district)")
    )
    form = NeighbourForm(publish_with_id=area.publish_with_id or 0)
    form.publish_with_id.choices = [(0, automatic)] + [
        (other.id, f"{other.name} ({other.code})") for other in neighbour_choices(db.session, area)
    ]
    if form.validate_on_submit():
        try:
            set_neighbour(db.session, current_actor(), area, form.publish_with_id.data or None)
        except DomainError as error:
            _field_error(form, error)
        else:
            flash(_("The changes have been saved."), "success")
            return redirect(url_for("monitoring_admin.areas"))
    status = 422 if form.is_submitted() else 200
    return render_template("monitoring_admin/neighbour.html", area=area, form=form), status


@blueprint.route("/settings", methods=["GET", "POST"])
@requires("monitoring.manage")
def settings():
    form = SettingsForm(obj=disclosure_settings.current_settings(db.session))
    if form.validate_on_submit():
        try:
            disclosure_settings.update_settings(
                db.session, current_actor(), form.k.data, form.min_population.data
            )
        except DomainError as error:
            _field_error(form, error)
        else:
            flash(_("The changes have been saved."), "success")
            return redirect(url_for("monitoring_admin.areas"))
    status = 422 if form.is_submitted() else 200
    return render_template("monitoring_admin/settings.html", form=form), status


@blueprint.route("/memberships")
@requires("monitoring.manage")
def board_memberships():
    members = memberships.board_members(db.session)
    return render_template("monitoring_admin/memberships.html", members=members)


@blueprint.route("/memberships/<int:user_id>", methods=["GET", "POST"])
@requires("monitoring.manage")
def membership(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    chosen = memberships.districts_by_user(db.session).get(user.id, [])
    form = MembershipForm(district_ids=[district.id for district in chosen])
    form.district_ids.choices = [
        (district.id, f"{district.name} ({district.code})")
        for district in memberships.all_districts(db.session)
    ]
    if form.validate_on_submit():
        try:
            memberships.set_districts(db.session, current_actor(), user, form.district_ids.data)
        except DomainError as error:
            _field_error(form, error)
        else:
            flash(_("The changes have been saved."), "success")
            return redirect(url_for("monitoring_admin.board_memberships"))
    status = 422 if form.is_submitted() else 200
    return render_template("monitoring_admin/membership.html", user=user, form=form), status
