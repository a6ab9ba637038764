"""One table of a release for the API (GIS tools, spreadsheets): rows × columns of labels.

rows=area: the areas in scope (of one district, or all), against one dimension or the total.
rows=<dimension>: a district or the municipality, by that dimension, against another one or
the total. Only fixed releases exist: a parameter that is not one of ours (a free date range,
say) is refused rather than ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.monitoring.exports import ScopedRelease, UnitNotFound, published
from app.monitoring.models import ALL, Release, ReleaseUnit
from app.monitoring.release_labels import DimensionLabels
from app.monitoring.release_reader import (
    DIMENSIONS,
    MISSING,
    MUNICIPALITY,
    Figure,
    breakdown,
    crosstab,
    figures,
)

AREA = "area"
ROW_CHOICES = (AREA, *DIMENSIONS)
COL_CHOICES = DIMENSIONS
TABLE_PARAMETERS = ("rows", "cols", "unit")
UNIT_MAX_LENGTH = 80


class TableError(ValueError):
    """The parameters do not describe a table; `fields` says what is wrong with which."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("invalid table parameters")
        self.fields = fields


@dataclass(frozen=True)
class TableRequest:
    rows: str
    cols: str | None
    unit: str


def unknown_parameters(args: Mapping[str, str], allowed: tuple[str, ...]) -> dict[str, str]:
    return {
        name: _("Unknown parameter: publications cover fixed periods only.")
        for name in args
        if name not in allowed
    }


def choice_message(choices: tuple[str, ...]) -> str:
    return _("Choose one of: %(choices)s.", choices=", ".join(choices))


def parse_table_request(args: Mapping[str, str]) -> TableRequest:
    fields = unknown_parameters(args, TABLE_PARAMETERS)
    rows, cols = args.get("rows", ""), args.get("cols") or None
    unit = args.get("unit") or MUNICIPALITY
    if rows not in ROW_CHOICES:
        fields["rows"] = choice_message(ROW_CHOICES)
    if cols is not None and cols not in COL_CHOICES:
        fields["cols"] = choice_message(COL_CHOICES)
    elif cols is not None and cols == rows:
        fields["cols"] = _("Choose a dimension other than the rows'.")
    if len(unit) > UNIT_MAX_LENGTH:
        fields["unit"] = _("A unit code has at most %(length)d characters.", length=UNIT_MAX_LENGTH)
    if fields:
        raise TableError(fields)
    return TableRequest(rows, cols, unit)


def release_json(release: Release) -> dict:
    return {
        "id": release.id,
        "label": release.label,
        "period_kind": release.period_kind,
        "period_start": release.period_start.isoformat(),
        "period_end": release.period_end.isoformat(),
        "version": release.version,
        "k": release.k,
        "created_at": release.created_at.isoformat() if release.created_at else None,
    }


def _summary_unit(scoped: ScopedRelease, code: str) -> ReleaseUnit:
    """A district or the municipality in the reader's scope; areas have no cross-tables."""
    unit = scoped.unit(code)
    if unit.level == AREA:
        raise UnitNotFound(code)
    return unit


def _area_grid(session: Session, scoped: ScopedRelease, request: TableRequest, labels):
    areas = [
        unit
        for unit in scoped.areas()
        if request.unit == MUNICIPALITY or unit.parent_code == request.unit
    ]
    rows = [(unit.code, unit.name) for unit in areas]
    if request.cols is None:
        totals = figures(session, scoped.release, "concerns", [code for code, _n in rows])
        grid = {(code, ALL): totals.get(code, MISSING) for code, _name in rows}
        return rows, [(ALL, _("All"))], grid
    tables = {code: breakdown(session, scoped.release, code, request.cols) for code, _n in rows}
    cols = labels.choices_for(request.cols, {key for cells in tables.values() for key in cells})
    grid = {
        (code, key): cells.get(key, MISSING) for code, cells in tables.items() for key, _l in cols
    }
    return rows, cols, grid


def _dimension_grid(session: Session, scoped: ScopedRelease, request: TableRequest, labels):
    code = request.unit
    if request.cols is None:
        cells = breakdown(session, scoped.release, code, request.rows)
        rows = labels.choices_for(request.rows, cells)
        return rows, [(ALL, _("All"))], {(key, ALL): figure for key, figure in cells.items()}
    grid = crosstab(session, scoped.release, code, request.rows, request.cols)
    rows = labels.choices_for(request.rows, {row for row, _col in grid})
    cols = labels.choices_for(request.cols, {col for _row, col in grid})
    return rows, cols, grid


def release_table(session: Session, scoped: ScopedRelease, request: TableRequest) -> dict:
    """Raises UnitNotFound for a unit that is not a district or the municipality in scope."""
    unit = _summary_unit(scoped, request.unit)
    labels = DimensionLabels(scoped.release)
    build = _area_grid if request.rows == AREA else _dimension_grid
    rows, cols, grid = build(session, scoped, request, labels)
    cells = []
    for row_key, _row_label in rows:
        for col_key, _col_label in cols:
            figure: Figure = grid.get((row_key, col_key), MISSING)
            shown = published(figure, scoped.k)
            cells.append({
                "row": row_key, "col": col_key, "value": shown.number, "label": shown.label,
                "status": shown.status, "rate": shown.rate,
            })  # fmt: skip
    return {
        "release": release_json(scoped.release),
        "unit": {"code": unit.code, "name": unit.name, "level": unit.level},
        "rows": [{"key": key, "label": label} for key, label in rows],
        "cols": [{"key": key, "label": label} for key, label in cols],
        "cells": cells,
    }
