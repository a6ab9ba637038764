"""Forms of meeting mode and of the recommendation's correction."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.core.forms import Form, NoBidiOverride, clean_text, stripped
from app.meetings.recommendations import (
    MAX_ACTIONS,
    NOTE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    ActionInput,
)
from app.meetings.running import NOTES_MAX_LENGTH

ACTION_ROWS = 4


class CheckForm(Form):
    """Last week's action: done, or not done with a reason (the service checks both)."""

    result = StringField(filters=[clean_text])
    reason = StringField(_l("Why not?"), filters=[clean_text])


class OutcomeForm(Form):
    outcome = StringField(_l("Outcome"), filters=[clean_text])


class AttendanceForm(Form):
    present = SelectMultipleField(_l("Present"), coerce=int, validate_choice=False)


class NotesForm(Form):
    notes = TextAreaField(
        _l("General notes"),
        filters=[clean_text],
        validators=[Optional(), Length(max=NOTES_MAX_LENGTH), NoBidiOverride()],
    )


class ActionRowForm(Form):
    """One action of the recommendation; a row left empty is ignored."""

    class Meta:
        csrf = False  # part of the recommendation form, which carries the token

    action_type_id = SelectField(
        _l("Measure"), choices=[], validate_choice=False, default="", filters=[stripped]
    )
    owner_organisation_id = SelectField(
        _l("Owner"), choices=[], validate_choice=False, default="", filters=[stripped]
    )
    deadline = DateField(_l("Deadline"), validators=[Optional()])
    note = StringField(
        _l("Note"),
        filters=[clean_text],
        validators=[Optional(), Length(max=NOTE_MAX_LENGTH), NoBidiOverride()],
    )

    def is_empty(self) -> bool:
        return not (
            self.action_type_id.data
            or self.owner_organisation_id.data
            or self.deadline.data
            or self.deadline.raw_data
            and any(self.deadline.raw_data)
            or self.note.data
        )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.is_empty():
            return valid
        for name, message in (
            ("action_type_id", _l("Choose a measure from the list.")),
            ("owner_organisation_id", _l("Choose the organisation that owns the action.")),
        ):
            value = getattr(self, name).data
            if not (isinstance(value, str) and value.isdigit() and len(value) < 10):
                getattr(self, name).errors.append(message)
                valid = False
        if self.deadline.data is None and not self.deadline.errors:
            self.deadline.errors.append(_l("Give the action a deadline."))
            valid = False
        return valid

    def action_input(self) -> ActionInput:
        return ActionInput(
            action_type_id=int(self.action_type_id.data),
            owner_organisation_id=int(self.owner_organisation_id.data),
            deadline=self.deadline.data,
            note=self.note.data or "",
        )


class RecommendationForm(Form):
    text = TextAreaField(
        _l("Recommendation"),
        filters=[clean_text],
        validators=[
            DataRequired(message=_l("Write the recommendation.")),
            Length(max=TEXT_MAX_LENGTH),
            NoBidiOverride(),
        ],
    )
    next_review_on = DateField(_l("Follow-up date"), validators=[Optional()])
    actions = FieldList(FormField(ActionRowForm), min_entries=ACTION_ROWS, max_entries=MAX_ACTIONS)

    def filled_rows(self) -> list[tuple[int, ActionRowForm]]:
        """(row number, row) of the rows the user filled in, in order."""
        return [
            (index, entry.form)
            for index, entry in enumerate(self.actions.entries)
            if not entry.form.is_empty()
        ]

    def set_choices(self, measures: list, owners: list) -> None:
        measure_options = [("", "—")] + [(str(i), label) for i, label, _help in measures]
        owner_options = [("", "—")] + [(str(i), name) for i, name in owners]
        for entry in self.actions.entries:
            entry.form.action_type_id.choices = measure_options
            entry.form.owner_organisation_id.choices = owner_options


class RecommendationEditForm(Form):
    version = HiddenField(validators=[InputRequired()])
    text = TextAreaField(
        _l("Recommendation"),
        filters=[clean_text],
        validators=[Length(max=TEXT_MAX_LENGTH), NoBidiOverride()],
    )
    next_review_on = DateField(_l("Follow-up date"), validators=[Optional()])

    def seen_version(self) -> int:
        value = self.version.data or ""
        return int(value) if value.isdigit() and len(value) < 10 else -1

    def values(self) -> dict[str, str | dt.date | None]:
        return {"text": self.text.data or "", "next_review_on": self.next_review_on.data}
