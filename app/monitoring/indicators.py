"""Area indicators from other sources (BoSocData-like): definitions and what boards read.

Values come in by CSV (app/monitoring/indicator_import.py). A value is shown to a board only
where its denominator is at least k (disclosure.share_allowed); a hidden value is passed on
as "not shown", never as a number, and neither is its small denominator.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.areas.models import Area
from app.audit.actor import Actor
from app.audit.services import record
from app.core.errors import DomainError
from app.monitoring.disclosure import share_allowed
from app.monitoring.models import IndicatorDefinition, IndicatorValue
from app.monitoring.periods import Period, PeriodError, parse_period

KEY_PATTERN = re.compile(r"^[a-z0-9_]{1,60}$")
UNITS = ("share", "rate", "count")
UNIT_LABELS = {"share": _l("Share (0 to 1)"), "rate": _l("Per 1,000"), "count": _l("Count")}
NAME_MAX_LENGTH = 200
SOURCE_MAX_LENGTH = 300
DEFINITION_MAX_LENGTH = 4000


@dataclass(frozen=True)
class IndicatorFigure:
    area_code: str
    value: float | None
    denominator: int | None
    shown: bool


@dataclass(frozen=True)
class DefinitionInput:
    key: str
    name_da: str
    name_en: str
    definition_da: str = ""
    definition_en: str = ""
    source: str = ""
    unit: str = "share"
    higher_is_worse: bool = True


def english() -> bool:
    return str(get_locale() or "da").startswith("en")


def name_of(definition: IndicatorDefinition) -> str:
    return definition.name_en if english() else definition.name_da


def definition_text_of(definition: IndicatorDefinition) -> str:
    return definition.definition_en if english() else definition.definition_da


def definitions(session: Session) -> list[IndicatorDefinition]:
    return list(session.scalars(select(IndicatorDefinition).order_by(IndicatorDefinition.key)))


def definition_by_key(session: Session, key: str) -> IndicatorDefinition | None:
    return session.scalar(select(IndicatorDefinition).where(IndicatorDefinition.key == key))


def _required(value: str, field: str, limit: int, message) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise DomainError(message, field)
    if len(text) > limit:
        raise DomainError(_l("At most %(n)d characters.", n=limit), field)
    return text


def _checked(session: Session, data: DefinitionInput, current: IndicatorDefinition | None):
    key = (data.key or "").strip()
    if not KEY_PATTERN.match(key):
        raise DomainError(_l("Use lower-case letters a-z, digits and _ only (at most 60)."), "key")
    other = definition_by_key(session, key)
    if other is not None and other is not current:
        raise DomainError(_l("Another indicator already has this key."), "key")
    if current is not None and key != current.key:
        # Rules and plans refer to an indicator by its key.
        raise DomainError(_l("The key cannot be changed once the indicator exists."), "key")
    if data.unit not in UNITS:
        raise DomainError(_l("Choose a unit."), "unit")
    texts = ((data.definition_da, "definition_da"), (data.definition_en, "definition_en"))
    for text, field in texts:
        if len(text or "") > DEFINITION_MAX_LENGTH:
            raise DomainError(_l("At most %(n)d characters.", n=DEFINITION_MAX_LENGTH), field)
    return key


def save_definition(
    session: Session,
    actor: Actor,
    data: DefinitionInput,
    definition: IndicatorDefinition | None = None,
) -> IndicatorDefinition:
    """Create an indicator definition, or change one (its key stays)."""
    key = _checked(session, data, definition)
    name_da = _required(data.name_da, "name_da", NAME_MAX_LENGTH, _l("Write the Danish name."))
    name_en = _required(data.name_en, "name_en", NAME_MAX_LENGTH, _l("Write the English name."))
    source = " ".join((data.source or "").split())
    if len(source) > SOURCE_MAX_LENGTH:
        raise DomainError(_l("At most %(n)d characters.", n=SOURCE_MAX_LENGTH), "source")
    created = definition is None
    if definition is None:
        definition = IndicatorDefinition(key=key)
        session.add(definition)
    definition.name_da, definition.name_en, definition.source = name_da, name_en, source
    definition.definition_da = (data.definition_da or "").strip()
    definition.definition_en = (data.definition_en or "").strip()
    definition.unit, definition.higher_is_worse = data.unit, bool(data.higher_is_worse)
    session.flush()
    record(
        session,
        actor,
        "indicator.create" if created else "indicator.update",
        object_type="indicator",
        object_id=definition.id,
        details={"key": key},
    )
    return definition


def value_counts(session: Session) -> dict[str, dict[str, int]]:
    """How many area values each indicator (key) has per period, for the administrator."""
    rows = session.execute(
        select(IndicatorDefinition.key, IndicatorValue.period, func.count(IndicatorValue.id))
        .join(IndicatorValue, IndicatorValue.indicator_id == IndicatorDefinition.id)
        .group_by(IndicatorDefinition.key, IndicatorValue.period)
    ).all()
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for key, period, count in rows:
        counts[key][period] = count
    return {key: dict(sorted(periods.items())) for key, periods in counts.items()}


def figure(area_code: str, value: float, denominator: int | None, k: int) -> IndicatorFigure:
    if share_allowed(denominator, k):
        return IndicatorFigure(area_code, value, denominator, True)
    return IndicatorFigure(area_code, None, None, False)


def _values_by_area(
    session: Session, indicator_key: str, area_codes: list[str] | None = None
) -> dict[str, list[tuple[str, float, int | None]]]:
    query = (
        select(Area.code, IndicatorValue.period, IndicatorValue.value, IndicatorValue.denominator)
        .join(Area, Area.id == IndicatorValue.area_id)
        .join(IndicatorDefinition, IndicatorDefinition.id == IndicatorValue.indicator_id)
        .where(IndicatorDefinition.key == indicator_key)
    )
    if area_codes is not None:
        query = query.where(Area.code.in_(area_codes))
    by_area: dict[str, list[tuple[str, float, int | None]]] = defaultdict(list)
    for code, period, value, denominator in session.execute(query):
        by_area[code].append((period, value, denominator))
    return by_area


def _rank(candidate: Period, wanted: Period) -> tuple | None:
    """Order of preference for `wanted`: itself, the year holding it, then the latest before."""
    if candidate.start > wanted.end:
        return None  # after the period asked for
    return (
        candidate == wanted,
        candidate.contains(wanted),
        candidate.end,
        candidate.kind == wanted.kind,
    )


def _best(values: list[tuple[str, float, int | None]], wanted: Period):
    ranked = []
    for label, value, denominator in values:
        try:
            rank = _rank(parse_period(label), wanted)
        except PeriodError:
            continue
        if rank is not None:
            ranked.append((rank, value, denominator))
    return max(ranked, key=lambda item: item[0]) if ranked else None


def indicator_layer(
    session: Session, indicator_key: str, period: str, k: int
) -> dict[str, IndicatorFigure]:
    """The indicator by area code for a period (or the latest period not after it).

    Areas without any value up to the period are absent; a value whose denominator is under
    k is present with `shown` False and neither value nor denominator.
    """
    wanted = parse_period(period)
    layer = {}
    for code, values in _values_by_area(session, indicator_key).items():
        best = _best(values, wanted)
        if best is not None:
            layer[code] = figure(code, best[1], best[2], k)
    return layer


def period_sort_key(label: str) -> tuple[int, int]:
    """Years before their own quarters: 2025, 2025-Q1, ..., 2025-Q4, 2026."""
    year, _, quarter = label.partition("-Q")
    return int(year), int(quarter or 0)


def indicator_series(
    session: Session, indicator_key: str, area_codes: list[str], k: int
) -> dict[str, list[tuple[str, IndicatorFigure]]]:
    """Every period's figure per area code, periods ascending."""
    series = {}
    for code, values in _values_by_area(session, indicator_key, list(area_codes)).items():
        ordered = sorted(values, key=lambda item: period_sort_key(item[0]))
        series[code] = [(label, figure(code, value, den, k)) for label, value, den in ordered]
    return series
