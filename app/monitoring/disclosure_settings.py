"""Changing the threshold k and the minimum population of a published area.

Lowering k is an administrator act that is logged on its own (privacy.md 19): it is the one
change that lets smaller numbers reach the boards.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.audit.actor import Actor
from app.audit.services import record
from app.core.errors import DomainError
from app.db import utcnow
from app.monitoring.disclosure import DEFAULT_K, MIN_K
from app.monitoring.models import DisclosureSettings

MAX_K = 50
MAX_MIN_POPULATION = 100_000
DEFAULT_MIN_POPULATION = 200


def current_settings(session: Session) -> DisclosureSettings:
    """The settings row (unsaved defaults when none has been stored yet)."""
    row = session.get(DisclosureSettings, 1)
    return row or DisclosureSettings(id=1, k=DEFAULT_K, min_population=DEFAULT_MIN_POPULATION)


def _checked(k: object, min_population: object) -> tuple[int, int]:
    if not isinstance(k, int) or isinstance(k, bool):
        raise DomainError(_l("Write k as a whole number."), "k")
    if k < MIN_K:
        raise DomainError(
            _l("k must be at least %(min)d: smaller counts could point at a person.", min=MIN_K),
            "k",
        )
    if k > MAX_K:
        raise DomainError(_l("k can be at most %(max)d.", max=MAX_K), "k")
    if not isinstance(min_population, int) or isinstance(min_population, bool):
        raise DomainError(_l("Write the minimum population as a whole number."), "min_population")
    if not 0 <= min_population <= MAX_MIN_POPULATION:
        raise DomainError(
            _l("The minimum population must be from 0 to %(max)d.", max=MAX_MIN_POPULATION),
            "min_population",
        )
    return k, min_population


def update_settings(
    session: Session, actor: Actor, k: object, min_population: object
) -> DisclosureSettings:
    k, min_population = _checked(k, min_population)
    row = session.get(DisclosureSettings, 1)
    if row is None:
        row = DisclosureSettings(id=1, k=DEFAULT_K, min_population=DEFAULT_MIN_POPULATION)
        session.add(row)
    old = {"k": row.k, "min_population": row.min_population}
    new = {"k": k, "min_population": min_population}
    if old == new:
        return row
    row.k, row.min_population = k, min_population
    row.updated_at = utcnow()
    row.updated_by_id = actor.user_id
    session.flush()
    record(
        session,
        actor,
        "monitoring.settings.update",
        object_type="monitoring_settings",
        object_id=1,
        details={"old": old, "new": new},
    )
    if k < old["k"]:
        record(
            session,
            actor,
            "monitoring.k_lowered",
            object_type="monitoring_settings",
            object_id=1,
            details={"old_k": old["k"], "new_k": k},
        )
    return row
