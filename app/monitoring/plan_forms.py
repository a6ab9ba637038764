"""Forms of the action plan and its goals. The rules themselves live in the services."""

from __future__ import annotations

import math

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice, SelectMultipleField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from app.core.forms import Form, NoBidiOverride, clean_text, stripped
from app.monitoring.plan_goals import DIRECTIONS, GOAL_TEXT_MAX, METRICS, GoalInput
from app.monitoring.plans import DESCRIPTION_MAX, TITLE_MAX, PlanInput

# What the conflict page calls each field.
PLAN_LABELS = {
    "district_id": _l("District"),
    "title": _l("Title"),
    "first_year": _l("First year"),
    "last_year": _l("Last year"),
    "description": _l("Description"),
    "focus_areas": _l("Focus areas"),
}
GOAL_LABELS = {
    "text": _l("Goal"),
    "metric": _l("Measured by"),
    "indicator_key": _l("Indicator"),
    "category": _l("Concern category"),
    "unit_code": _l("Where"),
    "baseline": _l("Baseline"),
    "target": _l("Target"),
    "direction": _l("Direction"),
}


def number_or_none(text: str | None) -> float | None:
    """A decimal number with a comma or a point (Danish users type 4,5)."""
    text = (text or "").strip().replace(" ", "")
    if not text:
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class DecimalText:
    """Refuse text that is not a number, with a message in the reader's language."""

    def __call__(self, form, field) -> None:
        if (field.data or "").strip() and number_or_none(field.data) is None:
            raise ValidationError(_l("Write a number, for example 4,5."))


def conflict_rows(labels: dict, mine: dict, current: dict) -> list[tuple]:
    """(name, label, mine, saved now, differs) per field, as _macros/conflict.html reads them."""
    return [(n, labels[n], mine[n], current[n], mine[n] != current[n]) for n in labels]


def seen_version(form) -> int:
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        return -1


class PlanForm(Form):
    version = HiddenField()
    district_id = SelectField(_l("District"), choices=[], filters=[stripped])
    title = StringField(
        _l("Title"), filters=[clean_text], validators=[Length(max=TITLE_MAX), NoBidiOverride()]
    )
    first_year = IntegerField(
        _l("First year"), validators=[Optional(), NumberRange(min=2000, max=2100)]
    )
    last_year = IntegerField(
        _l("Last year"), validators=[Optional(), NumberRange(min=2000, max=2100)]
    )
    description = TextAreaField(
        _l("Description"),
        filters=[clean_text],
        validators=[Length(max=DESCRIPTION_MAX), NoBidiOverride()],
    )
    focus_areas = SelectMultipleField(_l("Focus areas"), choices=[], validate_choice=False)

    def to_input(self) -> PlanInput:
        district = self.district_id.data or ""
        return PlanInput(
            district_id=int(district) if district.isdigit() else None,
            title=self.title.data or "",
            first_year=self.first_year.data,
            last_year=self.last_year.data,
            description=self.description.data or "",
            focus_areas=tuple(self.focus_areas.data or ()),
        )


class GoalForm(Form):
    version = HiddenField()
    text = TextAreaField(
        _l("Goal"),
        filters=[clean_text],
        validators=[Length(max=GOAL_TEXT_MAX), NoBidiOverride()],
    )
    metric = SelectField(
        _l("Measured by"),
        choices=[SelectChoice(key, label) for key, label in METRICS.items()],
        default="concerns_rate",
    )
    indicator_key = SelectField(_l("Indicator"), choices=[], default="")
    category = SelectField(_l("Concern category"), choices=[], default="")
    unit_code = SelectField(_l("Where"), choices=[])
    baseline_release_id = SelectField(_l("Baseline from a release"), choices=[], default="")
    baseline = StringField(_l("Baseline, typed"), filters=[stripped], validators=[DecimalText()])
    target = StringField(_l("Target"), filters=[stripped], validators=[DecimalText()])
    direction = SelectField(
        _l("Direction"),
        choices=[SelectChoice(key, label) for key, label in DIRECTIONS.items()],
        default="down",
    )

    def to_input(self) -> GoalInput:
        release = self.baseline_release_id.data or ""
        return GoalInput(
            text=self.text.data or "",
            metric=self.metric.data,
            indicator_key=self.indicator_key.data or None,
            category=self.category.data or None,
            unit_code=self.unit_code.data or None,
            baseline=number_or_none(self.baseline.data),
            target=number_or_none(self.target.data),
            direction=self.direction.data,
            baseline_release_id=int(release) if release.isdigit() else None,
        )


class RemoveGoalForm(Form):
    version = HiddenField()
