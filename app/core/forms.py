"""Shared form pieces: strings are trimmed and stripped of NUL and other control characters."""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

ALLOWED_CONTROLS = {"\n", "\t"}


def clean_text(value: object) -> object:
    if not isinstance(value, str):
        return value
    value = "".join(
        ch for ch in value if ch in ALLOWED_CONTROLS or unicodedata.category(ch) != "Cc"
    )
    return value.strip()


class NoBidiOverride:
    """Bidirectional override characters can disguise text; refuse them in names and e-mails."""

    BIDI = {
        "\u202a",
        "\u202b",
        "\u202c",
        "\u202d",
        "\u202e",
        "\u2066",
        "\u2067",
        "\u2068",
        "\u2069",
    }

    def __call__(self, form, field) -> None:
        if isinstance(field.data, str) and any(ch in self.BIDI for ch in field.data):
            raise ValidationError(_l("This field contains characters that are not allowed."))


def safe_next(target: str | None) -> str:
    """Only a local path: '//host', 'https:host' and backslash tricks fall back to '/'."""
    if not target or not isinstance(target, str):
        return "/"
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(ch) < 32 for ch in target) or ":" in target.split("?", 1)[0]:
        return "/"
    return target
