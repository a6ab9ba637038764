from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.auth.passwords import MAX_LENGTH
from app.core.forms import Form, NoBidiOverride, clean_text


class LoginForm(Form):
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(), Length(max=254)], filters=[clean_text]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    next = HiddenField()


class CodeForm(Form):
    code = StringField(
        _l("Six-digit code"),
        validators=[DataRequired(), Length(min=6, max=12)],
        filters=[clean_text],
    )


class ForgotPasswordForm(Form):
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)], filters=[clean_text]
    )


class NewPasswordForm(Form):
    password = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])


class ApiTokenForm(Form):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=100), NoBidiOverride()],
        filters=[clean_text],
    )


class LanguageForm(Form):
    # Plain values (the labels live in app.core.i18n.LANGUAGE_NAMES): tuple choices are
    # deprecated in WTForms 3.3 and raised under the test suite's warnings-as-errors.
    locale = SelectField(choices=["da", "en"])
    next = HiddenField()


class ConfirmForm(Form):
    """A form with nothing but the CSRF token, for POST-only buttons."""

    confirm = BooleanField(default=True)
