"""Early warning: a unit whose latest period is significantly above its own recent level.

An exact one-sided Poisson test: under "nothing changed" the latest count is Poisson with
the mean of the previous four periods of the same kind; the unit is flagged when
P(X >= latest) < 0.05. It runs only on five shown figures: a test on a suppressed figure
would tell something about the hidden value (flagged or not), so then there is no flag.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scipy.stats import poisson
from sqlalchemy.orm import Session

from app.monitoring.models import Release
from app.monitoring.periods import PeriodError, parse_period
from app.monitoring.release_reader import MISSING, Figure, current_releases, figures

ALPHA = 0.05
EARLIER_PERIODS = 4


@dataclass(frozen=True)
class Rise:
    unit_code: str
    latest: int
    mean: float
    p_value: float
    period_kind: str


def rise_p_value(latest: int, earlier: Sequence[int]) -> float:
    """P(X >= latest) for X ~ Poisson(mean of the earlier counts)."""
    mean = sum(earlier) / len(earlier)
    if mean == 0:
        return 0.0 if latest > 0 else 1.0
    return float(poisson.sf(latest - 1, mean))


def detect_rise(
    unit_code: str, latest: Figure, earlier: Sequence[Figure], period_kind: str = "quarter"
) -> Rise | None:
    """A Rise when the latest figure is significantly above the mean of the four before it."""
    if len(earlier) != EARLIER_PERIODS:
        return None
    if not latest.shown or not all(figure.shown for figure in earlier):
        return None
    counts = [int(figure.value or 0) for figure in earlier]
    mean = sum(counts) / len(counts)
    value = int(latest.value or 0)
    if value <= mean:
        return None
    p_value = rise_p_value(value, counts)
    if p_value >= ALPHA:
        return None
    return Rise(unit_code, value, mean, p_value, period_kind)


def rises(session: Session, release: Release, unit_codes: list[str]) -> dict[str, Rise]:
    """Flagged units of a release, compared with the current releases of the four periods
    before it; no flags when one of those periods has no release."""
    try:
        periods = parse_period(release.label).previous(EARLIER_PERIODS)
    except PeriodError:
        return {}
    by_label = {r.label: r for r in current_releases(session, release.period_kind)}
    earlier_releases = [by_label.get(period.label) for period in periods]
    if any(r is None for r in earlier_releases) or not unit_codes:
        return {}
    latest = figures(session, release, "concerns", unit_codes)
    earlier = [figures(session, r, "concerns", unit_codes) for r in earlier_releases if r]
    flagged = {}
    for code in unit_codes:
        rise = detect_rise(
            code,
            latest.get(code, MISSING),
            [found.get(code, MISSING) for found in earlier],
            release.period_kind,
        )
        if rise:
            flagged[code] = rise
    return flagged
