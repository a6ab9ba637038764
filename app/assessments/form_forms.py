"""The assessor's forms: CSRF, the decline choice, and the shape check of posted answers.

The answers themselves are read by `content.from_form`, which silently leaves out values of
the wrong shape (a draft must never fail). A person who posts such values (a tampered or
outdated page, text longer than allowed) is told so here, field by field, with a 422.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from app.assessments import content
from app.assessments.answering import DECLINE_REASONS
from app.assessments.instrument import Instrument
from app.core.forms import Form

CONTACT_LABELS = {
    "daily": _l("Daily"),
    "weekly": _l("Weekly"),
    "monthly": _l("Monthly"),
    "rarely": _l("Less often"),
}
KNOWN_FOR_LABELS = {
    "under_3_months": _l("Less than 3 months"),
    "3_to_12_months": _l("3–12 months"),
    "over_1_year": _l("More than a year"),
}
DECLINE_LABELS = {
    "not_known_well_enough": _l("I do not know the child well enough"),
    "not_my_setting": _l("This is not my setting"),
}
PART_LABELS = {
    "answer": _l("Answer"),
    "unknown_reason": _l("Why you do not know"),
    "evidence": _l("What you have observed"),
    "source": _l("Source"),
    "confidence": _l("How sure you are"),
}
OTHER_LABELS = {
    "contact": _l("How often you see the child"),
    "known_for": _l("How long you have known the child"),
    "worry": _l("Your overall worry (0–10)"),
    "worry_reason": _l("Why this worry"),
    "acknowledge_notice": _l("Duty to notify"),
}
# Fields answered with radio buttons: an error summary links to the first button.
RADIO_PARTS = ("answer", "unknown_reason")
RADIO_FIELDS = ("contact", "known_for")
NOT_A_CHOICE = _l("Choose one of the options shown.")


class AnswerForm(Form):
    """Only the CSRF token: the answers' fields come from the instrument (see content.py)."""


class DeclineForm(Form):
    reason = RadioField(
        _l("Why do you decline?"),
        choices=[SelectChoice(key, DECLINE_LABELS[key]) for key in DECLINE_REASONS],
        validators=[InputRequired(message=_l("Choose a reason."))],
    )


@dataclass(frozen=True)
class SummaryItem:
    target: str  # the id of the input the summary's link moves focus to
    label: str
    message: str


def _allowed(instrument: Instrument) -> dict[str, tuple[str, ...]]:
    allowed: dict[str, tuple[str, ...]] = {
        "contact": content.CONTACT_CHOICES,
        "known_for": content.KNOWN_FOR_CHOICES,
        "worry": tuple(str(n) for n in content.WORRY_RANGE),
    }
    for domain in instrument.domains:
        allowed[content.field_name(domain.key, "answer")] = content.ANSWERS
        allowed[content.field_name(domain.key, "unknown_reason")] = tuple(
            instrument.unknown_reasons
        )
        allowed[content.field_name(domain.key, "source")] = tuple(instrument.sources)
        allowed[content.field_name(domain.key, "confidence")] = tuple(instrument.confidence)
    return allowed


def _limits(instrument: Instrument) -> dict[str, int]:
    limits = {"worry_reason": content.REASON_MAX_LENGTH}
    for domain in instrument.domains:
        limits[content.field_name(domain.key, "evidence")] = content.EVIDENCE_MAX_LENGTH
    return limits


def shape_problems(instrument: Instrument, data: Mapping[str, str]) -> list[content.Problem]:
    """Values no page of ours offers, and text over its length: refused with a message."""
    problems = []
    for name, choices in _allowed(instrument).items():
        value = (data.get(name) or "").strip()
        if value and value not in choices:
            problems.append(content.Problem(name, NOT_A_CHOICE))
    for name, limit in _limits(instrument).items():
        text = (data.get(name) or "").replace("\r\n", "\n").strip()
        if len(text) > limit:
            problems.append(content.Problem(name, _l("At most %(n)d characters.", n=limit)))
    return problems


def first_input_id(instrument: Instrument, field: str) -> str:
    """The id of the input that an error summary's link for `field` should focus."""
    if field in RADIO_FIELDS:
        choices = content.CONTACT_CHOICES if field == "contact" else content.KNOWN_FOR_CHOICES
        return f"{field}-{choices[0]}"
    key, _sep, part = field.partition("-")
    if part == "answer":
        return f"{field}-{content.ANSWERS[0]}"
    if part == "unknown_reason":
        return f"{field}-{next(iter(instrument.unknown_reasons))}"
    return field


def field_label(instrument: Instrument, field: str, locale: str) -> str:
    if field in OTHER_LABELS:
        return str(OTHER_LABELS[field])
    key, _sep, part = field.partition("-")
    domain = instrument.domain(key)
    if domain is None or part not in PART_LABELS:
        return field
    return f"{domain.label(locale)} – {PART_LABELS[part]}"


def summary(instrument: Instrument, problems, locale: str) -> list[SummaryItem]:
    return [
        SummaryItem(
            first_input_id(instrument, p.field),
            field_label(instrument, p.field, locale),
            str(p.message),
        )
        for p in problems
    ]


def errors_by_field(problems) -> dict[str, str]:
    """The first message for each field, shown next to it."""
    errors: dict[str, str] = {}
    for problem in problems:
        errors.setdefault(problem.field, str(problem.message))
    return errors


def _worry_label(level: int) -> str:
    if level == 0:
        return str(_l("0 – no worry"))
    if level == max(content.WORRY_RANGE):
        return str(_l("%(n)d – very serious worry", n=level))
    return str(level)


def choices(instrument: Instrument, locale: str) -> dict[str, list[tuple[str, str]]]:
    """Every choice on the form as (value, label) in the page's language."""
    return {
        "unknown_reason": [(k, t(locale)) for k, t in instrument.unknown_reasons.items()],
        "source": [(k, t(locale)) for k, t in instrument.sources.items()],
        "confidence": [(k, t(locale)) for k, t in instrument.confidence.items()],
        "contact": [(k, str(CONTACT_LABELS[k])) for k in content.CONTACT_CHOICES],
        "known_for": [(k, str(KNOWN_FOR_LABELS[k])) for k in content.KNOWN_FOR_CHOICES],
        "worry": [(str(n), _worry_label(n)) for n in content.WORRY_RANGE],
    }


def as_strings(values: Mapping) -> dict[str, str]:
    """Saved or posted values as the strings the page compares its options with."""
    plain = values.to_dict() if hasattr(values, "to_dict") else dict(values)
    return {key: str(value) for key, value in plain.items() if value is not None}
