"""Following up actions: overdue per organisation, and correcting a recommendation."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("actions", __name__, url_prefix="/actions")
