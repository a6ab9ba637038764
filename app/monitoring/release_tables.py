"""The tables of a release, and how their cells relate: pure functions, no database.

Input: counts of concerns per published area unit × category × age band × gender (category
`ALL` counts every concern once; a concern with two categories counts in both), and
distinct young people per unit. Output: every published cell with its value, and the
relations between cells that an attacker could exploit, for `disclosure.protect`.

Published cells (key = (measure, unit, category, age_band, gender)):
- concerns, area units: the total and one dimension at a time;
- concerns, districts and the municipality: also every pair of dimensions;
- persons: the total per unit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import product

from app.monitoring.disclosure import Inequality, Key, Line
from app.monitoring.models import ALL

MUNICIPALITY = "ALL"
CONCERNS = "concerns"
PERSONS = "persons"
# A breakdown where one part holds this share of a total of at least k tells the reader
# something about everyone counted (SB-D1.5), so that part is hidden in the areas.
HOMOGENEITY_SHARE = 0.9


@dataclass(frozen=True)
class Geography:
    """Published area units, each in one district."""

    area_district: Mapping[str, str]

    def districts(self) -> list[str]:
        return sorted(set(self.area_district.values()))

    def areas_of(self, district: str) -> list[str]:
        return sorted(a for a, d in self.area_district.items() if d == district)


@dataclass(frozen=True)
class Dimensions:
    categories: tuple[str, ...]
    age_bands: tuple[str, ...]
    genders: tuple[str, ...]


@dataclass
class Tables:
    values: dict[Key, int] = field(default_factory=dict)
    lines: list[Line] = field(default_factory=list)
    inequalities: list[Inequality] = field(default_factory=list)
    homogeneous: set[Key] = field(default_factory=set)
    # (smaller, larger): cells whose records are a subset of the other's, not in a Line
    nested: list[tuple[Key, Key]] = field(default_factory=list)


def _patterns(dimensions: Dimensions, most: int) -> list[tuple[str, str, str]]:
    """(category, age band, gender) choices with at most `most` of them not ALL."""
    options = (
        (ALL, *dimensions.categories),
        (ALL, *dimensions.age_bands),
        (ALL, *dimensions.genders),
    )
    return [p for p in product(*options) if sum(v != ALL for v in p) <= most]


def _published_depth(unit_level: str) -> int:
    return 1 if unit_level == "area" else 2


def concern_tables(
    counts: Mapping[tuple[str, str, str, str], int],
    persons: Mapping[str, int],
    geography: Geography,
    dimensions: Dimensions,
    k: int,
) -> Tables:
    """Every published concern and person cell of a release, with their relations.

    `counts`: (area unit, category or ALL, age band, gender) -> concerns.
    `persons`: unit code (area unit, district, MUNICIPALITY) -> distinct young people.
    """
    base: dict[tuple[str, str, str, str], int] = defaultdict(int)
    for (unit, category, age, gender), n in counts.items():
        base[(unit, category, age, gender)] += n
    units = {unit: "area" for unit in geography.area_district}
    units.update({district: "district" for district in geography.districts()})
    units[MUNICIPALITY] = "municipality"

    def members(unit: str) -> list[str]:
        if units[unit] == "area":
            return [unit]
        if units[unit] == "district":
            return geography.areas_of(unit)
        return sorted(geography.area_district)

    tables = Tables()
    for unit, level in units.items():
        areas = members(unit)
        for pattern in _patterns(dimensions, _published_depth(level)):
            tables.values[(CONCERNS, unit, *pattern)] = _sum(base, areas, pattern, dimensions)
    for unit in units:
        tables.values[(PERSONS, unit, ALL, ALL, ALL)] = persons.get(unit, 0)
    _geography_lines(tables, geography, dimensions)
    _dimension_lines(tables, units, dimensions)
    _category_bounds(tables, units, dimensions)
    _person_bounds(tables, geography)
    tables.homogeneous = _homogeneous_parts(tables, geography, dimensions, k)
    return tables


def _sum(base, areas: list[str], pattern, dimensions: Dimensions) -> int:
    category, age, gender = pattern
    ages = dimensions.age_bands if age == ALL else (age,)
    genders = dimensions.genders if gender == ALL else (gender,)
    return sum(base.get((area, category, a, g), 0) for area in areas for a in ages for g in genders)


def _geography_lines(tables: Tables, geography: Geography, dimensions: Dimensions) -> None:
    districts = geography.districts()
    for pattern in _patterns(dimensions, 2):
        if sum(v != ALL for v in pattern) <= 1:
            for district in districts:
                parts = tuple((CONCERNS, a, *pattern) for a in geography.areas_of(district))
                tables.lines.append(Line((CONCERNS, district, *pattern), parts))
        parts = tuple((CONCERNS, d, *pattern) for d in districts)
        tables.lines.append(Line((CONCERNS, MUNICIPALITY, *pattern), parts))


def _dimension_lines(tables: Tables, units: dict[str, str], dimensions: Dimensions) -> None:
    """A total over age bands (or genders) equals the sum of its parts, where published."""
    for unit in units:
        for position, values in ((1, dimensions.age_bands), (2, dimensions.genders)):
            for pattern in _patterns(dimensions, 2):
                if pattern[position] != ALL:
                    continue
                total = (CONCERNS, unit, *pattern)
                parts = []
                for value in values:
                    changed = list(pattern)
                    changed[position] = value
                    parts.append((CONCERNS, unit, *changed))
                if total in tables.values and all(p in tables.values for p in parts):
                    tables.lines.append(Line(total, tuple(parts)))


def _category_bounds(tables: Tables, units: dict[str, str], dimensions: Dimensions) -> None:
    """One category never exceeds all concerns; all categories together reach at least it."""
    for unit in units:
        for age, gender in product((ALL, *dimensions.age_bands), (ALL, *dimensions.genders)):
            everything = (CONCERNS, unit, ALL, age, gender)
            if everything not in tables.values:
                continue
            each = [(CONCERNS, unit, c, age, gender) for c in dimensions.categories]
            each = [key for key in each if key in tables.values]
            for key in each:
                tables.inequalities.append(Inequality((key,), (everything,)))
                tables.nested.append((key, everything))
            if len(each) == len(dimensions.categories) and each:
                tables.inequalities.append(Inequality((everything,), tuple(each)))


def _person_bounds(tables: Tables, geography: Geography) -> None:
    """Young people never outnumber concerns; a district's are at most the sum of its areas'."""

    def person(unit: str) -> Key:
        return (PERSONS, unit, ALL, ALL, ALL)

    units = [*geography.area_district, *geography.districts(), MUNICIPALITY]
    for unit in units:
        tables.inequalities.append(Inequality((person(unit),), ((CONCERNS, unit, ALL, ALL, ALL),)))
    groups = [(d, geography.areas_of(d)) for d in geography.districts()]
    groups.append((MUNICIPALITY, geography.districts()))
    for whole, parts in groups:
        tables.inequalities.append(Inequality((person(whole),), tuple(person(p) for p in parts)))
        for part in parts:
            tables.inequalities.append(Inequality((person(part),), (person(whole),)))
            tables.nested.append((person(part), person(whole)))


def _homogeneous_parts(
    tables: Tables, geography: Geography, dimensions: Dimensions, k: int
) -> set[Key]:
    """A part holding nearly the whole of an area's breakdown, and its smallest sibling.

    Hiding the sibling too (usually a 0) keeps the area's total shown: the reader then
    knows the two together, not that nearly everyone had one age band or gender.
    """
    hidden = set()
    for area in geography.area_district:
        total = tables.values[(CONCERNS, area, ALL, ALL, ALL)]
        if total < k:
            continue
        for position, values in ((1, dimensions.age_bands), (2, dimensions.genders)):
            parts = []
            for value in values:
                pattern = [ALL, ALL, ALL]
                pattern[position] = value
                parts.append((CONCERNS, area, *pattern))
            for key in parts:
                if tables.values[key] >= HOMOGENEITY_SHARE * total:
                    sibling = min((p for p in parts if p != key), key=tables.values.get)
                    hidden |= {key, sibling}
    return hidden
