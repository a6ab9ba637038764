"""The effect view: how cases develop after an AVA recommendation, by recommended measure.

The feeding side (app/meetings/effect_feed.py) hands in one `EffectFact` per case and
recommended action type, with no name and no date of birth. `effect_table` turns the facts
into count cells keyed like release cells, with the additive lines and inequalities the
disclosure control needs; the release builder protects them together with the concern
tables. `effect_page` reads a published release back for the board page: cells only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import column, select, table
from sqlalchemy.orm import Session

from app.areas.models import District
from app.monitoring.disclosure import PRIMARY, SHOWN, Inequality, Line, share_allowed
from app.monitoring.models import ALL, Release, ReleaseCell, ReleaseUnit

MUNICIPALITY = "ALL"
CASES = "effect_cases"
OBSERVED_6M, NEW_6M = "effect_observed_6m", "effect_new_6m"
OBSERVED_12M, NEW_12M = "effect_observed_12m", "effect_new_12m"
RISK, RESILIENCE = "effect_risk", "effect_resilience"
MEASURES = (CASES, OBSERVED_6M, NEW_6M, OBSERVED_12M, NEW_12M, RISK, RESILIENCE)
# (smaller, larger): true of every unit and action type, so an attacker may use them too.
BOUNDS = (
    (NEW_6M, OBSERVED_6M),
    (OBSERVED_6M, CASES),
    (NEW_12M, OBSERVED_12M),
    (OBSERVED_12M, OBSERVED_6M),
    (OBSERVED_12M, CASES),
    (RISK, CASES),
    (RESILIENCE, CASES),
)
CohortKey = tuple[str, str, str, str, str]  # (measure, unit_code, action type, "*", "*")

# The catalogue of measures lives with the meetings; only its labels are read here.
_ACTION_TYPES = table(
    "action_types", column("key"), column("label_da"), column("label_en"), column("position")
)


@dataclass(frozen=True)
class EffectFact:
    """One case and one action type recommended for it; None: not known (yet)."""

    area_id: int
    measure: str  # an action type key
    recommended_on: dt.date
    new_concern_6m: bool | None  # None: six months have not passed yet
    new_concern_12m: bool | None
    risk_change: float | None  # mean known risk rating after minus before
    resilience_change: float | None


@dataclass
class EffectTable:
    values: dict[CohortKey, int] = field(default_factory=dict)
    amounts: dict[CohortKey, float] = field(default_factory=dict)  # mean changes
    lines: list[Line] = field(default_factory=list)
    inequalities: list[Inequality] = field(default_factory=list)


def key(measure: str, unit_code: str, action_type: str) -> CohortKey:
    return (measure, unit_code, action_type, ALL, ALL)


def _counted(fact: EffectFact) -> dict[str, bool]:
    """Which count measures this fact adds one to."""
    return {
        CASES: True,
        OBSERVED_6M: fact.new_concern_6m is not None,
        NEW_6M: bool(fact.new_concern_6m),
        OBSERVED_12M: fact.new_concern_12m is not None,
        NEW_12M: bool(fact.new_concern_12m),
        RISK: fact.risk_change is not None,
        RESILIENCE: fact.resilience_change is not None,
    }


def effect_table(facts: Iterable[EffectFact], area_district: dict[int, str]) -> EffectTable:
    """Counts per district and the municipality, by action type; ALL = sum of districts.

    Every district of `area_district` gets a cell (zeros included), so the lines are
    complete. A fact whose area is in no district is left out everywhere: counting it in
    "ALL" alone would break the additive line that protects the district cells.
    """
    facts = [fact for fact in facts if fact.area_id in area_district]
    districts = sorted(set(area_district.values()))
    action_types = sorted({fact.measure for fact in facts})
    units = [*districts, MUNICIPALITY]
    result = EffectTable()
    sums: dict[CohortKey, float] = defaultdict(float)
    for measure in MEASURES:
        for unit in units:
            for action_type in action_types:
                result.values[key(measure, unit, action_type)] = 0
    for fact in facts:
        for unit in (area_district[fact.area_id], MUNICIPALITY):
            for measure, counted in _counted(fact).items():
                if counted:
                    result.values[key(measure, unit, fact.measure)] += 1
            if fact.risk_change is not None:
                sums[key(RISK, unit, fact.measure)] += fact.risk_change
            if fact.resilience_change is not None:
                sums[key(RESILIENCE, unit, fact.measure)] += fact.resilience_change
    for cell, total in sums.items():
        result.amounts[cell] = total / result.values[cell]
    for measure in MEASURES:
        for action_type in action_types:
            parts = tuple(key(measure, district, action_type) for district in districts)
            result.lines.append(Line(key(measure, MUNICIPALITY, action_type), parts))
    for unit in units:
        for action_type in action_types:
            for small, large in BOUNDS:
                result.inequalities.append(
                    Inequality((key(small, unit, action_type),), (key(large, unit, action_type),))
                )
    return result


# --- reading a published release for the board page ---------------------------------------


@dataclass(frozen=True)
class Shown:
    """A published cell as a reader sees it."""

    text: str
    value: int | None = None


@dataclass(frozen=True)
class EffectRow:
    action_type: str
    label: str
    cases: Shown
    new_6m: Shown  # a share "23 %" where allowed, else the published counts
    new_12m: Shown
    risk: Shown
    resilience: Shown


@dataclass(frozen=True)
class EffectUnit:
    code: str
    name: str
    rows: list[EffectRow]


def published_releases(session: Session) -> list[Release]:
    """Releases newest first; of several versions of a period only the newest."""
    query = select(Release).order_by(
        Release.period_end.desc(), Release.period_kind, Release.version.desc()
    )
    seen, result = set(), []
    for release in session.scalars(query):
        if (release.period_kind, release.period_start) not in seen:
            seen.add((release.period_kind, release.period_start))
            result.append(release)
    return result


def cohort_window(release: Release) -> tuple[dt.date, dt.date]:
    """Recommendations in the two years up to the end of the release's period."""
    end = release.period_end
    try:
        two_years_before = end.replace(year=end.year - 2)
    except ValueError:  # 29 February
        two_years_before = end.replace(year=end.year - 2, day=28)
    return two_years_before + dt.timedelta(days=1), end


def action_type_labels(session: Session, locale: str) -> dict[str, str]:
    label = _ACTION_TYPES.c.label_en if locale.startswith("en") else _ACTION_TYPES.c.label_da
    rows = session.execute(select(_ACTION_TYPES.c.key, label).order_by(_ACTION_TYPES.c.position))
    return {row[0]: row[1] for row in rows}


def _count(cell: ReleaseCell | None, k: int) -> Shown:
    if cell is None:
        return Shown("–")
    if cell.status == SHOWN:
        return Shown(str(cell.value), cell.value)
    return Shown(f"<{k}" if cell.status == PRIMARY else "–")


def _share(new: ReleaseCell | None, observed: ReleaseCell | None, k: int) -> Shown:
    """A share only where the denominator is published and at least k (privacy.md 23)."""
    numerator, denominator = _count(new, k), _count(observed, k)
    if numerator.value is not None and share_allowed(denominator.value, k):
        return Shown(f"{round(100 * numerator.value / denominator.value)} %")
    return Shown(str(_l("%(new)s of %(observed)s", new=numerator.text, observed=denominator.text)))


def _mean(cell: ReleaseCell | None, k: int) -> Shown:
    """A mean change only where its count is shown and at least k."""
    count = _count(cell, k)
    if count.value is None or cell.amount is None or not share_allowed(count.value, k):
        return count if count.value is None else Shown("–")
    return Shown(f"{cell.amount:+.2f}".replace("-", "−"))


def effect_page(
    session: Session, release: Release, scope: list[District] | None, locale: str
) -> list[EffectUnit]:
    """The municipality and each district in scope, one row per action type, from cells."""
    cells = session.scalars(
        select(ReleaseCell).where(
            ReleaseCell.release_id == release.id, ReleaseCell.measure.in_(MEASURES)
        )
    ).all()
    by_key = {(c.measure, c.unit_code, c.category): c for c in cells}
    units = session.scalars(
        select(ReleaseUnit)
        .where(ReleaseUnit.release_id == release.id, ReleaseUnit.level != "area")
        .order_by(ReleaseUnit.level.desc(), ReleaseUnit.name)
    ).all()
    allowed = None if scope is None else {district.code for district in scope}
    labels = action_type_labels(session, locale)
    order = {action_type: position for position, action_type in enumerate(labels)}
    result = []
    for unit in units:
        if unit.code != MUNICIPALITY and allowed is not None and unit.code not in allowed:
            continue
        types = sorted(
            {c.category for c in cells if c.unit_code == unit.code and c.measure == CASES},
            key=lambda action_type: (order.get(action_type, len(order)), action_type),
        )
        k = release.k

        def cell(measure: str, action_type: str, code: str = unit.code) -> ReleaseCell | None:
            return by_key.get((measure, code, action_type))

        rows = [
            EffectRow(
                action_type=t,
                label=labels.get(t, t),
                cases=_count(cell(CASES, t), k),
                new_6m=_share(cell(NEW_6M, t), cell(OBSERVED_6M, t), k),
                new_12m=_share(cell(NEW_12M, t), cell(OBSERVED_12M, t), k),
                risk=_mean(cell(RISK, t), k),
                resilience=_mean(cell(RESILIENCE, t), k),
            )
            for t in types
        ]
        result.append(EffectUnit(unit.code, unit.name, rows))
    return result
