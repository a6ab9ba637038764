from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional

from app.core.forms import Form, clean_text


class AuditFilterForm(Form):
    class Meta:
        csrf = False  # a GET filter changes nothing

    user_id = IntegerField(_l("User id"), validators=[Optional(), NumberRange(min=1)])
    action = SelectField(_l("Action"), choices=[], validate_choice=False)
    object_type = StringField(
        _l("Object type"), validators=[Optional(), Length(max=64)], filters=[clean_text]
    )
    object_id = StringField(
        _l("Object id"), validators=[Optional(), Length(max=64)], filters=[clean_text]
    )
    outcome = SelectField(
        _l("Outcome"),
        choices=[
            SelectChoice("", _l("All")),
            SelectChoice("ok", _l("Succeeded")),
            SelectChoice("denied", _l("Denied")),
            SelectChoice("failed", _l("Failed")),
        ],
        default="",
    )
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    outside_assignment = BooleanField(_l("Only access outside the user's assignment"))
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=100000)], default=1)
