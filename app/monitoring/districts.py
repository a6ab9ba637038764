"""The grouping of areas into SSP local-board districts, uploaded as CSV.

`area_code,district_code,district_name`, header required, `;` or `,`. All or nothing: one
bad line and nothing changes. A district left without areas is removed unless a board
membership or an action plan still refers to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.areas.models import Area, District
from app.audit.actor import Actor
from app.audit.services import record
from app.monitoring.models import ActionPlan, BoardMembership
from app.monitoring.uploads import UploadRejected, read_csv

COLUMNS = ("area_code", "district_code", "district_name")
CODE_LENGTH = 32
NAME_LENGTH = 120


@dataclass(frozen=True)
class Assignment:
    area_code: str
    district_code: str
    district_name: str


@dataclass
class GroupingResult:
    districts_created: list[str] = field(default_factory=list)
    districts_renamed: list[str] = field(default_factory=list)
    districts_removed: list[str] = field(default_factory=list)
    areas_moved: list[str] = field(default_factory=list)


def parse_grouping(data: bytes, known_area_codes: set[str]) -> tuple[list[Assignment], list]:
    """The file's assignments and every problem found in it (file-level ones raise)."""
    problems: list = []
    assignments: list[Assignment] = []
    area_lines: dict[str, int] = {}
    district_names: dict[str, tuple[str, int]] = {}
    for row in read_csv(data, COLUMNS):
        area_code, district_code, district_name = (row.values[name] for name in COLUMNS)
        empty = [name for name in COLUMNS if not row.values[name]]
        if empty:
            problems.append(
                _l("Line %(line)d: %(columns)s is empty.", line=row.line, columns=", ".join(empty))
            )
            continue
        if len(district_code) > CODE_LENGTH or len(district_name) > NAME_LENGTH:
            problems.append(
                _l(
                    "Line %(line)d: a district code has at most %(code)d characters and a "
                    "name at most %(name)d.",
                    line=row.line,
                    code=CODE_LENGTH,
                    name=NAME_LENGTH,
                )
            )
        if area_code not in known_area_codes:
            problems.append(
                _l(
                    "Line %(line)d: there is no area with code %(code)s.",
                    line=row.line,
                    code=area_code,
                )
            )
        if area_code in area_lines:
            problems.append(
                _l(
                    "Line %(line)d: area %(code)s is already listed on line %(first)d.",
                    line=row.line,
                    code=area_code,
                    first=area_lines[area_code],
                )
            )
        area_lines.setdefault(area_code, row.line)
        known_name, first_line = district_names.setdefault(district_code, (district_name, row.line))
        if known_name != district_name:
            problems.append(
                _l(
                    "Line %(line)d: district %(code)s is called %(name)s here but %(other)s on "
                    "line %(first)d.",
                    line=row.line,
                    code=district_code,
                    name=district_name,
                    other=known_name,
                    first=first_line,
                )
            )
        assignments.append(Assignment(area_code, district_code, district_name))
    return assignments, problems


def ensure_district(session: Session, code: str, name: str | None, result: GroupingResult):
    """The district with this code, created or renamed to `name` when one is given."""
    district = session.scalar(select(District).where(District.code == code))
    if district is None:
        district = District(code=code, name=name or code)
        session.add(district)
        session.flush()
        result.districts_created.append(code)
    elif name and district.name != name:
        district.name = name
        result.districts_renamed.append(code)
    return district


def apply_assignments(
    session: Session, assignments: list[Assignment], result: GroupingResult
) -> GroupingResult:
    """Move existing areas into their districts; the caller has validated the assignments."""
    areas = {area.code: area for area in session.scalars(select(Area))}
    for assignment in assignments:
        district = ensure_district(
            session, assignment.district_code, assignment.district_name, result
        )
        area = areas.get(assignment.area_code)
        if area is not None and area.district_id != district.id:
            area.district_id = district.id
            result.areas_moved.append(area.code)
    session.flush()
    remove_empty_districts(session, result)
    return result


def remove_empty_districts(session: Session, result: GroupingResult) -> None:
    empty = session.scalars(
        select(District)
        .where(~exists().where(Area.district_id == District.id))
        .where(~exists().where(BoardMembership.district_id == District.id))
        .where(~exists().where(ActionPlan.district_id == District.id))
        .order_by(District.code)
    ).all()
    for district in empty:
        result.districts_removed.append(district.code)
        session.delete(district)
    session.flush()


def import_grouping(session: Session, actor: Actor, data: bytes) -> GroupingResult:
    known = set(session.scalars(select(Area.code)))
    assignments, problems = parse_grouping(data, known)
    if problems:
        raise UploadRejected(problems)
    result = apply_assignments(session, assignments, GroupingResult())
    record(
        session,
        actor,
        "monitoring.districts.import",
        object_type="district",
        details={
            "rows": len(assignments),
            "created": result.districts_created,
            "renamed": result.districts_renamed,
            "removed": result.districts_removed,
            "moved": len(result.areas_moved),
        },
    )
    return result
