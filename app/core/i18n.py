"""Danish by default, English on request; the choice follows the user."""

from __future__ import annotations

from flask import current_app, session
from flask_login import current_user

LANGUAGE_NAMES = {"da": "Dansk", "en": "English"}


def select_locale() -> str:
    supported = current_app.config["TIDLIG_LOCALES"]
    if current_user and current_user.is_authenticated and current_user.locale in supported:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in supported:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]
