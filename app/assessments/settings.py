"""Assessment settings read from the app's configuration, for views and commands."""

from __future__ import annotations

import datetime as dt

from flask import current_app

from app.assessments.requests import LinkSettings


def link_settings() -> LinkSettings:
    config = current_app.config
    return LinkSettings(
        base_url=config["TIDLIG_BASE_URL"],
        valid_for=dt.timedelta(days=config["TIDLIG_INVITATION_DAYS"]),
    )


def default_due_on(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=current_app.config["TIDLIG_ASSESSMENT_DUE_DAYS"])


def serious_worry() -> int:
    return current_app.config["TIDLIG_SERIOUS_WORRY"]
