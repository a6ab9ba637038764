"""Meeting mode: the room's one screen, from last week's open actions to the last case."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("meeting_mode", __name__, url_prefix="/meetings")
