"""Forms of the meeting planning pages: plan, agenda, members and the weekly schedule."""

from __future__ import annotations

from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from app.core.forms import Form, NoBidiOverride, clean_text
from app.meetings.schedule import LOCATION_MAX_LENGTH

# Ids go into integer columns: anything larger is refused here, not by the database.
LARGEST_ID = 2**31 - 1


def parse_id(value: object) -> int | None:
    """A positive database id from '42' or '#42'; None for anything else."""
    text = str(value or "").strip().lstrip("#").strip()
    if not text.isdigit() or not text.isascii():
        return None
    number = int(text)
    return number if 1 <= number <= LARGEST_ID else None


class DatabaseId:
    def __init__(self, message: object) -> None:
        self.message = message

    def __call__(self, form, field) -> None:
        if parse_id(field.data) is None:
            raise ValidationError(self.message)


class PlanForm(Form):
    held_on = DateField(_l("Date"), validators=[Optional()])


class AddCaseForm(Form):
    case_id = StringField(
        _l("Case number"),
        filters=[clean_text],
        validators=[InputRequired(), DatabaseId(_l("Write a case number, e.g. 42."))],
    )
    next = HiddenField()

    def case_number(self) -> int:
        return parse_id(self.case_id.data)  # type: ignore[return-value]


class MoveForm(Form):
    direction = HiddenField(validators=[InputRequired()])


class AddMemberForm(Form):
    user_id = SelectField(
        _l("Committee member"),
        choices=[],
        validate_choice=False,  # the service decides who may attend
        validators=[InputRequired(), DatabaseId(_l("Choose a committee member."))],
    )

    def user_number(self) -> int:
        return parse_id(self.user_id.data)  # type: ignore[return-value]


def weekday_choices() -> list[SelectChoice]:
    """Monday..Sunday in the reader's language (Babel's names; Monday = 0 as in datetime)."""
    names = get_day_names("wide", locale=str(get_locale() or "da"))
    return [SelectChoice(str(day), names[day].capitalize()) for day in range(7)]


class ScheduleForm(Form):
    weekday = SelectField(_l("Weekday"), choices=[], validators=[InputRequired()])
    start_time = TimeField(_l("Start time"), format="%H:%M", validators=[InputRequired()])
    duration_minutes = IntegerField(
        _l("Duration in minutes"), validators=[InputRequired(), NumberRange(min=15, max=480)]
    )
    location = StringField(
        _l("Location"),
        filters=[clean_text],
        validators=[Optional(), Length(max=LOCATION_MAX_LENGTH), NoBidiOverride()],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.weekday.choices = weekday_choices()
