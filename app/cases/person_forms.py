"""The person correction form, and the guardian rows it shares with the intake form.

Forms check shape only (lengths, characters); the services check the rules and say what
is wrong in the user's language.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from app.cases.guardians import (
    EMAIL_MAX,
    GUARDIAN_NAME_MAX,
    GUARDIANS_MAX,
    PHONE_MAX,
    RELATIONS,
    GuardianInput,
)
from app.cases.person_corrections import REASON_MAX
from app.cases.persons import GENDERS, INSTITUTION_MAX, NAME_MAX, PersonInput
from app.core.forms import Form, NoBidiOverride, clean_text

GENDER_LABELS = {
    "female": _l("Female"),
    "male": _l("Male"),
    "other": _l("Other"),
    "unknown": _l("Not known"),
}
GUARDIAN_FIELDS = ("name", "relation", "phone", "email")


def text_field(label, max_length: int, **kwargs):
    validators = [Optional(), Length(max=max_length), NoBidiOverride()]
    return StringField(label, validators=validators, filters=[clean_text], **kwargs)


def gender_field(label) -> SelectField:
    return SelectField(
        label,
        choices=[SelectChoice(g, GENDER_LABELS[g]) for g in reversed(GENDERS)],
        default="unknown",
    )


def add_guardian_fields(cls, prefix: str = "", person: int | None = None) -> None:
    """Rows `<prefix>g<n>_name|relation|phone|email`; the labels say which row (and person)."""
    for row in range(1, GUARDIANS_MAX + 1):
        names = {"n": row, "p": person}
        if person is None:
            labels = (
                _l("Guardian %(n)d: name", **names),
                _l("Guardian %(n)d: relation", **names),
                _l("Guardian %(n)d: phone", **names),
                _l("Guardian %(n)d: e-mail", **names),
            )
        else:
            labels = (
                _l("Guardian %(n)d of new person %(p)d: name", **names),
                _l("Guardian %(n)d of new person %(p)d: relation", **names),
                _l("Guardian %(n)d of new person %(p)d: phone", **names),
                _l("Guardian %(n)d of new person %(p)d: e-mail", **names),
            )
        start = f"{prefix}g{row}_"
        setattr(cls, start + "name", text_field(labels[0], GUARDIAN_NAME_MAX))
        setattr(
            cls,
            start + "relation",
            SelectField(
                labels[1],
                choices=[SelectChoice(k, v) for k, v in RELATIONS.items()],
                default="guardian",
            ),
        )
        setattr(cls, start + "phone", text_field(labels[2], PHONE_MAX))
        setattr(cls, start + "email", text_field(labels[3], EMAIL_MAX))


def guardian_rows(form, prefix: str = "") -> list[GuardianInput]:
    """Every row as entered, empty ones included: the service drops those and names the rest."""
    if f"{prefix}g1_name" not in form:
        return []
    return [
        GuardianInput(*(form[f"{prefix}g{row}_{name}"].data or "" for name in GUARDIAN_FIELDS))
        for row in range(1, GUARDIANS_MAX + 1)
    ]


def guardian_row_used(form, prefix: str = "") -> bool:
    return any(
        form[f"{prefix}g{row}_{name}"].data
        for row in range(1, GUARDIANS_MAX + 1)
        for name in ("name", "phone", "email")
        if f"{prefix}g{row}_{name}" in form
    )


GUARDIAN_FIELD = re.compile(r"(^|_)g\d+_")


def has_guardian_errors(form) -> bool:
    return any(field.errors for field in form if GUARDIAN_FIELD.search(field.name))


class PersonForm(Form):
    """The correction form: the record's fields, its guardians and the reason."""

    version = HiddenField(validators=[InputRequired()])
    first_name = text_field(_l("First name"), NAME_MAX)
    last_name = text_field(_l("Last name"), NAME_MAX)
    cpr = text_field(_l("CPR number"), 11)
    birth_date = DateField(_l("Birth date"), validators=[Optional()])
    gender = gender_field(_l("Gender"))
    area_id = SelectField(
        _l("Area of residence"), coerce=int, choices=[], validate_choice=False, default=0
    )
    institution = text_field(_l("School or institution"), INSTITUTION_MAX)
    reason = TextAreaField(
        _l("Reason for the correction"),
        filters=[clean_text],
        validators=[Optional(), Length(max=REASON_MAX), NoBidiOverride()],
    )

    def seen_version(self) -> int:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return -1

    def person_input(self) -> PersonInput:
        return PersonInput(
            first_name=self.first_name.data or "",
            last_name=self.last_name.data or "",
            cpr=self.cpr.data or None,
            birth_date=self.birth_date.data,
            gender=self.gender.data,
            area_id=self.area_id.data or None,
            institution=self.institution.data or None,
            guardians=guardian_rows(self),
        )

    def entered(self) -> dict:
        """What the user typed, as the conflict page shows it beside the saved values."""
        data = self.person_input()
        values = {name: getattr(data, name) for name in ("first_name", "last_name", "cpr")}
        values.update(
            birth_date=data.birth_date,
            gender=data.gender,
            area_id=data.area_id,
            institution=data.institution,
            guardians=[g.as_dict() for g in data.guardians if g.name or g.phone or g.email],
        )
        return values


add_guardian_fields(PersonForm)


def form_for(person) -> PersonForm:
    """The form filled with the record as it is now, and the version it was read at."""
    values = dict(
        version=str(person.version),
        first_name=person.first_name,
        last_name=person.last_name,
        cpr=person.cpr or "",
        birth_date=person.birth_date,
        gender=person.gender,
        area_id=person.area_id or 0,
        institution=person.institution or "",
    )
    for row, guardian in enumerate(person.guardians[:GUARDIANS_MAX], 1):
        values.update(
            {
                f"g{row}_name": guardian.name,
                f"g{row}_relation": guardian.relation,
                f"g{row}_phone": guardian.phone or "",
                f"g{row}_email": guardian.email or "",
            }
        )
    return PersonForm(formdata=None, **values)
