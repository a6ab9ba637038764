"""What a board reader may choose: releases, layers, scopes, and how numbers are written.

Only release ids are offered, never dates: a free period is impossible by design.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.areas.models import District
from app.audit.actor import Actor
from app.monitoring.access import district_scope
from app.monitoring.models import Release
from app.monitoring.release_reader import MUNICIPALITY, current_releases, latest_release

RATE = "rate"
COUNT = "count"
INDICATOR_PREFIX = "indicator:"


@dataclass(frozen=True)
class BoardOptions:
    releases: list[Release]
    default_release: Release
    scope: list[District] | None  # None: the whole municipality
    districts: list[District]  # the districts the reader may pick


def board_options(session: Session, actor: Actor) -> BoardOptions | None:
    """None while nothing is published."""
    releases = current_releases(session)
    if not releases:
        return None
    default = latest_release(session, "quarter") or releases[0]
    scope = district_scope(session, actor)
    districts = (
        scope
        if scope is not None
        else list(session.scalars(select(District).order_by(District.name)))
    )
    return BoardOptions(releases, default, scope, districts)


def release_choices(options: BoardOptions) -> list[tuple[str, str]]:
    return [(str(r.id), r.label) for r in options.releases]


def chosen_release(options: BoardOptions, release_id: str | None) -> Release:
    for release in options.releases:
        if str(release.id) == str(release_id):
            return release
    return options.default_release


# Every figure of a release is disclosure-controlled for the whole municipality, so a
# member's districts are where the dashboard starts, not a wall around it.
WHOLE_MUNICIPALITY = "whole"


def scope_choices(options: BoardOptions) -> list[tuple[str, str]]:
    districts = [(d.code, d.name) for d in options.districts]
    if options.scope is None:
        return [(MUNICIPALITY, _("The whole municipality")), *districts]
    return [
        (MUNICIPALITY, _("All my districts")),
        (WHOLE_MUNICIPALITY, _("The whole municipality")),
        *districts,
    ]


def indicator_definitions(session: Session) -> list:
    """The indicator definitions, or none while the indicator module is not installed."""
    try:
        from app.monitoring.indicators import definitions
    except ImportError:
        return []
    return list(definitions(session))


def indicator_name(definition) -> str:
    try:
        from app.monitoring.indicators import name_of
    except ImportError:
        return definition.name_da
    return name_of(definition)


def layer_choices(session: Session) -> list[tuple[str, str]]:
    layers = [(RATE, _("Concerns per 1,000 young people")), (COUNT, _("Concerns"))]
    for definition in indicator_definitions(session):
        layers.append((INDICATOR_PREFIX + definition.key, indicator_name(definition)))
    return layers


def decimal(value: float) -> str:
    return format_decimal(value, format="#,##0.0")


def whole(value: float) -> str:
    return format_decimal(value, format="#,##0")


def indicator_text(value: float, unit: str) -> str:
    if unit == "share":
        return format_percent(value, format="#,##0.0 %")
    if unit == "count":
        return format_decimal(value, format="#,##0.##")
    return decimal(value)


def p_value_text(p_value: float) -> str:
    if p_value < 0.001:
        return "p < " + format_decimal(0.001, format="0.000")
    return "p = " + format_decimal(p_value, format="0.000")
