"""Uploading area boundaries: the real parishes import cleanly, broken files change nothing."""

from __future__ import annotations

import copy
import json

import pytest
from sqlalchemy import func, select

from app.areas.models import Area, District
from app.audit.models import AuditEvent
from app.monitoring.boundaries import OVERLAP_TOLERANCE, import_boundaries, validate_collection
from app.monitoring.uploads import UploadRejected
from tests.monitoring.areas_helpers import (
    by_name,
    collection,
    grouping_csv,
    parishes_bytes,
    with_districts,
)
from tests.monitoring.factories import make_area, make_district, parish_features
from tests.web.helpers import TEST_ACTOR


def problems_of(session, data: bytes, grouping: bytes | None = None) -> list[str]:
    with pytest.raises(UploadRejected) as refused:
        import_boundaries(session, TEST_ACTOR, data, grouping)
    return [str(problem) for problem in refused.value.problems]


def area_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Area))


def test_the_real_parish_file_imports_cleanly_with_a_grouping_file(db_session):
    result = import_boundaries(db_session, TEST_ACTOR, parishes_bytes(), grouping_csv())
    assert len(result.created) == 35 and result.updated == [] and result.not_in_file == []
    assert area_count(db_session) == 35
    vollsmose = db_session.scalar(select(Area).where(Area.name == "Vollsmose"))
    assert json.loads(vollsmose.geometry)["type"] in ("Polygon", "MultiPolygon")
    districts = db_session.scalars(select(District).order_by(District.code)).all()
    assert [(d.code, d.name, len(d.areas)) for d in districts] == [
        ("N", "Nord", 12),
        ("S", "Syd", 12),
        ("V", "Vest", 11),
    ]
    event = db_session.scalar(
        select(AuditEvent).where(AuditEvent.action == "monitoring.areas.import")
    )
    assert json.loads(event.details)["created"] == 35


def test_the_real_file_has_no_overlap_near_the_tolerance():
    features, problems = validate_collection(parishes_bytes())
    assert len(features) == 35 and problems == []
    assert OVERLAP_TOLERANCE == 0.005


def test_a_district_property_in_the_file_is_enough_and_a_second_upload_updates(db_session):
    data = collection(with_districts(parish_features()))
    import_boundaries(db_session, TEST_ACTOR, data)
    features = with_districts(parish_features())
    renamed = by_name(features, "Vollsmose")
    renamed["properties"]["name"] = "Vollsmose sogn"
    gone = features.pop(0)  # Åsum: concerns may refer to it, so it stays
    result = import_boundaries(db_session, TEST_ACTOR, collection(features))
    assert result.created == [] and len(result.updated) == 34
    assert result.not_in_file == [f"{gone['properties']['code']} Åsum"]
    assert area_count(db_session) == 35
    assert (
        db_session.scalar(select(Area.name).where(Area.code == renamed["properties"]["code"]))
        == "Vollsmose sogn"
    )


def test_new_areas_without_a_district_are_refused_by_name(db_session):
    problems = problems_of(db_session, parishes_bytes())
    assert len(problems) == 1
    assert problems[0].startswith("These new areas have no district: 7878 Åsum, ")
    assert "Vollsmose" in problems[0]
    assert area_count(db_session) == 0


def test_a_self_intersecting_polygon_is_named(db_session):
    features = with_districts(parish_features())
    bow = by_name(features, "Dalum")
    bow["geometry"] = {
        "type": "Polygon",
        "coordinates": [[[10.0, 55.0], [10.1, 55.1], [10.1, 55.0], [10.0, 55.1], [10.0, 55.0]]],
    }
    number = features.index(bow) + 1
    code = bow["properties"]["code"]
    assert problems_of(db_session, collection(features)) == [
        f"Feature {number} (code {code}) is not a valid shape: Self-intersection[10.05 55.05]."
    ]
    assert area_count(db_session) == 0


def test_a_point_is_not_an_area(db_session):
    features = with_districts(parish_features())
    features[3]["geometry"] = {"type": "Point", "coordinates": [10.4, 55.4]}
    code = features[3]["properties"]["code"]
    assert problems_of(db_session, collection(features)) == [
        f"Feature 4 (code {code}) is a Point; only Polygon and MultiPolygon areas are accepted."
    ]


def test_a_duplicate_code_and_an_overlapping_copy_are_both_reported(db_session):
    features = with_districts(parish_features())
    copied = copy.deepcopy(by_name(features, "Vollsmose"))
    copied["properties"]["name"] = "Vollsmose igen"
    features.append(copied)
    first = next(i for i, f in enumerate(features, 1) if f["properties"]["name"] == "Vollsmose")
    code = copied["properties"]["code"]
    assert problems_of(db_session, collection(features)) == [
        f"Features {first} and 36 have the same code {code}.",
        f"Features {first} (code {code}) and 36 (code {code}) overlap by 100.0 % of the "
        "smaller area.",
    ]
    assert area_count(db_session) == 0


def test_an_overlap_beyond_the_tolerance_is_caught_and_a_sliver_is_not(db_session):
    features = with_districts(parish_features())
    moved = copy.deepcopy(by_name(features, "Højby"))
    moved["properties"].update(code="9999", name="Ny Højby")
    ring = moved["geometry"]["coordinates"][0]
    moved["geometry"]["coordinates"] = [[[x + 0.02, y] for x, y in ring]]  # ~1.3 km east
    problems = problems_of(db_session, collection([*features, moved]))
    assert any("(code 9999) overlap by" in p for p in problems), problems


def test_missing_names_empty_codes_and_duplicate_names_are_all_listed(db_session):
    features = with_districts(parish_features())
    del features[0]["properties"]["name"]
    features[1]["properties"]["code"] = "  "
    features[3]["properties"]["name"] = features[2]["properties"]["name"]
    problems = problems_of(db_session, collection(features))
    assert problems == [
        'Feature 1 (code 7878) has no name (property "name").',
        'Feature 2 (no code) has no code (property "code").',
        f"Features 3 and 4 have the same name {features[2]['properties']['name']}.",
    ]


def test_coordinates_outside_wgs84_are_reported(db_session):
    features = with_districts(parish_features())
    ring = features[0]["geometry"]["coordinates"][0]
    features[0]["geometry"]["coordinates"] = [[[x * 60000, y * 110000] for x, y in ring]]
    problems = problems_of(db_session, collection(features))
    assert problems[0].startswith("Feature 1 (code 7878) has coordinates outside longitude")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b'{"type": "FeatureCollection", "features": [',
            "The file is not valid JSON (line 1, column 44).",
        ),
        (b'{"type": "Feature"}', "The file is not a GeoJSON FeatureCollection."),
        (b"\xff\xfe{}", "The file is not UTF-8 text."),
        (b'{"type": "FeatureCollection", "features": []}', "The file holds no features."),
    ],
)
def test_files_that_are_not_a_feature_collection(db_session, data, message):
    assert problems_of(db_session, data) == [message]


def test_a_bad_grouping_file_in_the_same_upload_refuses_everything(db_session):
    grouping = grouping_csv() + b"0000,N,Nord\n"
    assert problems_of(db_session, parishes_bytes(), grouping) == [
        "Grouping file: Line 37: there is no area with code 0000."
    ]
    assert area_count(db_session) == 0


def test_existing_areas_keep_their_district_and_are_reported_when_missing(db_session):
    district = make_district(db_session, "OLD", "Gammelt distrikt")
    make_area(db_session, district, "X1", "Et gammelt område")
    result = import_boundaries(db_session, TEST_ACTOR, parishes_bytes(), grouping_csv())
    assert result.not_in_file == ["X1 Et gammelt område"]
    assert db_session.scalar(select(District.code).join(Area).where(Area.code == "X1")) == "OLD"
