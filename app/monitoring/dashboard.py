"""The board dashboard's page model: the map, the table beside it, totals and early warnings.

Everything comes from one frozen release. A hidden figure travels only as its status: the
map gets the hatch class, the table gets Figure.label ("<k" or "–"), and no rate, share,
sort position or flag is ever derived from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.areas.models import District
from app.monitoring import choropleth
from app.monitoring.board_options import (
    COUNT,
    INDICATOR_PREFIX,
    RATE,
    WHOLE_MUNICIPALITY,
    BoardOptions,
    decimal,
    indicator_definitions,
    indicator_name,
    indicator_text,
    p_value_text,
    whole,
)
from app.monitoring.early_warning import Rise, rises
from app.monitoring.models import Release, ReleaseUnit
from app.monitoring.release_reader import MISSING, MUNICIPALITY, Figure, figures, release_units


@dataclass(frozen=True)
class DashboardQuery:
    release: Release
    layer: str = RATE
    scope: str = MUNICIPALITY
    sort: str = "name"


@dataclass
class TableRow:
    code: str
    name: str
    level: str
    district_name: str = ""
    district_id: int | None = None
    concerns: str = ""
    rate: str = ""
    persons: str = ""
    indicator: str = ""
    class_label: str = ""
    class_reasons: str = ""
    map_state: str = choropleth.HIDDEN
    map_value: float | None = None
    map_text: str = ""
    warning: str = ""


@dataclass
class Dashboard:
    release: Release
    query: DashboardQuery
    layer_label: str
    map: choropleth.ChoroplethMap
    legend: list[tuple[str, str]]
    rows: list[TableRow]
    totals: list[TableRow]
    warnings: list[TableRow] = field(default_factory=list)
    indicator_label: str = ""
    has_classes: bool = False

    @property
    def k(self) -> int:
        return self.release.k


def rate_text(concerns: Figure) -> str:
    if not concerns.shown:
        return _("not shown")
    return decimal(concerns.rate) if concerns.rate is not None else _("no rate")


def rise_text(rise: Rise) -> str:
    """ "12 against an average of 4.5 in the four quarters before; p = 0.003"."""
    values = dict(latest=whole(rise.latest), mean=decimal(rise.mean), p=p_value_text(rise.p_value))
    if rise.period_kind == "half":
        return _(
            "%(latest)s against an average of %(mean)s in the four half-years before; %(p)s",
            **values,
        )
    if rise.period_kind == "year":
        return _(
            "%(latest)s against an average of %(mean)s in the four years before; %(p)s", **values
        )
    return _(
        "%(latest)s against an average of %(mean)s in the four quarters before; %(p)s", **values
    )


def area_classes(session: Session, year: int) -> dict:
    """{area code: (class key, label, reasons)}, or nothing without the classification module."""
    try:
        from app.monitoring.classification import classes_for_year
    except ImportError:
        return {}
    return classes_for_year(session, year) or {}


def reasons_text(reasons, definitions: dict) -> str:
    """The conditions that hold, as "School absence ≥ 10.0 % (12.5 %)"; hidden values omitted."""
    if isinstance(reasons, str):
        return reasons
    parts = []
    for reason in reasons if isinstance(reasons, list) else []:
        if not isinstance(reason, dict) or not reason.get("held"):
            continue
        definition = definitions.get(reason.get("indicator"))
        unit = definition.unit if definition is not None else "rate"
        name = indicator_name(definition) if definition is not None else reason.get("indicator")
        op = "≥" if reason.get("op") == ">=" else "≤"
        text = f"{name} {op} {indicator_text(float(reason.get('threshold') or 0), unit)}"
        if reason.get("status") == "shown" and reason.get("value") is not None:
            text += f" ({indicator_text(float(reason['value']), unit)})"
        parts.append(text)
    return "; ".join(parts)


def in_scope(units: list[ReleaseUnit], scope: str) -> list[ReleaseUnit]:
    if scope == MUNICIPALITY:
        return units
    return [
        u
        for u in units
        if u.level == "municipality"
        or (u.level == "district" and u.code == scope)
        or (u.level == "area" and u.parent_code == scope)
    ]


def _indicator_layer(session: Session, release: Release, key: str):
    from app.monitoring.indicators import indicator_layer

    return indicator_layer(session, key, period=release.label, k=release.k)


def apply_layer(session: Session, release: Release, layer: str, rows: list[TableRow], concerns):
    """Fill each row's map state and value for the chosen layer.

    Returns the layer's label, the indicator column's label and how the legend writes values.
    """
    definition = None
    if layer.startswith(INDICATOR_PREFIX):
        key = layer.removeprefix(INDICATOR_PREFIX)
        definition = next((d for d in indicator_definitions(session) if d.key == key), None)
    if definition is not None:
        layer_figures = _indicator_layer(session, release, definition.key)
        for row in rows:
            found = layer_figures.get(row.code)
            if found is None:
                row.map_state = choropleth.NO_DATA
            elif found.shown and found.value is not None:
                row.indicator = indicator_text(found.value, definition.unit)
                row.map_state, row.map_value, row.map_text = (
                    choropleth.VALUE,
                    found.value,
                    row.indicator,
                )
            else:
                row.indicator = _("not shown")
        name = indicator_name(definition)
        return name, name, lambda value: indicator_text(value, definition.unit)
    for row in rows:
        figure = concerns.get(row.code, MISSING)
        if not figure.shown:
            continue  # stays HIDDEN: nothing about the hidden value reaches the page
        if layer == COUNT:
            row.map_state, row.map_value, row.map_text = (
                choropleth.VALUE,
                figure.value,
                row.concerns,
            )
        elif figure.rate is None:
            row.map_state = choropleth.NO_RATE
        else:
            row.map_state, row.map_value, row.map_text = choropleth.VALUE, figure.rate, row.rate
    if layer == COUNT:
        return _("Concerns"), "", whole
    return _("Concerns per 1,000 young people"), "", decimal


def sort_rows(rows: list[TableRow], sort: str) -> list[TableRow]:
    """By name; by value, the shown values highest first and everything else after by name."""
    by_name = sorted(rows, key=lambda row: (row.name.casefold(), row.code))
    if sort != "value":
        return by_name
    valued = [row for row in by_name if row.map_state == choropleth.VALUE]
    rest = [row for row in by_name if row.map_state != choropleth.VALUE]
    return sorted(valued, key=lambda row: -(row.map_value or 0)) + rest


def build_dashboard(session: Session, options: BoardOptions, query: DashboardQuery) -> Dashboard:
    release = query.release
    if query.scope == WHOLE_MUNICIPALITY:  # a board member looking beyond their districts
        units = release_units(session, release)
    else:
        units = in_scope(release_units(session, release, options.scope), query.scope)
    district_ids = {code: id_ for code, id_ in session.execute(select(District.code, District.id))}
    names = {unit.code: unit.name for unit in units}
    codes = [unit.code for unit in units]
    concerns = figures(session, release, "concerns", codes)
    persons = figures(session, release, "persons", codes)
    classes = area_classes(session, release.period_start.year)
    definitions = {d.key: d for d in indicator_definitions(session)} if classes else {}
    flagged = rises(session, release, [u.code for u in units if u.level != "municipality"])
    rows, totals = [], []
    for unit in units:
        district_code = unit.code if unit.level == "district" else unit.parent_code
        concern = concerns.get(unit.code, MISSING)
        row = TableRow(
            code=unit.code,
            name=unit.name,
            level=unit.level,
            district_name=names.get(district_code or "", "") if unit.level == "area" else "",
            district_id=district_ids.get(district_code or ""),
            concerns=concern.label(release.k),
            rate=rate_text(concern),
            persons=persons.get(unit.code, MISSING).label(release.k),
            warning=rise_text(flagged[unit.code]) if unit.code in flagged else "",
        )
        if unit.code in classes:
            _key, row.class_label, reasons = classes[unit.code]
            row.class_reasons = reasons_text(reasons, definitions)
        (rows if unit.level == "area" else totals).append(row)
    layer_label, indicator_label, fmt = apply_layer(session, release, query.layer, rows, concerns)
    geometry = {unit.code: unit.geometry for unit in units}
    the_map = choropleth.build_map(
        [
            choropleth.MapInput(
                row.code,
                row.name,
                geometry.get(row.code),
                row.map_state,
                row.map_value,
                row.map_text,
                url_for("board.district", district_id=row.district_id, release=release.id)
                if row.district_id
                else None,
            )
            for row in rows
        ],
        integer=query.layer == COUNT,
    )
    shown_values = [row.map_value for row in rows if row.map_state == choropleth.VALUE]
    legend = choropleth.legend_ranges(
        the_map.breaks,
        max(shown_values) if shown_values else None,
        fmt,
    )
    totals.sort(key=lambda row: (row.level == "municipality", row.name.casefold()))
    return Dashboard(
        release=release,
        query=query,
        layer_label=layer_label,
        map=the_map,
        legend=legend,
        rows=sort_rows(rows, query.sort),
        totals=totals,
        warnings=[row for row in sort_rows(rows, "name") + totals if row.warning],
        indicator_label=indicator_label,
        has_classes=bool(classes),
    )
