"""What other packages hand to monitoring, registered at start-up.

Monitoring has no import path to persons or cases (architecture.md 6). The packages that
do know them register plain-data providers here: the facts to rebuild the rollups from,
the labels of concern categories, and the anonymous effect facts of recommendations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class CategoryLabel:
    key: str
    da: str
    en: str


@dataclass
class Feeds:
    concern_facts: Callable[[Session], Iterable] | None = None
    category_labels: Callable[[Session], list[CategoryLabel]] | None = None
    # (session, cohort_start, cohort_end, as_of) -> list of app.monitoring.effects.EffectFact
    effect_facts: Callable[[Session, dt.date, dt.date, dt.date], list] | None = None


FEEDS = Feeds()
