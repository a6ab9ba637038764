"""The effect view: how cases develop after a recommendation, read from a published release."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import get_locale

from app.auth.policy import requires
from app.core.request_context import current_actor
from app.db import db
from app.monitoring import effects
from app.monitoring.access import district_scope

blueprint = Blueprint("effects", __name__, url_prefix="/monitoring/effect")


@blueprint.route("/")
@requires("monitoring.view")
def index():
    releases = effects.published_releases(db.session)
    chosen = request.args.get("release_id", type=int)
    release = next((r for r in releases if r.id == chosen), releases[0] if releases else None)
    units, window = [], None
    if release is not None:
        scope = district_scope(db.session, current_actor())
        units = effects.effect_page(db.session, release, scope, str(get_locale() or "da"))
        window = effects.cohort_window(release)
    return render_template(
        "monitoring_effects/index.html",
        releases=releases,
        release=release,
        units=units,
        window=window,
    )
