"""Planning meetings: the list, a meeting's date, members and agenda, and the schedule."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("meetings", __name__, url_prefix="/meetings")
