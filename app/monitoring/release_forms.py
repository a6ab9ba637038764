"""The form that freezes a release for one fixed period."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import InputRequired

from app.core.forms import Form
from app.monitoring.periods import Period, last_complete


def publishable_periods(today: dt.date, years: int = 3) -> list[Period]:
    """Ended quarters, half-years and years of the last few years, newest first."""
    periods: list[Period] = []
    for kind, count in (("quarter", 4 * years), ("half", 2 * years), ("year", years)):
        newest = last_complete(kind, today)
        periods.extend([newest, *reversed(newest.previous(count - 1))])
    return sorted(periods, key=lambda p: (p.end, p.kind != "quarter"), reverse=True)


class PublishForm(Form):
    period = SelectField(_l("Period"), validators=[InputRequired()])

    def offer(self, today: dt.date) -> PublishForm:
        self.period.choices = [(p.label, p.label) for p in publishable_periods(today)]
        return self
