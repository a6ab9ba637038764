from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length

from app.auth.roles import ORGANISATION_TYPE_LABELS, ROLE_LABELS
from app.core.forms import Form, NoBidiOverride, clean_text


class UserForm(Form):
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)], filters=[clean_text]
    )
    full_name = StringField(
        _l("Full name"),
        validators=[DataRequired(), Length(max=200), NoBidiOverride()],
        filters=[clean_text],
    )
    role = SelectField(
        _l("Role"), choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()]
    )
    organisation_id = SelectField(_l("Organisation"), coerce=int, choices=[])


class RoleForm(Form):
    role = SelectField(
        _l("Role"), choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()]
    )
    organisation_id = SelectField(_l("Organisation"), coerce=int, choices=[])


class OrganisationForm(Form):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=200), NoBidiOverride()],
        filters=[clean_text],
    )
    type = SelectField(
        _l("Type"),
        choices=[SelectChoice(t.value, label) for t, label in ORGANISATION_TYPE_LABELS.items()],
    )
    is_section_115_party = BooleanField(_l("Registered § 115 party (may take part in SSP cases)"))
