"""Danish by default, English on request; the choice follows the user."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from babel.dates import tokenize_pattern
from flask import current_app, has_request_context, session
from flask_login import current_user

LANGUAGE_NAMES = {"da": "Dansk", "en": "English"}

T = TypeVar("T")


def per_locale(build: Callable[[], T]) -> Callable[[], T]:
    """`build()` once per language, for labels that are the same on every request in it.

    A translation costs some 25 µs through Flask-Babel; a list page asking for the same
    thirty labels on every request spent a millisecond on them.
    """
    built: dict[str, T] = {}

    def cached() -> T:
        from flask_babel import get_locale

        locale = str(get_locale() or "")
        found = built.get(locale)
        if found is None:
            found = built[locale] = build()
        return found

    return cached


def select_locale() -> str:
    supported = current_app.config["TIDLIG_LOCALES"]
    if not has_request_context():  # a command line job: the municipality's language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in supported:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in supported:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


# Numeric date fields of a CLDR pattern as Babel formats them: zero-padded to the letter
# count, and "yy" the last two digits of the year.
_NUMERIC_FIELDS = {
    ("d", 1): "%(d)d",
    ("d", 2): "%(d)02d",
    ("M", 1): "%(M)d",
    ("M", 2): "%(M)02d",
    ("y", 1): "%(y)d",
    ("y", 2): "%(yy)02d",
    ("y", 4): "%(y)04d",
}


def compile_numeric_date_pattern(pattern: str) -> Callable[[dt.date], str] | None:
    """A formatter for an all-numeric date pattern ("dd.MM.y"), or None for any other.

    Babel's DateTimePattern.apply builds a formatter object per call; a list of 50 rows with
    two dates each spent most of its date time there. Same output (see the tests).
    """
    parts = []
    for kind, value in tokenize_pattern(pattern):
        if kind == "chars":
            parts.append(value.replace("%", "%%"))
        elif kind == "field" and value in _NUMERIC_FIELDS:
            parts.append(_NUMERIC_FIELDS[value])
        else:
            return None
    template = "".join(parts)
    return lambda day: (
        template
        % {
            "d": day.day,
            "M": day.month,
            "y": day.year,
            "yy": day.year % 100,
        }
    )
