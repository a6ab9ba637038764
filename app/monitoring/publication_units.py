"""Which areas are published together: areas under the minimum population join a neighbour.

The release builder publishes one unit per group. An area under the minimum goes with its
named neighbour (Area.publish_with_id) when one is set in the same district, else with the
neighbour in its district that shares the longest border; merging repeats until every group
reaches the minimum or has no neighbour left. Areas with unknown population stay alone.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.affinity import scale
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.areas.models import Area
from app.monitoring.populations import population_for

# Borders drawn separately rarely coincide exactly; a border within ~1 m counts as shared.
BORDER_SNAP = 1e-5  # degrees of latitude


@dataclass(frozen=True)
class PublicationGroup:
    code: str
    name: str
    district_id: int
    area_ids: tuple[int, ...]
    area_codes: tuple[str, ...]
    population: int | None
    geometry: dict | None


def _geometry(area: Area) -> BaseGeometry | None:
    try:
        geom = shape(json.loads(area.geometry))
    except (ValueError, TypeError, KeyError, AttributeError, shapely.errors.ShapelyError):
        return None
    if geom.is_empty:
        return None
    return geom if geom.is_valid else shapely.make_valid(geom)


def _local(geometries: list[BaseGeometry | None]) -> list[BaseGeometry | None]:
    """Shapes with longitude shrunk by cos(latitude): border lengths become comparable."""
    known = [g for g in geometries if g is not None]
    if not known:
        return geometries
    latitude = float(np.mean([g.centroid.y for g in known]))
    factor = math.cos(math.radians(latitude))
    return [
        None if g is None else scale(g, xfact=factor, yfact=1, origin=(0, 0)) for g in geometries
    ]


def shared_border(first: BaseGeometry | None, second: BaseGeometry | None) -> float:
    if first is None or second is None:
        return 0.0
    return first.boundary.intersection(second.buffer(BORDER_SNAP)).length


class _Group:
    def __init__(self, area: Area, population: int | None, geom: BaseGeometry | None) -> None:
        self.areas = [area]
        self.population = population
        self.geom = geom
        self.finished = False

    @property
    def code(self) -> str:
        return "+".join(sorted(area.code for area in self.areas))

    def absorb(self, other: _Group) -> None:
        self.areas += other.areas
        self.population = (self.population or 0) + (other.population or 0)
        parts = [g for g in (self.geom, other.geom) if g is not None]
        self.geom = shapely.union_all(parts) if parts else None


def _partner(group: _Group, groups: list[_Group], group_of: dict[int, _Group]) -> _Group | None:
    district_id = group.areas[0].district_id
    candidates = [
        other
        for other in groups
        if other is not group
        and other.population is not None
        and other.areas[0].district_id == district_id
    ]
    for area in sorted(group.areas, key=lambda a: a.code):
        named = group_of.get(area.publish_with_id) if area.publish_with_id else None
        if named is not None and named in candidates:
            return named
    scored = [(shared_border(group.geom, other.geom), other) for other in candidates]
    scored = [(length, other) for length, other in scored if length > 0]
    if not scored:
        return None
    return min(scored, key=lambda item: (-item[0], item[1].code))[1]


def _merged(areas: list[Area], populations: dict[int, int], min_population: int) -> list[_Group]:
    local = _local([_geometry(area) for area in areas])
    groups = [_Group(a, populations.get(a.id), g) for a, g in zip(areas, local, strict=True)]
    group_of = {group.areas[0].id: group for group in groups}
    while True:
        small = [
            g
            for g in groups
            if g.population is not None and g.population < min_population and not g.finished
        ]
        if not small:
            return groups
        group = min(small, key=lambda g: (g.population, g.code))
        partner = _partner(group, groups, group_of)
        if partner is None:
            group.finished = True
            continue
        partner.absorb(group)
        groups.remove(group)
        for area in group.areas:
            group_of[area.id] = partner


def _rounded(geom: BaseGeometry) -> dict:
    return mapping(shapely.transform(geom, lambda coordinates: np.round(coordinates, 6)))


def publication_groups(session: Session, year: int, min_population: int) -> list[PublicationGroup]:
    """Every area in exactly one group, ordered by group code."""
    areas = list(session.scalars(select(Area).order_by(Area.code)))
    groups = _merged(areas, population_for(session, year), min_population)
    originals = {area.id: _geometry(area) for area in areas}
    published = []
    for group in groups:
        members = sorted(group.areas, key=lambda area: area.code)
        shapes = [originals[a.id] for a in members if originals[a.id] is not None]
        geometry = _rounded(shapely.union_all(shapes)) if shapes else None
        published.append(
            PublicationGroup(
                code="+".join(area.code for area in members),
                name=" + ".join(area.name for area in members),
                district_id=members[0].district_id,
                area_ids=tuple(area.id for area in members),
                area_codes=tuple(area.code for area in members),
                population=group.population,
                geometry=geometry,
            )
        )
    return sorted(published, key=lambda group: group.code)


def suggested_neighbour(session: Session, area: Area) -> Area | None:
    """The area in the same district sharing the longest border with `area`, if any."""
    others = list(
        session.scalars(
            select(Area)
            .where(Area.district_id == area.district_id, Area.id != area.id)
            .order_by(Area.code)
        )
    )
    local = _local([_geometry(area)] + [_geometry(other) for other in others])
    scored = [
        (shared_border(local[0], geom), other)
        for other, geom in zip(others, local[1:], strict=True)
    ]
    scored = [(length, other) for length, other in scored if length > 0]
    if not scored:
        return None
    return min(scored, key=lambda item: (-item[0], item[1].code))[1]
