"""The disclosure threshold k and the minimum population of a published area."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.monitoring.disclosure import DEFAULT_K
from app.monitoring.models import DisclosureSettings


@dataclass(frozen=True)
class Thresholds:
    k: int
    min_population: int


def thresholds(session: Session) -> Thresholds:
    row = session.get(DisclosureSettings, 1)
    if row is None:
        return Thresholds(DEFAULT_K, 200)
    return Thresholds(row.k, row.min_population)
