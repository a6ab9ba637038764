"""Fixed publication periods: quarters, half-years, years. Boards never choose free ranges."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

KINDS = ("quarter", "half", "year")
_PATTERN = re.compile(r"^(\d{4})(?:-(Q[1-4]|H[12]))?$")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    kind: str
    label: str

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Period) -> bool:
        return self.start <= other.end and other.start <= self.end

    def months(self) -> list[dt.date]:
        months, day = [], self.start
        while day <= self.end:
            months.append(day)
            day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return months

    def previous(self, count: int = 1) -> list[Period]:
        """The `count` periods of the same kind before this one, oldest first."""
        periods, current = [], self
        for _ in range(count):
            current = parse_period(_shift(current, -1))
            periods.append(current)
        return list(reversed(periods))


def _label(kind: str, year: int, number: int) -> str:
    return {"quarter": f"{year}-Q{number}", "half": f"{year}-H{number}", "year": str(year)}[kind]


def _shift(period: Period, steps: int) -> str:
    per_year = {"quarter": 4, "half": 2, "year": 1}[period.kind]
    months = {"quarter": 3, "half": 6, "year": 12}[period.kind]
    index = period.start.year * per_year + (period.start.month - 1) // months + steps
    year, number = divmod(index, per_year)
    return _label(period.kind, year, number + 1)


def parse_period(label: str) -> Period:
    match = _PATTERN.match((label or "").strip().upper())
    if not match:
        raise PeriodError(label)
    year, part = int(match.group(1)), match.group(2)
    if not 1900 <= year <= 2999:
        raise PeriodError(label)
    if part is None:
        return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), "year", str(year))
    number = int(part[1])
    months = 3 if part[0] == "Q" else 6
    first = dt.date(year, (number - 1) * months + 1, 1)
    last_month = first.month + months - 1
    after = dt.date(year + last_month // 12, last_month % 12 + 1, 1)
    kind = "quarter" if part[0] == "Q" else "half"
    return Period(first, after - dt.timedelta(days=1), kind, _label(kind, year, number))


def period_of(kind: str, day: dt.date) -> Period:
    if kind not in KINDS:
        raise PeriodError(kind)
    months = {"quarter": 3, "half": 6, "year": 12}[kind]
    number = (day.month - 1) // months + 1
    return parse_period(_label(kind, day.year, number))


def last_complete(kind: str, today: dt.date) -> Period:
    return period_of(kind, today).previous(1)[0]
