"""Area boundaries uploaded as a GeoJSON FeatureCollection: checked whole, then upserted by code.

The checks live in boundary_checks.py. Areas missing from a new file are kept (concerns
refer to them) and reported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.areas.models import Area
from app.audit.actor import Actor
from app.audit.services import record
from app.monitoring.boundary_checks import (
    OVERLAP_TOLERANCE,
    AreaFeature,
    validate_collection,
)
from app.monitoring.districts import (
    GroupingResult,
    apply_assignments,
    ensure_district,
    parse_grouping,
    remove_empty_districts,
)
from app.monitoring.uploads import UploadRejected

__all__ = ["OVERLAP_TOLERANCE", "BoundaryImportResult", "import_boundaries", "validate_collection"]


@dataclass
class BoundaryImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    not_in_file: list[str] = field(default_factory=list)  # "code name", kept in the database
    grouping: GroupingResult = field(default_factory=GroupingResult)


def import_boundaries(
    session: Session, actor: Actor, data: bytes, grouping: bytes | None = None
) -> BoundaryImportResult:
    """Upsert the file's areas by code; nothing changes unless the whole upload is sound."""
    existing = {area.code: area for area in session.scalars(select(Area))}
    try:
        features, problems = validate_collection(data)
    except UploadRejected as refusal:
        features, problems = [], list(refusal.problems)
    assignments = []
    if grouping is not None:
        try:
            assignments, grouping_problems = parse_grouping(
                grouping, set(existing) | {feature.code for feature in features}
            )
        except UploadRejected as refusal:
            grouping_problems = refusal.problems
        problems += [_l("Grouping file: %(problem)s", problem=p) for p in grouping_problems]
    if problems:
        raise UploadRejected(problems)
    listed = {assignment.area_code: assignment for assignment in assignments}
    homeless = [
        f"{f.code} {f.name}"
        for f in features
        if f.code not in existing and f.code not in listed and not f.district_code
    ]
    if homeless:
        raise UploadRejected(
            [
                _l(
                    'These new areas have no district: %(areas)s. Give each a "district" '
                    "property in the file, or upload a grouping file that lists them.",
                    areas=", ".join(homeless),
                )
            ]
        )
    result = BoundaryImportResult()
    for feature in features:
        _upsert(session, feature, existing.get(feature.code), listed.get(feature.code), result)
    session.flush()
    if assignments:
        apply_assignments(session, assignments, result.grouping)
    else:
        remove_empty_districts(session, result.grouping)
    in_file = {feature.code for feature in features}
    result.not_in_file = sorted(
        f"{area.code} {area.name}" for code, area in existing.items() if code not in in_file
    )
    record(
        session,
        actor,
        "monitoring.areas.import",
        object_type="area",
        details={
            "created": len(result.created),
            "updated": len(result.updated),
            "not_in_file": [text.split(" ", 1)[0] for text in result.not_in_file],
            "districts_created": result.grouping.districts_created,
        },
    )
    return result


def _upsert(session: Session, feature: AreaFeature, area: Area | None, listed, result) -> None:
    geometry = json.dumps(feature.geometry, separators=(",", ":"))
    district_code = listed.district_code if listed else feature.district_code
    district_name = listed.district_name if listed else feature.district_name
    district = (
        ensure_district(session, district_code, district_name, result.grouping)
        if district_code
        else None
    )
    if area is None:
        session.add(
            Area(code=feature.code, name=feature.name, district_id=district.id, geometry=geometry)
        )
        result.created.append(feature.code)
        return
    area.name = feature.name
    area.geometry = geometry
    if district is not None:
        area.district_id = district.id
    result.updated.append(feature.code)
