"""CSV import of area indicator values: all rows or none, with every problem named by line.

The file: a header `area_code,period,indicator_key,value,denominator` (any order), `;` or
`,` between fields, UTF-8 with or without a byte-order mark, a decimal comma or point.
A row for an area, indicator and period that already has a value replaces it.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.areas.models import Area
from app.audit.actor import Actor
from app.audit.services import record
from app.core.errors import DomainError
from app.monitoring.models import IndicatorDefinition, IndicatorValue
from app.monitoring.periods import PeriodError, parse_period

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_REPORTED_PROBLEMS = 50
COLUMNS = ("area_code", "period", "indicator_key", "value", "denominator")
NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
WHOLE = re.compile(r"^\d{1,9}$")


@dataclass(frozen=True)
class ParsedRow:
    line: int
    area_id: int
    indicator_id: int
    period: str
    value: float
    denominator: int | None


class ImportRefused(DomainError):
    """The file was refused; `problems` names each problem (most with its line)."""

    def __init__(self, problems: list) -> None:
        super().__init__(_l("The file was not imported. Nothing was changed."), "file")
        self.problems = problems


@dataclass(frozen=True)
class ImportSummary:
    rows: int
    created: int
    updated: int


def parse_number(text: str) -> float | None:
    """A decimal number with a point or a comma; None when it is not one."""
    text = (text or "").strip()
    if not NUMBER.match(text):
        return None
    number = float(text.replace(",", "."))
    return number if math.isfinite(number) else None


def _decode(data: bytes) -> str:
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportRefused([_l("The file is larger than 5 MB.")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused([_l("The file is not UTF-8 text.")]) from None


def _reader(text: str):
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader, [])]
    if sorted(header) != sorted(COLUMNS):
        raise ImportRefused(
            [_l("Line 1: the header must name the columns %(columns)s.", columns=",".join(COLUMNS))]
        )
    return reader, [header.index(name) for name in COLUMNS]


class _Checker:
    """Checks one row at a time against the areas and indicators that exist."""

    def __init__(self, session: Session) -> None:
        self.areas = {
            code: area_id for code, area_id in session.execute(select(Area.code, Area.id))
        }
        self.indicators = {d.key: d for d in session.scalars(select(IndicatorDefinition))}
        self.seen: dict[tuple[int, int, str], int] = {}
        self.problems: list = []

    def problem(self, line: int, message) -> None:
        self.problems.append(_l("Line %(line)d: %(problem)s", line=line, problem=message))

    def row(self, line: int, cells: list[str]) -> ParsedRow | None:
        code, period_text, key, value_text, denominator_text = (c.strip() for c in cells)
        before = len(self.problems)
        area_id = self.areas.get(code)
        if area_id is None:
            self.problem(line, _l("unknown area code “%(code)s”.", code=code[:40]))
        indicator = self.indicators.get(key)
        if indicator is None:
            self.problem(line, _l("unknown indicator key “%(key)s”.", key=key[:60]))
        period = self._period(line, period_text)
        value = self._value(line, value_text, indicator)
        denominator = self._denominator(line, denominator_text)
        if len(self.problems) > before:
            return None
        identity = (area_id, indicator.id, period)
        if identity in self.seen:
            self.problem(
                line,
                _l(
                    "repeats line %(first)d (same area, indicator and period).",
                    first=self.seen[identity],
                ),
            )
            return None
        self.seen[identity] = line
        return ParsedRow(line, area_id, indicator.id, period, value, denominator)

    def _period(self, line: int, text: str) -> str | None:
        try:
            period = parse_period(text)
        except PeriodError:
            period = None
        if period is None or period.kind not in ("year", "quarter"):
            self.problem(
                line,
                _l(
                    "the period “%(period)s” is not a year (2026) or a quarter (2026-Q1).",
                    period=text[:20],
                ),
            )
            return None
        return period.label

    def _value(self, line: int, text: str, indicator: IndicatorDefinition | None):
        value = parse_number(text)
        if value is None:
            self.problem(line, _l("the value “%(value)s” is not a number.", value=text[:20]))
        elif indicator is not None and indicator.unit == "share" and not 0 <= value <= 1:
            self.problem(
                line,
                _l("a share must be between 0 and 1 (the value is %(value)s).", value=text[:20]),
            )
        elif value < 0:
            self.problem(line, _l("the value must not be negative."))
        return value

    def _denominator(self, line: int, text: str) -> int | None:
        if text == "":
            return None
        if not WHOLE.match(text):
            self.problem(
                line,
                _l(
                    "the denominator “%(value)s” is not a whole number of 0 or more.",
                    value=text[:20],
                ),
            )
            return None
        return int(text)


def parse_values(session: Session, data: bytes) -> list[ParsedRow]:
    """Every row of the file, or ImportRefused naming every problem."""
    text = _decode(data)
    try:
        return _parse(session, text)
    except csv.Error as error:  # a quote never closed, a field over csv's 128 KB limit
        raise ImportRefused([_l("The file cannot be read as CSV.")]) from error


def _parse(session: Session, text: str) -> list[ParsedRow]:
    reader, order = _reader(text)
    checker, rows = _Checker(session), []
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(COLUMNS):
            checker.problem(
                line,
                _l(
                    "expected %(expected)d fields, found %(found)d.",
                    expected=len(COLUMNS),
                    found=len(cells),
                ),
            )
            continue
        parsed = checker.row(line, [cells[index] for index in order])
        if parsed is not None:
            rows.append(parsed)
    if not rows and not checker.problems:
        raise ImportRefused([_l("The file has no rows of values.")])
    if checker.problems:
        shown = checker.problems[:MAX_REPORTED_PROBLEMS]
        hidden = len(checker.problems) - len(shown)
        if hidden:
            shown.append(_l("… and %(n)d more problems.", n=hidden))
        raise ImportRefused(shown)
    return rows


def import_values(session: Session, actor: Actor, data: bytes) -> ImportSummary:
    """Import a CSV of indicator values: every row is checked before anything is written."""
    rows = parse_values(session, data)
    existing = {
        (v.area_id, v.indicator_id, v.period): v
        for v in session.scalars(
            select(IndicatorValue).where(
                IndicatorValue.indicator_id.in_({row.indicator_id for row in rows})
            )
        )
    }
    created = 0
    for row in rows:
        current = existing.get((row.area_id, row.indicator_id, row.period))
        if current is None:
            created += 1
            session.add(
                IndicatorValue(
                    indicator_id=row.indicator_id,
                    area_id=row.area_id,
                    period=row.period,
                    value=row.value,
                    denominator=row.denominator,
                )
            )
        else:
            current.value, current.denominator = row.value, row.denominator
    session.flush()
    summary = ImportSummary(len(rows), created, len(rows) - created)
    record(
        session,
        actor,
        "indicator_values.import",
        object_type="indicator_values",
        details={"rows": summary.rows, "created": summary.created, "updated": summary.updated},
    )
    return summary
