"""Writing a release's units and cells: frozen copies, so a release reads the same forever.

Names, members, populations and boundaries are copied into the release's units; a hidden
cell is written with its status only, never with a number, a rate or a mean.
"""

from __future__ import annotations

import json
from collections import defaultdict

from app.monitoring.disclosure import SHOWN, share_allowed
from app.monitoring.models import ALL, ReleaseCell, ReleaseUnit
from app.monitoring.publication_units import PublicationGroup
from app.monitoring.release_tables import CONCERNS, MUNICIPALITY


def store_units(
    session, release, groups: list[PublicationGroup], districts, municipality: str
) -> dict[str, int | None]:
    """The release's units; returns each unit's youth population (None: unknown)."""
    by_district: dict[int, list[PublicationGroup]] = defaultdict(list)
    for group in groups:
        by_district[group.district_id].append(group)
    session.add(
        ReleaseUnit(
            release_id=release.id,
            code=MUNICIPALITY,
            name=municipality,
            level="municipality",
            member_codes=json.dumps(sorted(c for g in groups for c in g.area_codes)),
            youth_population=_total([g.population for g in groups]),
        )
    )
    for district_id, members in sorted(by_district.items()):
        district = districts[district_id]
        session.add(
            ReleaseUnit(
                release_id=release.id,
                code=district.code,
                name=district.name,
                level="district",
                parent_code=MUNICIPALITY,
                member_codes=json.dumps(sorted(c for g in members for c in g.area_codes)),
                youth_population=_total([g.population for g in members]),
            )
        )
        for group in members:
            session.add(
                ReleaseUnit(
                    release_id=release.id,
                    code=group.code,
                    name=group.name,
                    level="area",
                    parent_code=district.code,
                    member_codes=json.dumps(list(group.area_codes)),
                    youth_population=group.population,
                    geometry=json.dumps(group.geometry) if group.geometry else None,
                )
            )
    session.flush()
    populations: dict[str, int | None] = {g.code: g.population for g in groups}
    populations[MUNICIPALITY] = _total([g.population for g in groups])
    for district_id, members in by_district.items():
        populations[districts[district_id].code] = _total([g.population for g in members])
    return populations


def _total(populations: list[int | None]) -> int | None:
    return None if any(p is None for p in populations) else sum(populations)


def store_cells(session, release, values, status, amounts, populations) -> list:
    rows = []
    for key, value in values.items():
        measure, unit, category, age, gender = key
        shown = status[key] == SHOWN
        rate = None
        population = populations.get(unit)
        if (
            shown
            and measure == CONCERNS
            and (category, age, gender) == (ALL, ALL, ALL)
            and share_allowed(population, release.k)
        ):
            rate = round(1000 * value / population, 2)
        amount = amounts.get(key) if shown and value >= release.k else None
        rows.append(
            {
                "release_id": release.id,
                "measure": measure,
                "unit_code": unit,
                "category": category,
                "age_band": age,
                "gender": gender,
                "value": value if shown else None,
                "status": status[key],
                "rate": rate,
                "amount": amount,
            }
        )
    session.execute(ReleaseCell.__table__.insert(), rows)
    return [
        [
            r[c]
            for c in (
                "measure",
                "unit_code",
                "category",
                "age_band",
                "gender",
                "value",
                "status",
                "rate",
                "amount",
            )
        ]
        for r in rows
    ]
