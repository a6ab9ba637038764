"""Forms of the indicator pages: they check shape; the services check the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.core.forms import Form, NoBidiOverride, clean_text, stripped
from app.monitoring.classification import MAX_CONDITIONS, OPS, Condition, RuleInput
from app.monitoring.indicator_import import parse_number
from app.monitoring.indicators import UNIT_LABELS, DefinitionInput


def _text(label, required_message=None, limit: int = 200, area: bool = False):
    validators = [DataRequired(message=required_message)] if required_message else [Optional()]
    field_class = TextAreaField if area else StringField
    return field_class(
        label, filters=[clean_text], validators=[*validators, Length(max=limit), NoBidiOverride()]
    )


class DefinitionForm(Form):
    key = _text(_l("Key"), _l("Write the key."), 60)
    name_da = _text(_l("Name in Danish"), _l("Write the Danish name."))
    name_en = _text(_l("Name in English"), _l("Write the English name."))
    definition_da = _text(_l("Definition in Danish"), limit=4000, area=True)
    definition_en = _text(_l("Definition in English"), limit=4000, area=True)
    source = _text(_l("Source"), limit=300)
    unit = SelectField(_l("Unit"), choices=[SelectChoice(k, v) for k, v in UNIT_LABELS.items()])
    higher_is_worse = BooleanField(_l("A higher value is worse"), default=True)

    def definition_input(self) -> DefinitionInput:
        return DefinitionInput(
            key=self.key.data or "",
            name_da=self.name_da.data or "",
            name_en=self.name_en.data or "",
            definition_da=self.definition_da.data or "",
            definition_en=self.definition_en.data or "",
            source=self.source.data or "",
            unit=self.unit.data,
            higher_is_worse=bool(self.higher_is_worse.data),
        )


class ImportForm(Form):
    file = FileField(_l("CSV file"), validators=[FileRequired(message=_l("Choose a CSV file."))])


class ConditionRowForm(Form):
    class Meta:
        csrf = False  # part of the rule form, which carries the token

    indicator = SelectField(
        _l("Indicator"), choices=[], validate_choice=False, filters=[stripped], default=""
    )
    op = SelectField(_l("Comparison"), choices=[SelectChoice(op, op) for op in OPS], default=OPS[0])
    threshold = StringField(
        _l("Threshold"), filters=[clean_text], validators=[Optional(), Length(max=30)]
    )

    def is_empty(self) -> bool:
        return not (self.indicator.data or self.threshold.data)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.is_empty():
            return valid
        if not self.indicator.data:
            self.indicator.errors.append(_l("Choose an indicator."))
            valid = False
        if parse_number(self.threshold.data or "") is None:
            self.threshold.errors.append(_l("Write a number, e.g. 0.10 or 40."))
            valid = False
        return valid


class RuleForm(Form):
    class_key = _text(_l("Class key"), _l("Write the class key."), 40)
    label_da = _text(_l("Label in Danish"), _l("Write the label."), 120)
    label_en = _text(_l("Label in English"), _l("Write the label."), 120)
    position = IntegerField(
        _l("Position (lower is tried first)"),
        default=10,
        validators=[InputRequired(), NumberRange(min=0, max=10000)],
    )
    min_conditions = IntegerField(
        _l("Conditions that must hold"),
        default=1,
        validators=[InputRequired(), NumberRange(min=1, max=4)],
    )
    conditions = FieldList(
        FormField(ConditionRowForm), min_entries=MAX_CONDITIONS, max_entries=MAX_CONDITIONS
    )

    def set_indicator_choices(self, keys_and_names: list[tuple[str, str]]) -> None:
        choices = [SelectChoice("", _l("(none)"))] + [
            SelectChoice(key, f"{name} ({key})") for key, name in keys_and_names
        ]
        for entry in self.conditions.entries:
            entry.form.indicator.choices = choices

    def rule_input(self) -> RuleInput:
        conditions = [
            Condition(row.indicator.data, row.op.data, parse_number(row.threshold.data))
            for row in (entry.form for entry in self.conditions.entries)
            if not row.is_empty()
        ]
        return RuleInput(
            class_key=self.class_key.data or "",
            label_da=self.label_da.data or "",
            label_en=self.label_en.data or "",
            position=self.position.data or 0,
            min_conditions=self.min_conditions.data or 0,
            conditions=conditions,
        )


class ClassifyForm(Form):
    year = IntegerField(
        _l("Year"),
        validators=[DataRequired(message=_l("Give a year.")), NumberRange(min=1900, max=2999)],
    )
