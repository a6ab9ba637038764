"""A person's record: corrections as new versions with a reason, and guardians."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("persons", __name__, url_prefix="/persons")
