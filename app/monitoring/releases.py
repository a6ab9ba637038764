"""Freezing a release: the rollups of one fixed period, disclosure-controlled, stored.

A release is refused when the period has not ended, when no safe suppression pattern
exists, or when, against an earlier release of a nested period, it would still reveal a
difference 0 < d < k. A release is never changed afterwards; a later one for the same
period is a new version.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections import defaultdict

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.areas.models import District
from app.audit.actor import Actor
from app.audit.services import record
from app.core.errors import DomainError
from app.monitoring import effects, release_history
from app.monitoring.disclosure import SHOWN, DisclosureError, protect
from app.monitoring.feeds import FEEDS
from app.monitoring.models import (
    ALL,
    ConcernCell,
    PersonMark,
    Release,
)
from app.monitoring.periods import Period, PeriodError, parse_period
from app.monitoring.publication_units import publication_groups
from app.monitoring.release_store import store_cells, store_units
from app.monitoring.release_tables import (
    MUNICIPALITY,
    Dimensions,
    Geography,
    Tables,
    concern_tables,
)
from app.monitoring.rollups import AGE_BANDS, GENDERS
from app.monitoring.settings import thresholds

AGE_LABELS = {"0-11": "0-11", "12-14": "12-14", "15-17": "15-17", "18+": "18+"}
GENDER_LABELS = {
    "female": ("Piger", "Girls"),
    "male": ("Drenge", "Boys"),
    "other": ("Andet", "Other"),
    "unknown": ("Ukendt", "Unknown"),
}


logger = logging.getLogger("tidlig.monitoring")


class ReleaseRefused(DomainError):
    """The release would disclose too much, or cannot be made for this period."""


def check_period(label: str, today: dt.date) -> Period:
    try:
        period = parse_period(label)
    except PeriodError:
        raise ReleaseRefused(
            _l("Choose a quarter, half-year or year, written like 2026-Q3, 2026-H2 or 2026."),
            "period",
        ) from None
    if period.end >= today:
        raise ReleaseRefused(_l("A period can be published only after it has ended."), "period")
    return period


def _counts(session: Session, period: Period, unit_of_area: dict[int, str]):
    rows = session.execute(
        select(
            ConcernCell.area_id,
            ConcernCell.category,
            ConcernCell.age_band,
            ConcernCell.gender,
            func.sum(ConcernCell.concerns),
        )
        .where(ConcernCell.month >= period.start, ConcernCell.month <= period.end)
        .group_by(
            ConcernCell.area_id, ConcernCell.category, ConcernCell.age_band, ConcernCell.gender
        )
    )
    counts: dict[tuple[str, str, str, str], int] = defaultdict(int)
    for area_id, category, age, gender, n in rows:
        unit = unit_of_area.get(area_id)
        if unit is not None:
            counts[(unit, category, age, gender)] += int(n)
    return counts


def _persons(session: Session, period: Period, unit_of_area, district_of_unit) -> dict[str, int]:
    """Distinct young people per unit: a person counts once in an area, district and whole."""
    rows = session.execute(
        select(PersonMark.person_key, PersonMark.area_id)
        .where(
            PersonMark.month >= period.start,
            PersonMark.month <= period.end,
            PersonMark.category == ALL,
        )
        .distinct()
    )
    seen: dict[str, set[str]] = defaultdict(set)
    for person_key, area_id in rows:
        unit = unit_of_area.get(area_id)
        if unit is None:
            continue
        seen[unit].add(person_key)
        seen[district_of_unit[unit]].add(person_key)
        seen[MUNICIPALITY].add(person_key)
    return {unit: len(keys) for unit, keys in seen.items()}


def _dimension_labels(session: Session, seen_categories: set[str]) -> tuple[list[str], dict]:
    labels = FEEDS.category_labels(session) if FEEDS.category_labels else []
    keys = [label.key for label in labels]
    keys += sorted(seen_categories - set(keys) - {ALL})
    by_key = {label.key: label for label in labels}
    categories = [
        {
            "key": key,
            "da": by_key[key].da if key in by_key else key,
            "en": by_key[key].en if key in by_key else key,
        }
        for key in keys
    ]
    ages = [{"key": a, "da": AGE_LABELS[a], "en": AGE_LABELS[a]} for a in AGE_BANDS]
    genders = [{"key": g, "da": GENDER_LABELS[g][0], "en": GENDER_LABELS[g][1]} for g in GENDERS]
    return keys, {"category": categories, "age_band": ages, "gender": genders}


def _effect_tables(session, release: Release, today, area_district: dict[int, str]):
    if FEEDS.effect_facts is None:
        return Tables(), {}
    start, end = effects.cohort_window(release)
    table = effects.effect_table(FEEDS.effect_facts(session, start, end, today), area_district)
    return Tables(dict(table.values), list(table.lines), list(table.inequalities)), dict(
        table.amounts
    )


def _single_pairs(inequalities) -> list:
    """Effect figures counting subsets of each other (new concern <= observed <= cases)."""
    return [(i.small[0], i.large[0]) for i in inequalities if len(i.small) == len(i.large) == 1]


def publish_release(
    session: Session,
    actor: Actor,
    label: str,
    today: dt.date,
    *,
    municipality: str = "Kommunen",
) -> Release:
    period = check_period(label, today)
    limits = thresholds(session)
    groups = publication_groups(session, period.start.year, limits.min_population)
    if not groups:
        raise ReleaseRefused(_l("There are no areas to publish figures for."), "period")
    districts = {d.id: d for d in session.scalars(select(District))}
    unit_of_area = {area_id: g.code for g in groups for area_id in g.area_ids}
    district_of_unit = {g.code: districts[g.district_id].code for g in groups}
    area_district = {area_id: district_of_unit[unit] for area_id, unit in unit_of_area.items()}
    counts = _counts(session, period, unit_of_area)
    categories, labels = _dimension_labels(session, {key[1] for key in counts})
    dimensions = Dimensions(tuple(categories), AGE_BANDS, GENDERS)
    tables = concern_tables(
        counts,
        _persons(session, period, unit_of_area, district_of_unit),
        Geography(district_of_unit),
        dimensions,
        limits.k,
    )
    version = 1 + (
        session.scalar(
            select(func.max(Release.version)).where(
                Release.period_kind == period.kind, Release.period_start == period.start
            )
        )
        or 0
    )
    release = Release(
        period_kind=period.kind,
        period_start=period.start,
        period_end=period.end,
        label=period.label,
        version=version,
        k=limits.k,
        min_population=limits.min_population,
        created_by_id=actor.user_id,
        content_hash="",
    )
    effect, amounts = _effect_tables(session, release, today, area_district)
    values = {**tables.values, **effect.values}
    # An area alone in its district cannot be merged: under the minimum, it shows nothing.
    too_small = {
        key
        for group in groups
        if group.population is not None and group.population < limits.min_population
        for key in tables.values
        if key[1] == group.code
    }
    earlier = release_history.earlier_releases(session, period)
    history = release_history.constraints(period, values, earlier, limits.k)
    try:
        protection = protect(
            values,
            [*tables.lines, *effect.lines],
            limits.k,
            inequalities=[*tables.inequalities, *effect.inequalities],
            also_hide=history.hide,
            hide_unaudited=tables.homogeneous | too_small,
            known=history.known,
            nested=[*tables.nested, *_single_pairs(effect.inequalities)],
        )
    except DisclosureError as error:
        logger.warning("release %s refused: %s", period.label, error)
        raise ReleaseRefused(
            _l("No safe way to publish this period was found; nothing was published."), "period"
        ) from None
    published = {
        key: (value if protection.status[key] == SHOWN else None) for key, value in values.items()
    }
    revealing = release_history.remaining_revelations(period, published, earlier, limits.k)
    if revealing:
        raise ReleaseRefused(
            _l(
                "Together with an earlier release, this release would reveal %(count)s "
                "small numbers; nothing was published.",
                count=len(revealing),
            ),
            "period",
        )
    session.add(release)
    session.flush()
    populations = store_units(session, release, groups, districts, municipality)
    cells = store_cells(session, release, values, protection.status, amounts, populations)
    release.content_hash = hashlib.sha256(
        json.dumps(cells, sort_keys=True, default=str).encode()
    ).hexdigest()
    release.summary = json.dumps(
        {
            "cells": protection.counts(),
            "audit_rounds": protection.rounds,
            "population_year": period.start.year,
            "dimensions": labels,
            "earlier_releases_checked": len(earlier),
        },
        ensure_ascii=False,
    )
    record(
        session,
        actor,
        "monitoring.release.publish",
        object_type="release",
        object_id=release.id,
        details={"period": period.label, "version": version, **protection.counts()},
    )
    return release
