"""The agenda and the minutes, as pages and as PDF, cut to what the reader may see."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("meeting_exports", __name__, url_prefix="/meetings")
