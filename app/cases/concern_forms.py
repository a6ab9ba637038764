"""Forms for recording and reporting concerns. They check shape; the services check rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from app.cases.concerns import (
    LEGAL_BASES,
    NARRATIVE_MAX,
    NOTE_MAX,
    NOTIFICATIONS,
    PLACE_MAX,
    REPORTER_TYPES,
)
from app.cases.person_forms import add_guardian_fields, gender_field
from app.cases.persons import INSTITUTION_MAX, NAME_MAX
from app.core.forms import Form, NoBidiOverride, clean_text

NEW_PERSON_ROWS = 3
UNANSWERED = "unanswered"


def _text(label, max_length: int, required: bool = False, **kwargs):
    validators = [InputRequired()] if required else [Optional()]
    validators += [Length(max=max_length), NoBidiOverride()]
    return StringField(label, validators=validators, filters=[clean_text], **kwargs)


class ConcernFields(Form):
    occurred_on = DateField(_l("Date of what happened"), validators=[InputRequired()])
    area_id = SelectField(
        _l("Area where it happened"), coerce=int, choices=[], validate_choice=False
    )
    place = _text(_l("Place (optional)"), PLACE_MAX)
    reporter_type = SelectField(
        _l("Reported by"), choices=[SelectChoice(k, v) for k, v in REPORTER_TYPES.items()]
    )
    categories = SelectMultipleField(_l("Categories"), choices=[], validate_choice=False)
    narrative = TextAreaField(
        _l("What happened"),
        filters=[clean_text],
        validators=[InputRequired(), Length(max=NARRATIVE_MAX)],
    )
    legal_basis = SelectField(
        _l("Legal basis for sharing"), choices=[SelectChoice(k, v) for k, v in LEGAL_BASES.items()]
    )
    legal_basis_note = _text(_l("Note on the legal basis"), NOTE_MAX)
    notification = SelectField(
        _l("Notification to child services (barnets lov § 133)"),
        choices=[SelectChoice(UNANSWERED, _l("Not answered yet"))]
        + [SelectChoice(k, v) for k, v in NOTIFICATIONS.items()],
        default=UNANSWERED,
    )


def _add_person_rows(cls) -> None:
    for row in range(1, NEW_PERSON_ROWS + 1):
        prefix = f"p{row}_"
        setattr(
            cls, prefix + "first_name", _text(_l("First name (new person %(n)d)", n=row), NAME_MAX)
        )
        setattr(
            cls, prefix + "last_name", _text(_l("Last name (new person %(n)d)", n=row), NAME_MAX)
        )
        setattr(cls, prefix + "cpr", _text(_l("CPR number (new person %(n)d)", n=row), 11))
        setattr(
            cls,
            prefix + "birth_date",
            DateField(_l("Birth date (new person %(n)d)", n=row), validators=[Optional()]),
        )
        setattr(cls, prefix + "gender", gender_field(_l("Gender (new person %(n)d)", n=row)))
        setattr(
            cls,
            prefix + "area_id",
            SelectField(
                _l("Area of residence (new person %(n)d)", n=row),
                coerce=int,
                choices=[],
                validate_choice=False,
            ),
        )
        setattr(
            cls,
            prefix + "institution",
            _text(_l("School or institution (new person %(n)d)", n=row), INSTITUTION_MAX),
        )


class ReportForm(ConcernFields):
    """A professional's report: new persons only (reporters cannot search the register)."""


_add_person_rows(ReportForm)


class ConcernForm(ReportForm):
    """The coordinator's intake: existing persons found by search, or new ones."""

    search_name = _text(_l("Search by name"), 200)
    search_born = DateField(_l("Birth date"), validators=[Optional()])
    search_cpr = _text(_l("Or CPR number"), 11)
    person_ids = SelectMultipleField(
        _l("Persons already registered"), coerce=int, choices=[], validate_choice=False
    )
    confirm_new = SelectMultipleField(
        _l("These are new persons"), coerce=int, choices=[], validate_choice=False
    )


# Guardians only at the coordinator's intake: a professional's report stays about the child.
for _row in range(1, NEW_PERSON_ROWS + 1):
    add_guardian_fields(ConcernForm, prefix=f"p{_row}_", person=_row)


class AcceptForm(Form):
    concern_id = HiddenField(validators=[InputRequired()])


class MergeForm(Form):
    keep_id = HiddenField(validators=[InputRequired()])
    merge_id = HiddenField(validators=[InputRequired()])


class NotificationForm(Form):
    concern_id = HiddenField(validators=[InputRequired()])
    notification = SelectField(
        _l("Notification to child services"),
        choices=[SelectChoice(k, v) for k, v in NOTIFICATIONS.items()],
    )
