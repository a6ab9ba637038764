"""Read models of the indicator pages that boards read: over time, and the classification."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flask_babel import format_decimal, format_percent
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.areas.models import Area, District
from app.audit.actor import Actor
from app.core.errors import DomainError
from app.monitoring.access import district_scope
from app.monitoring.classification import (
    classes_for_year,
    classified_years,
    label_of,
    rules,
)
from app.monitoring.indicator_chart import MAX_LINES, Chart, build_chart
from app.monitoring.indicators import (
    IndicatorFigure,
    definitions,
    indicator_series,
    name_of,
    period_sort_key,
)
from app.monitoring.models import IndicatorDefinition
from app.monitoring.settings import thresholds


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "share":
        return format_percent(value, "#,##0.0%")
    if unit == "rate":
        return format_decimal(value, "#,##0.0")
    return format_decimal(value, "#,##0.#")


def scoped_areas(session: Session, actor: Actor) -> list[tuple[Area, str]]:
    """The areas the reader looks at (their districts', or all), with the district's name."""
    query = select(Area, District.name).join(District, District.id == Area.district_id)
    scope = district_scope(session, actor)
    if scope is not None:
        query = query.where(Area.district_id.in_([d.id for d in scope]))
    return [
        (area, name) for area, name in session.execute(query.order_by(District.name, Area.name))
    ]


@dataclass
class OverTime:
    indicator: IndicatorDefinition
    k: int
    periods: list[str]
    rows: list[tuple[Area, str, dict[str, IndicatorFigure]]]  # area, district, by period
    selected: list[str]
    chart: Chart


def _default_selection(series: dict, higher_is_worse: bool) -> list[str]:
    """The areas whose latest shown value is the most worrying, for the first look."""
    latest = {
        code: [f.value for _p, f in figures if f.shown][-1]
        for code, figures in series.items()
        if any(f.shown for _p, f in figures)
    }
    ordered = sorted(latest, key=lambda code: latest[code], reverse=higher_is_worse)
    return ordered[:MAX_LINES]


def over_time(
    session: Session, actor: Actor, indicator: IndicatorDefinition, wanted: list[str]
) -> OverTime:
    """The indicator per area over every period, with a chart of up to six areas."""
    k = thresholds(session).k
    areas = scoped_areas(session, actor)
    series = indicator_series(session, indicator.key, [a.code for a, _d in areas], k)
    periods = sorted(
        {label for figures in series.values() for label, _f in figures}, key=period_sort_key
    )
    selected = [code for code in wanted if code in series][:MAX_LINES]
    selected = selected or _default_selection(series, indicator.higher_is_worse)
    names = {area.code: area.name for area, _d in areas}
    chart = build_chart(
        periods, series, names, selected, lambda value: format_value(value, indicator.unit)
    )
    rows = [(area, district, dict(series.get(area.code, []))) for area, district in areas]
    return OverTime(indicator, k, periods, rows, selected, chart)


@dataclass
class ClassificationPage:
    years: list[int]
    year: int | None
    rows: list[tuple[Area, str, tuple[str, str, list[dict]] | None]]
    names: dict[str, str]
    units: dict[str, str]
    links: list[tuple[int, str]]  # every indicator's over-time page: id, name
    summary: list[tuple[str, int]]  # class label, number of areas shown, in rule order


def classification_page(session: Session, actor: Actor, year_text: str | None):
    """Areas with their class for a year (default: the latest), and the reasons."""
    years = classified_years(session)
    year = years[0] if years else None
    if year_text:
        if not year_text.isdigit() or int(year_text) not in years:
            raise DomainError(_l("There is no classification for that year."), "year")
        year = int(year_text)
    classes = classes_for_year(session, year) if year is not None else {}
    known = definitions(session)
    rows = [
        (area, district, classes.get(area.code)) for area, district in scoped_areas(session, actor)
    ]
    counted = Counter(found[1] for _a, _d, found in rows if found is not None)
    return ClassificationPage(
        years=years,
        year=year,
        rows=[
            (area, district, classes.get(area.code))
            for area, district in scoped_areas(session, actor)
        ],
        names={d.key: name_of(d) for d in known},
        units={d.key: d.unit for d in known},
        links=[(d.id, name_of(d)) for d in known],
        summary=[(label, counted[label]) for label in _labels_in_order(session, counted)],
    )


def _labels_in_order(session: Session, counted: Counter) -> list[str]:
    ordered = list(dict.fromkeys(label_of(rule) for rule in rules(session)))
    return [label for label in ordered if label in counted] + sorted(
        label for label in counted if label not in ordered
    )
