"""Forms of the coordinator's assessment pages: requests, corrections, the judgement.

Forms check shape (required, format, length); the services enforce the rules (due date
range, active users, which requests may change). A row of assessors left empty is ignored.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import DateField, FieldList, FormField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from app.assessments.corrections import REASON_MAX_LENGTH
from app.assessments.judgements import LEVEL_LABELS, REASONS_MAX_LENGTH
from app.assessments.queries import SETTING_KIND_LABELS
from app.assessments.requests import (
    EMAIL,
    NAME_MAX_LENGTH,
    QUESTION_MAX_LENGTH,
    SETTING_MAX_LENGTH,
    AssessorInput,
)
from app.auth.models import User
from app.auth.roles import Role
from app.core.forms import Form, NoBidiOverride, clean_text, stripped

ASSESSOR_ROWS = 4
CONTACT_LABELS = {
    "daily": _l("Daily"),
    "weekly": _l("Weekly"),
    "monthly": _l("Monthly"),
    "rarely": _l("Rarely"),
}
KNOWN_FOR_LABELS = {
    "under_3_months": _l("Under 3 months"),
    "3_to_12_months": _l("3 to 12 months"),
    "over_1_year": _l("Over a year"),
}


class AssessorRowForm(Form):
    class Meta:
        csrf = False  # part of the request form, which carries the token

    user_id = SelectField(
        _l("Existing user"), choices=[], validate_choice=False, default="", filters=[stripped]
    )
    name = StringField(
        _l("Name"),
        filters=[clean_text],
        validators=[Optional(), Length(max=NAME_MAX_LENGTH), NoBidiOverride()],
    )
    email = StringField(
        _l("E-mail"),
        filters=[clean_text],
        validators=[Optional(), Length(max=254), NoBidiOverride()],
    )
    setting = StringField(
        _l("Their setting"),
        filters=[clean_text],
        validators=[Optional(), Length(max=SETTING_MAX_LENGTH), NoBidiOverride()],
    )
    setting_kind = SelectField(
        _l("Kind of setting"),
        choices=[SelectChoice(key, label) for key, label in SETTING_KIND_LABELS.items()],
        default="school",
    )

    def is_empty(self) -> bool:
        return not (self.user_id.data or self.name.data or self.email.data or self.setting.data)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.is_empty():
            return valid
        if self.user_id.data and not (self.user_id.data.isdigit() and len(self.user_id.data) < 10):
            self.user_id.errors.append(_l("Choose an active user."))
            valid = False
        if not self.user_id.data:
            if not self.name.data:
                self.name.errors.append(_l("Write the name."))
                valid = False
            if not EMAIL.match(self.email.data or ""):
                self.email.errors.append(_l("Write a valid e-mail address."))
                valid = False
        if not self.setting.data:
            self.setting.errors.append(_l("Write the assessor's school, club or institution."))
            valid = False
        return valid

    def assessor_input(self) -> AssessorInput:
        user_id = int(self.user_id.data) if self.user_id.data else None
        return AssessorInput(
            self.name.data or "",
            self.email.data or "",
            self.setting.data or "",
            self.setting_kind.data,
            user_id,
        )


class RequestForm(Form):
    question = TextAreaField(
        _l("The question to the assessors"),
        filters=[clean_text],
        validators=[
            DataRequired(message=_l("Write the question.")),
            Length(max=QUESTION_MAX_LENGTH),
            NoBidiOverride(),
        ],
    )
    due_on = DateField(_l("Due date"), validators=[DataRequired(message=_l("Give a due date."))])
    assessors = FieldList(
        FormField(AssessorRowForm), min_entries=ASSESSOR_ROWS, max_entries=ASSESSOR_ROWS
    )

    def filled_rows(self) -> list[tuple[int, AssessorRowForm]]:
        return [
            (index, entry.form)
            for index, entry in enumerate(self.assessors.entries)
            if not entry.form.is_empty()
        ]

    def set_user_choices(self, session: Session) -> None:
        """Active users who may be asked by their account: assessors and committee members."""
        users = session.execute(
            select(User.id, User.full_name)
            .where(
                User.active.is_(True), User.role.in_([Role.ASSESSOR.value, Role.COMMITTEE.value])
            )
            .order_by(User.full_name)
        ).all()
        options = [SelectChoice("", _l("Not a user: type name and e-mail"))] + [
            SelectChoice(str(uid), name) for uid, name in users
        ]
        for entry in self.assessors.entries:
            entry.form.user_id.choices = options


class CorrectionForm(Form):
    """The reason; the answers themselves come from the instrument's fields (content.py)."""

    reason = TextAreaField(
        _l("Why is the assessment corrected?"),
        filters=[clean_text],
        validators=[Optional(), Length(max=REASON_MAX_LENGTH), NoBidiOverride()],
    )


class JudgementForm(Form):
    worry = SelectField(
        _l("The committee's worry (0–10)"),
        choices=[SelectChoice("", "—")] + [SelectChoice(str(n), str(n)) for n in range(11)],
        default="",
    )
    level = SelectField(
        _l("Level"),
        choices=[SelectChoice("", "—")]
        + [SelectChoice(key, label) for key, label in LEVEL_LABELS.items()],
        default="",
    )
    reasons = TextAreaField(
        _l("Reasons"),
        filters=[clean_text],
        validators=[Optional(), Length(max=REASONS_MAX_LENGTH), NoBidiOverride()],
    )

    def worry_value(self) -> int | None:
        return int(self.worry.data) if self.worry.data else None
