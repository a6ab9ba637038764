"""Forms of the administrator's area pages: uploads, a neighbour, thresholds, memberships."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import IntegerField, SelectField, SelectMultipleField
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.forms import Form, stripped
from app.monitoring.uploads import MAX_UPLOAD_BYTES

TOO_LARGE = _l("The file is larger than 5 MB.")


def _file(label, required: bool = True) -> FileField:
    validators = [FileSize(max_size=MAX_UPLOAD_BYTES, message=TOO_LARGE)]
    if required:
        validators.insert(0, FileRequired(_l("Choose a file.")))
    return FileField(label, validators=validators)


class BoundariesForm(Form):
    boundaries = _file(_l("Boundaries (GeoJSON)"))
    districts = _file(_l("Grouping into districts (CSV, optional)"), required=False)


class GroupingForm(Form):
    districts = _file(_l("Grouping into districts (CSV)"))


class PopulationForm(Form):
    populations = _file(_l("Youth population (CSV)"))


class NeighbourForm(Form):
    publish_with_id = SelectField(_l("Published with"), coerce=int, choices=[], filters=[stripped])


class SettingsForm(Form):
    k = IntegerField(_l("Threshold k"), validators=[InputRequired()])
    min_population = IntegerField(
        _l("Minimum youth population of a published area"), validators=[InputRequired()]
    )


class MembershipForm(Form):
    district_ids = SelectMultipleField(
        _l("Districts"),
        coerce=int,
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=False,  # the service names an unknown district in plain words
    )
