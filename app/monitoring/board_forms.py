"""The board pages' query forms (GET, no CSRF: they change nothing).

A value that is not one of the offered choices falls back to the default instead of
failing: a link edited by hand shows the default view, never an error page.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from app.core.forms import Form
from app.monitoring.board_options import RATE
from app.monitoring.release_reader import MUNICIPALITY


def as_choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def dimension_choices() -> list[SelectChoice]:
    return as_choices(
        [("category", _l("Category")), ("age_band", _l("Age band")), ("gender", _l("Gender"))]
    )


class QueryForm(Form):
    class Meta:
        csrf = False  # a GET view changes nothing

    release = SelectField(_l("Period"), choices=[], default="")

    def settle(self) -> bool:
        """Validate; replace every invalid value by its default. True when one was replaced."""
        if self.validate():
            return False
        for field in self:
            if field.errors:
                # object_data: the default the view passed in (or the field's own default)
                field.data = field.object_data
                field.errors = []
        return True


class DashboardForm(QueryForm):
    layer = SelectField(_l("Layer"), choices=[], default=RATE)
    scope = SelectField(_l("Area"), choices=[], default=MUNICIPALITY)
    sort = SelectField(
        _l("Order of the table"),
        choices=as_choices([("name", _l("By name")), ("value", _l("By value, highest first"))]),
        default="name",
    )


class CrossForm(QueryForm):
    rows = SelectField(_l("Rows"), choices=dimension_choices(), default="category")
    cols = SelectField(_l("Columns"), choices=dimension_choices(), default="age_band")

    def settle(self) -> bool:
        replaced = super().settle()
        if self.rows.data == self.cols.data:
            self.rows.data, self.cols.data = self.rows.default, self.cols.default
            replaced = True
        return replaced


class CrosstabForm(CrossForm):
    unit = SelectField(_l("District"), choices=[], default=MUNICIPALITY)
