"""A release as an Excel workbook: one sheet per table, the same labels as the board pages.

A cell is written as a number only when the figure is shown; "<k" and "–" are text. Every
text cell is neutralised (app/monitoring/exports.neutralise) and typed as a string, so no
name or label can ever become a formula.
"""

from __future__ import annotations

import io
import re

from flask import current_app
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.orm import Session

from app.audit.actor import Actor
from app.monitoring.exports import (
    PAIRS,
    Published,
    ScopedRelease,
    audit_export,
    disclosure_note,
    neutralise,
    published,
)
from app.monitoring.models import ALL
from app.monitoring.release_labels import DimensionLabels
from app.monitoring.release_reader import DIMENSIONS, MISSING, breakdown, crosstab, figures

SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_LENGTH = 31
BOLD = Font(bold=True)


def _dimension_titles() -> dict[str, str]:
    return {"category": _("Category"), "age_band": _("Age band"), "gender": _("Gender")}


def put_text(sheet: Worksheet, row: int, column: int, text: str | None, bold: bool = False):
    cell = sheet.cell(row=row, column=column)
    cell.value = neutralise(text)
    cell.data_type = "s"  # never "f": a name starting with "=" stays a name
    if bold:
        cell.font = BOLD
    return cell


def put_figure(sheet: Worksheet, row: int, column: int, shown: Published) -> None:
    if shown.number is None:
        put_text(sheet, row, column, shown.label)
    else:
        sheet.cell(row=row, column=column, value=shown.number)


def put_rate(sheet: Worksheet, row: int, column: int, shown: Published) -> None:
    if shown.rate is not None:
        cell = sheet.cell(row=row, column=column, value=round(shown.rate, 1))
        cell.number_format = "0.0"


def put_header(sheet: Worksheet, row: int, titles: list[str]) -> None:
    for column, title in enumerate(titles, start=1):
        put_text(sheet, row, column, title, bold=True)


class SheetNames:
    """Excel's rules for sheet names: 31 characters, none of []:*?/\\, unique."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def __call__(self, wanted: str) -> str:
        base = SHEET_NAME_FORBIDDEN.sub(" ", wanted).strip().strip("'") or "-"
        name, number = base[:SHEET_NAME_LENGTH], 2
        while name.lower() in self.used:
            suffix = f" ({number})"
            name, number = base[: SHEET_NAME_LENGTH - len(suffix)] + suffix, number + 1
        self.used.add(name.lower())
        return name


def _about_sheet(sheet: Worksheet, scoped: ScopedRelease) -> None:
    release = scoped.release
    put_text(sheet, 1, 1, _("Concerns about young people by area"), bold=True)
    facts = [
        (_("Municipality"), current_app.config.get("TIDLIG_MUNICIPALITY", "")),
        (_("Period"), release.label),
        (_("Version"), str(release.version)),
        (_("From"), release.period_start.isoformat()),
        (_("To"), release.period_end.isoformat()),
        (_("Published"), release.created_at.strftime("%Y-%m-%d") if release.created_at else ""),
    ]
    for row, (name, value) in enumerate(facts, start=3):
        put_text(sheet, row, 1, name, bold=True)
        put_text(sheet, row, 2, value)
    put_text(sheet, len(facts) + 4, 1, disclosure_note(release.k))
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 30


def _areas_sheet(session: Session, sheet: Worksheet, scoped: ScopedRelease) -> None:
    release = scoped.release
    units = scoped.ordered_units()
    codes = [unit.code for unit in units]
    concerns = figures(session, release, "concerns", codes)
    persons = figures(session, release, "persons", codes)
    put_header(sheet, 1, [_("Code"), _("Unit"), _("Level"), _("District"), _("Concerns"),
                          _("Rate per 1,000 young people"), _("Young people")])  # fmt: skip
    levels = {"municipality": _("Municipality"), "district": _("District"), "area": _("Area")}
    for row, unit in enumerate(units, start=2):
        total = published(concerns.get(unit.code, MISSING), release.k)
        put_text(sheet, row, 1, unit.code)
        put_text(sheet, row, 2, unit.name)
        put_text(sheet, row, 3, levels.get(unit.level, unit.level))
        put_text(sheet, row, 4, scoped.district_name(unit))
        put_figure(sheet, row, 5, total)
        put_rate(sheet, row, 6, total)
        put_figure(sheet, row, 7, published(persons.get(unit.code, MISSING), release.k))
    sheet.column_dimensions["B"].width = 30


def _dimension_sheet(
    session: Session, sheet: Worksheet, scoped: ScopedRelease, labels: DimensionLabels, dimension
) -> None:
    release = scoped.release
    units = scoped.ordered_units()
    tables = {unit.code: breakdown(session, release, unit.code, dimension) for unit in units}
    choices = labels.choices_for(dimension, {key for cells in tables.values() for key in cells})
    put_header(sheet, 1, [_("Code"), _("Unit"), *(label for _key, label in choices)])
    for row, unit in enumerate(units, start=2):
        cells = tables[unit.code]
        put_text(sheet, row, 1, unit.code)
        put_text(sheet, row, 2, unit.name)
        for column, (key, _label) in enumerate(choices, start=3):
            put_figure(sheet, row, column, published(cells.get(key, MISSING), release.k))
    sheet.column_dimensions["B"].width = 30


def _crosstab_sheet(
    session: Session, sheet: Worksheet, scoped: ScopedRelease, labels: DimensionLabels, unit
) -> None:
    release = scoped.release
    titles = _dimension_titles()
    put_text(sheet, 1, 1, unit.name, bold=True)
    row = 3
    for rows, cols in PAIRS:
        cells = crosstab(session, release, unit.code, rows, cols)
        put_text(sheet, row, 1, f"{titles[rows]} × {titles[cols]}", bold=True)
        row += 1
        row_choices = labels.choices_for(rows, {row_key for row_key, _col in cells})
        col_choices = labels.choices_for(cols, {col_key for _row, col_key in cells})
        put_header(sheet, row, ["", *(label for _key, label in col_choices)])
        for row_key, row_label in row_choices:
            row += 1
            put_text(sheet, row, 1, row_label, bold=row_key == ALL)
            for column, (col_key, _label) in enumerate(col_choices, start=2):
                found = cells.get((row_key, col_key), MISSING)
                put_figure(sheet, row, column, published(found, release.k))
        row += 2
    sheet.column_dimensions["A"].width = 24


def workbook_bytes(session: Session, scoped: ScopedRelease) -> bytes:
    labels = DimensionLabels(scoped.release)
    names = SheetNames()
    book = Workbook()
    about = book.active
    about.title = names(_("About"))
    _about_sheet(about, scoped)
    _areas_sheet(session, book.create_sheet(names(_("Areas"))), scoped)
    dimension_sheets = {
        "category": _("By category"),
        "age_band": _("By age band"),
        "gender": _("By gender"),
    }
    for dimension in DIMENSIONS:
        sheet = book.create_sheet(names(dimension_sheets[dimension]))
        _dimension_sheet(session, sheet, scoped, labels, dimension)
    for unit in scoped.summary_units():
        sheet = book.create_sheet(names(unit.name))
        _crosstab_sheet(session, sheet, scoped, labels, unit)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_xlsx(session: Session, actor: Actor, scoped: ScopedRelease) -> bytes:
    body = workbook_bytes(session, scoped)
    audit_export(session, actor, scoped.release, "xlsx")
    return body
