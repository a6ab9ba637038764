"""Young people per area and year, uploaded as CSV: the denominators of rates.

`area_code,year,youth_population`, header required, `;` or `,`. All or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.areas.models import Area
from app.audit.actor import Actor
from app.audit.services import record
from app.monitoring.models import AreaPopulation
from app.monitoring.uploads import UploadRejected, read_csv

COLUMNS = ("area_code", "year", "youth_population")
FIRST_YEAR, LAST_YEAR = 1900, 2999
LARGEST_POPULATION = 10_000_000


@dataclass
class PopulationResult:
    created: int = 0
    updated: int = 0
    areas: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)


def _whole_number(text: str) -> int | None:
    cleaned = text.replace(" ", "")
    return int(cleaned) if cleaned.isdigit() else None


def parse_populations(data: bytes, area_ids: dict[str, int]) -> tuple[list, list]:
    """(area_id, year, population) rows and every problem in the file."""
    problems: list = []
    rows: list[tuple[int, int, int]] = []
    seen: dict[tuple[str, int], int] = {}
    for row in read_csv(data, COLUMNS):
        code, year_text, count_text = (row.values[name] for name in COLUMNS)
        empty = [name for name in COLUMNS if not row.values[name]]
        if empty:
            problems.append(
                _l("Line %(line)d: %(columns)s is empty.", line=row.line, columns=", ".join(empty))
            )
            continue
        line_problems = []
        if code not in area_ids:
            line_problems.append(
                _l("Line %(line)d: there is no area with code %(code)s.", line=row.line, code=code)
            )
        year = _whole_number(year_text)
        if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
            line_problems.append(
                _l(
                    "Line %(line)d: the year must be a whole number from %(first)d to %(last)d.",
                    line=row.line,
                    first=FIRST_YEAR,
                    last=LAST_YEAR,
                )
            )
        population = _whole_number(count_text)
        if population is None or population > LARGEST_POPULATION:
            line_problems.append(
                _l(
                    "Line %(line)d: the youth population must be a whole number, 0 or more.",
                    line=row.line,
                )
            )
        if year is not None and (code, year) in seen:
            line_problems.append(
                _l(
                    "Line %(line)d: area %(code)s has year %(year)d already on line %(first)d.",
                    line=row.line,
                    code=code,
                    year=year,
                    first=seen[(code, year)],
                )
            )
        if year is not None:
            seen.setdefault((code, year), row.line)
        problems += line_problems
        if not line_problems:
            rows.append((area_ids[code], year, population))
    return rows, problems


def import_populations(session: Session, actor: Actor, data: bytes) -> PopulationResult:
    areas = {area.code: area for area in session.scalars(select(Area))}
    rows, problems = parse_populations(data, {code: area.id for code, area in areas.items()})
    if problems:
        raise UploadRejected(problems)
    stored = {(row.area_id, row.year): row for row in session.scalars(select(AreaPopulation))}
    result = PopulationResult()
    for area_id, year, population in rows:
        row = stored.get((area_id, year))
        if row is None:
            session.add(AreaPopulation(area_id=area_id, year=year, youth_population=population))
            result.created += 1
        else:
            row.youth_population = population
            result.updated += 1
    session.flush()
    touched = {area_id for area_id, _year, _population in rows}
    by_id = {area.id: area for area in areas.values()}
    for area_id in touched:
        by_id[area_id].youth_population = _latest(session, area_id)
    result.areas = sorted(by_id[area_id].code for area_id in touched)
    result.years = sorted({year for _area_id, year, _population in rows})
    record(
        session,
        actor,
        "monitoring.populations.import",
        object_type="area_population",
        details={"created": result.created, "updated": result.updated, "years": result.years},
    )
    return result


def _latest(session: Session, area_id: int) -> int | None:
    latest_year = (
        select(func.max(AreaPopulation.year))
        .where(AreaPopulation.area_id == area_id)
        .scalar_subquery()
    )
    return session.scalar(
        select(AreaPopulation.youth_population).where(
            AreaPopulation.area_id == area_id, AreaPopulation.year == latest_year
        )
    )


def population_for(session: Session, year: int) -> dict[int, int]:
    """Each area's youth population in `year`: that year's count, else the latest earlier
    year's, else the area's own figure; areas with none of these are left out."""
    populations: dict[int, int] = {}
    best_year: dict[int, int] = {}
    rows = session.execute(
        select(AreaPopulation.area_id, AreaPopulation.year, AreaPopulation.youth_population).where(
            AreaPopulation.year <= year
        )
    )
    for area_id, row_year, count in rows:
        if row_year > best_year.get(area_id, FIRST_YEAR - 1):
            best_year[area_id] = row_year
            populations[area_id] = count
    for area_id, fallback in session.execute(select(Area.id, Area.youth_population)):
        if area_id not in populations and fallback is not None:
            populations[area_id] = fallback
    return populations
