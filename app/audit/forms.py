from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import NumberRange, Optional, Length

from app.core.forms import clean_text


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    user_id = IntegerField(_l("User id"), validators=[Optional(), NumberRange(min=1)])
    action = SelectField(_l("Action"), choices=[], validate_choice=False)
    object_type = StringField(_l("Object type"), validators=[Optional(), Length(max=64)],
                              filters=[clean_text])
    object_id = StringField(_l("Object id"), validators=[Optional(), Length(max=64)],
                            filters=[clean_text])
    outcome = SelectField(
        _l("Outcome"),
        choices=[("", _l("All")), ("ok", _l("Succeeded")), ("denied", _l("Denied")),
                 ("failed", _l("Failed"))],
    )
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=100000)], default=1)
