"""Forms of the case list, the case page, its edit form, status change and purpose."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.cases.case_services import VIEW_MAX_LENGTH
from app.cases.policy import PURPOSE_MAX_LENGTH, PURPOSE_MIN_LENGTH
from app.cases.queries import AGE_BANDS
from app.cases.workflow import ALLOWED, CLOSE_REASON_LABELS, STATUS_LABELS, Status
from app.core.forms import Form, NoBidiOverride, clean_text

YES_NO = [
    SelectChoice("", _l("Not recorded")),
    SelectChoice("yes", _l("Yes")),
    SelectChoice("no", _l("No")),
]


def tri_state(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def tri_state_value(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def optional_int(value: str | None) -> int | None:
    return int(value) if value not in (None, "") else None


class CaseFilterForm(Form):
    class Meta:
        csrf = False  # a GET filter changes nothing

    status = SelectField(
        _l("Status"),
        choices=[SelectChoice("", _l("All"))]
        + [SelectChoice(status.value, label) for status, label in STATUS_LABELS.items()],
        default="",
    )
    district_id = SelectField(_l("District"), choices=[], default="")
    area_id = SelectField(_l("Area"), choices=[], default="")
    age_band = SelectField(
        _l("Age"),
        choices=[SelectChoice("", _l("All"))]
        + [SelectChoice(key, label) for key, label, _y, _o in AGE_BANDS],
        default="",
    )
    category_id = SelectField(_l("Category"), choices=[], default="")
    overdue = BooleanField(_l("Follow-up overdue"))
    mine = BooleanField(_l("Assigned to me"))
    # Their labels name the municipality's thresholds (set by prompt_labels).
    inactive = BooleanField(_l("No activity for a long time"))
    over_age = BooleanField(_l("Reached the age limit"))
    page = IntegerField(
        _l("Page"), validators=[Optional(), NumberRange(min=1, max=100000)], default=1
    )


class CaseEditForm(Form):
    version = HiddenField(validators=[InputRequired()])
    assigned_to_id = SelectField(_l("Assigned coordinator"), choices=[], default="")
    next_review_on = DateField(_l("Next review"), validators=[Optional()])
    parents_informed = SelectField(_l("Parents told"), choices=YES_NO, default="")
    parents_view = TextAreaField(
        _l("The parents' view"),
        filters=[clean_text],
        validators=[Optional(), Length(max=VIEW_MAX_LENGTH), NoBidiOverride()],
    )
    young_person_informed = SelectField(_l("Young person told"), choices=YES_NO, default="")
    young_person_view = TextAreaField(
        _l("The young person's view"),
        filters=[clean_text],
        validators=[Optional(), Length(max=VIEW_MAX_LENGTH), NoBidiOverride()],
    )

    def seen_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None

    def changes(self) -> dict:
        return {
            "assigned_to_id": optional_int(self.assigned_to_id.data),
            "next_review_on": self.next_review_on.data,
            "parents_informed": tri_state(self.parents_informed.data),
            "parents_view": self.parents_view.data or None,
            "young_person_informed": tri_state(self.young_person_informed.data),
            "young_person_view": self.young_person_view.data or None,
        }


STATUS_PLACEHOLDER = SelectChoice("", _l("Choose the new status"))


class StatusForm(Form):
    version = HiddenField(validators=[InputRequired()])
    # Any status is accepted here; whether the case may go there is the workflow's decision
    # (a DomainError for a step ALLOWED does not have).
    status = SelectField(
        _l("New status"),
        choices=[STATUS_PLACEHOLDER]
        + [SelectChoice(status.value, label) for status, label in STATUS_LABELS.items()],
        validators=[DataRequired()],
        default="",
    )
    reason = SelectField(
        _l("Reason for closing"),
        choices=[SelectChoice("", "—")]
        + [SelectChoice(reason.value, label) for reason, label in CLOSE_REASON_LABELS.items()],
        default="",
    )

    @classmethod
    def for_case(cls, case) -> StatusForm:
        """The case page's form: only the statuses the case may go to next, none chosen."""
        form = cls(formdata=None, version=case.version)
        allowed = ALLOWED[Status(case.status)]
        form.status.choices = [STATUS_PLACEHOLDER] + [
            SelectChoice(status.value, label)
            for status, label in STATUS_LABELS.items()
            if status in allowed
        ]
        return form


class PurposeForm(Form):
    purpose = TextAreaField(
        _l("Purpose"),
        filters=[clean_text],
        validators=[
            DataRequired(),
            Length(min=PURPOSE_MIN_LENGTH, max=PURPOSE_MAX_LENGTH),
            NoBidiOverride(),
        ],
    )
