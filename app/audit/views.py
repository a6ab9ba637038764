"""The auditor's view of the trail, filtered by user, object, action and date."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from wtforms.fields.choices import SelectChoice

from app.audit.forms import AuditFilterForm
from app.audit.services import AuditFilter, distinct_actions, search_events
from app.auth.policy import requires
from app.core.request_context import current_actor
from app.db import db

blueprint = Blueprint("audit", __name__, url_prefix="/audit")


@blueprint.route("/")
@requires("audit.read")
def events():
    form = AuditFilterForm(request.args)
    form.action.choices = [SelectChoice("", "—")] + [
        SelectChoice(action) for action in distinct_actions(db.session)
    ]
    page = None
    if form.validate():
        criteria = AuditFilter(
            user_id=form.user_id.data,
            action=form.action.data or None,
            object_type=form.object_type.data or None,
            object_id=form.object_id.data or None,
            outcome=form.outcome.data or None,
            date_from=form.date_from.data,
            date_to=form.date_to.data,
            outside_assignment=bool(form.outside_assignment.data),
        )
        page = search_events(db.session, current_actor(), criteria, page=form.page.data or 1)
    query_args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("audit/events.html", form=form, page=page, query_args=query_args)
