"""Placeholder blueprint (being built)."""

from __future__ import annotations

from flask import Blueprint

from app.auth.policy import requires

blueprint = Blueprint("releases", __name__, url_prefix="/monitoring/releases")


@blueprint.route("/")
@requires("monitoring.publish")
def index():
    return "releases.index"
