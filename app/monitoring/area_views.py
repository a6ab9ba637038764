"""Placeholder blueprint (being built)."""

from __future__ import annotations

from flask import Blueprint

from app.auth.policy import requires

blueprint = Blueprint("monitoring_admin", __name__, url_prefix="/monitoring/admin")


@blueprint.route("/")
@requires("monitoring.manage")
def areas():
    return "monitoring_admin.areas"
