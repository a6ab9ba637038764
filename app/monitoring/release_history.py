"""Differencing against earlier releases (privacy.md 22, SB-D1.1).

Two releases of nested periods (a quarter and its year, two versions of one quarter) must
not together reveal a small number: not as the difference of one cell in both, and not as
a whole period minus its published parts. Before protection this module says which new
cells must be hidden, and which a reader can already work out (those are constants to the
audit); after protection `remaining_revelations` is the guard that refuses the release.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.monitoring.disclosure import Key, is_sensitive
from app.monitoring.models import Release, ReleaseCell
from app.monitoring.periods import Period, parse_period

Cells = Mapping[Key, int | None]  # None: hidden


@dataclass
class Earlier:
    period: Period
    cells: Cells
    latest: bool = True  # the newest version of its period (older ones count only in pairs)


@dataclass
class HistoryConstraints:
    hide: set[Key] = field(default_factory=set)
    known: set[Key] = field(default_factory=set)


def earlier_releases(session: Session, period: Period) -> list[Earlier]:
    """Every earlier release (all versions) whose period contains or lies inside `period`."""
    nested = [
        (release.id, other)
        for release in session.scalars(select(Release).order_by(Release.id))
        if (other := parse_period(release.label)).contains(period) or period.contains(other)
    ]
    cells: dict[int, dict[Key, int | None]] = {release_id: {} for release_id, _ in nested}
    if cells:  # every nested release's cells in one query, not one per release
        for c in session.scalars(select(ReleaseCell).where(ReleaseCell.release_id.in_(cells))):
            cells[c.release_id][(c.measure, c.unit_code, c.category, c.age_band, c.gender)] = (
                c.value
            )
    found: list[Earlier] = []
    for release_id, other in nested:
        for older in found:
            if older.period == other:
                older.latest = False
        found.append(Earlier(other, cells[release_id]))
    return found


def _tiles(whole: Period, parts: list[Period]) -> bool:
    months = [month for part in parts for month in part.months()]
    return len(months) == len(set(months)) and set(months) == set(whole.months())


def constraints(
    period: Period, values: Mapping[Key, int], earlier: list[Earlier], k: int
) -> HistoryConstraints:
    result = HistoryConstraints()
    # The same period again, or a period inside or around it: a cell shown in both must
    # not differ by a small number (a quarter and its year share the quarter's records).
    for release in earlier:
        for key, value in values.items():
            old = release.cells.get(key)
            if old is not None and is_sensitive(abs(value - old), k):
                result.hide.add(key)
    current = [e for e in earlier if e.latest]
    for kind in ("quarter", "half"):
        parts = [e for e in current if e.period.kind == kind and e.period != period]
        inside = [e for e in parts if period.contains(e.period)]
        if inside:
            _against_parts(period, values, inside, k, result)
    for container in [e for e in current if e.period != period and e.period.contains(period)]:
        siblings = [
            e
            for e in current
            if e.period.kind == period.kind
            and e.period != period
            and container.period.contains(e.period)
        ]
        _against_container(period, values, container, siblings, k, result)
    return result


def _against_parts(period, values, parts: list[Earlier], k: int, result) -> None:
    tiles = _tiles(period, [p.period for p in parts])
    for key, value in values.items():
        found = [p.cells.get(key, "absent") for p in parts]
        if "absent" in found:
            continue
        hidden = sum(v is None for v in found)
        shown_sum = sum(v for v in found if v is not None)
        if hidden == 0:
            if tiles:
                result.known.add(key)
            elif is_sensitive(value - shown_sum, k):
                result.hide.add(key)
        elif hidden == 1 and tiles:
            result.hide.add(key)


def _against_container(period, values, container: Earlier, siblings, k: int, result) -> None:
    tiles = _tiles(container.period, [period, *(s.period for s in siblings)])
    for key, value in values.items():
        whole = container.cells.get(key, "absent")
        found = [s.cells.get(key, "absent") for s in siblings]
        if whole == "absent" or "absent" in found or any(v is None for v in found):
            continue
        others = sum(found)
        if whole is None:
            if tiles:
                result.hide.add(key)  # shown, it would give the hidden whole back
        elif tiles:
            result.known.add(key)
        elif is_sensitive(whole - others - value, k):
            result.hide.add(key)


def remaining_revelations(
    period: Period, published: Mapping[Key, int | None], earlier: list[Earlier], k: int
) -> list[Key]:
    """Cells that, as about to be published, still reveal 0 < d < k with an earlier release."""
    shown = {key: value for key, value in published.items() if value is not None}
    check = constraints(period, shown, earlier, k)
    return sorted(check.hide - check.known, key=str)
