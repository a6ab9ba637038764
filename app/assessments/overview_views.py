"""The coordinator's page of assessment requests waiting for an answer or declined."""

from __future__ import annotations

from flask import Blueprint, render_template

from app.assessments import overview
from app.auth.policy import requires
from app.cases.queries import today
from app.core.request_context import current_actor
from app.db import db, utcnow

blueprint = Blueprint("assessment_overview", __name__, url_prefix="/assessments")



@blueprint.route("/")
@requires("assessments.request")
def index():
    on = today()
    waiting, declined = overview.overview(db.session, current_actor(), on, utcnow())
    return render_template(
        "assessment_overview/index.html", waiting=waiting, declined=declined, today=on
    )
