"""Placeholder blueprint (being built)."""

from __future__ import annotations

from flask import Blueprint

from app.auth.policy import requires

blueprint = Blueprint("board", __name__, url_prefix="/monitoring")


@blueprint.route("/")
@requires("monitoring.view")
def dashboard():
    return "board.dashboard"
