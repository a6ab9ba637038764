"""Placeholder blueprint (being built)."""

from __future__ import annotations

from flask import Blueprint

from app.auth.policy import requires

blueprint = Blueprint("plans", __name__, url_prefix="/monitoring/plans")


@blueprint.route("/")
@requires("plans.edit")
def index():
    return "plans.index"
