"""Placeholder blueprint (being built)."""

from __future__ import annotations

from flask import Blueprint

from app.auth.policy import requires

blueprint = Blueprint("indicators", __name__, url_prefix="/monitoring/indicators")


@blueprint.route("/")
@requires("monitoring.manage")
def index():
    return "indicators.index"
