"""What the administrator's area page shows: districts, their areas and how each is published."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.areas.models import Area, District
from app.monitoring.populations import population_for
from app.monitoring.publication_units import publication_groups
from app.monitoring.settings import Thresholds, thresholds


@dataclass(frozen=True)
class AreaLine:
    area: Area
    population: int | None
    named_neighbour: Area | None
    published_as: str | None  # the merged group's name, when the area does not stand alone
    under_minimum: bool


@dataclass(frozen=True)
class DistrictBlock:
    district: District
    areas: list[AreaLine]


@dataclass(frozen=True)
class AreaOverview:
    year: int
    thresholds: Thresholds
    districts: list[DistrictBlock]


def area_overview(session: Session, year: int) -> AreaOverview:
    limits = thresholds(session)
    populations = population_for(session, year)
    group_of = {
        area_id: group
        for group in publication_groups(session, year, limits.min_population)
        for area_id in group.area_ids
    }
    areas = {area.id: area for area in session.scalars(select(Area))}
    blocks = []
    for district in session.scalars(select(District).order_by(District.name)):
        lines = []
        for area in sorted(district.areas, key=lambda a: a.code):
            population = populations.get(area.id)
            group = group_of.get(area.id)
            lines.append(
                AreaLine(
                    area=area,
                    population=population,
                    named_neighbour=areas.get(area.publish_with_id)
                    if area.publish_with_id
                    else None,
                    published_as=group.name if group and len(group.area_ids) > 1 else None,
                    under_minimum=population is not None and population < limits.min_population,
                )
            )
        blocks.append(DistrictBlock(district, lines))
    return AreaOverview(year, limits, blocks)
