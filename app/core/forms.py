"""Shared form pieces: strings are trimmed and stripped of NUL and other control characters.

Every form derives from `Form`, which takes WTForms' own messages ("This field is
required.") from Tidlig's catalogue: WTForms ships no Danish translation of its own.
"""

from __future__ import annotations

import unicodedata

from flask import current_app, has_request_context
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import Select, html_params

ALLOWED_CONTROLS = {"\n", "\t"}


def stripped(value: object) -> object:
    """Surrounding whitespace off a select's value (ids and keys), nothing else."""
    return value.strip() if isinstance(value, str) else value


def clean_text(value: object) -> object:
    if not isinstance(value, str):
        return value
    value = "".join(
        ch for ch in value if ch in ALLOWED_CONTROLS or unicodedata.category(ch) != "Cc"
    )
    return value.strip()


class CatalogueTranslations:
    """WTForms' translations interface, answered from Tidlig's catalogue in the current locale.

    Not flask_babel.ngettext: that formats with `num`, and WTForms formats the text itself.
    Outside a request (no locale to choose) the English text stands, as in Flask-WTF.
    """

    def gettext(self, string: str) -> str:
        if not has_request_context():
            return string
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if not has_request_context():
            return singular if n == 1 else plural
        return get_translations().ungettext(singular, plural, n)


class Form(FlaskForm):
    """The base of every Tidlig form."""

    class Meta:
        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return CatalogueTranslations()


def _wtforms_messages() -> None:  # pragma: no cover - never called; read by `pybabel extract`
    """WTForms' messages that Tidlig's fields and validators can show, so they get translated."""
    from flask_babel import gettext, ngettext

    gettext("This field is required.")
    gettext("Invalid email address.")
    gettext("Not a valid choice.")
    gettext("Invalid Choice: could not coerce.")
    gettext("Not a valid integer value.")
    gettext("Not a valid date value.")
    gettext("Field must be between %(min)d and %(max)d characters long.")
    gettext("Number must be at least %(min)s.")
    gettext("Number must be at most %(max)s.")
    gettext("Number must be between %(min)s and %(max)s.")
    ngettext(
        "Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long.",
        1,
    )
    ngettext(
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
        1,
    )
    ngettext(
        "Field must be exactly %(max)d character long.",
        "Field must be exactly %(max)d characters long.",
        1,
    )


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


class QuickSelect(Select):
    """WTForms' Select with the same HTML, for long option lists rendered on every request.

    WTForms re-parses the choices twice and builds each option through html_params and
    Markup.format (~35 µs an option); the case list's filters have some 50 options. Plain
    SelectChoice lists without groups or per-option attributes take the direct path here;
    anything else is left to WTForms.
    """

    def __call__(self, field, **kwargs):
        choices = field.choices
        if self.multiple or not isinstance(choices, list) or field.flags.required:
            return super().__call__(field, **kwargs)
        if not all(
            type(c) is SelectChoice and c.optgroup is None and not c.render_kw for c in choices
        ):
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        html = [f"<select {html_params(name=field.name, **kwargs)}>"]
        coerce, data = field.coerce, field.data
        for choice in choices:
            selected = "selected " if coerce(choice.value) == data else ""
            label = escape(choice.label or choice.value)
            html.append(f'<option {selected}value="{escape(choice.value)}">{label}</option>')
        html.append("</select>")
        # Every value and label above went through escape(); the rest is literal markup.
        return Markup("".join(html))  # noqa: S704  # nosec B704


def safe_next(target: str | None) -> str:
    """Only a local path: '//host', 'https:host' and backslash tricks fall back to '/'."""
    if not target or not isinstance(target, str):
        return "/"
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(ch) < 32 for ch in target) or ":" in target.split("?", 1)[0]:
        return "/"
    return target
