"""GET /api/v1/monitoring/…: releases, areas as GeoJSON and tables, in the caller's scope,
with the published labels only; bad parameters are a 422 with field errors."""

from __future__ import annotations

import json

import pytest

from tests.monitoring.export_world import (
    SHOWN_VALUES,
    board_member,
    build_export_world,
    export_events,
)
from tests.web.helpers import api_token_for


@pytest.fixture
def world(db_session):
    return build_export_world(db_session)


@pytest.fixture
def nord_api(client, db_session, world):
    """A GET as a board member of Nord, through a personal API token."""
    token = api_token_for(db_session, board_member(db_session, world.nord_id))

    def get(path: str, **params):
        return client.get(path, query_string=params, headers={"Authorization": f"Bearer {token}"})

    return get


def table_url(world) -> str:
    return f"/api/v1/monitoring/releases/{world.release.id}/table"


def cells_of(body: dict) -> dict[tuple[str, str], dict]:
    return {(cell["row"], cell["col"]): cell for cell in body["cells"]}


def test_the_current_releases_newest_first(nord_api, world):
    response = nord_api("/api/v1/monitoring/releases")

    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [item["label"] for item in items] == ["2026-Q3", "2026-Q2"]
    assert items[0] | {"created_at": None} == {
        "id": world.release.id, "label": "2026-Q3", "period_kind": "quarter",
        "period_start": "2026-07-01", "period_end": "2026-09-30", "version": 1, "k": 5,
        "created_at": None,
    }  # fmt: skip
    assert nord_api("/api/v1/monitoring/releases", period_kind="year").get_json() == {"items": []}


@pytest.mark.parametrize(
    ("params", "field"),
    [({"period_kind": "month"}, "period_kind"), ({"from": "2026-01-01"}, "from")],
)
def test_a_free_period_is_refused(nord_api, params, field):
    response = nord_api("/api/v1/monitoring/releases", **params)

    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "validation_failed" and set(body["fields"]) == {field}


def test_areas_as_geojson_in_scope_with_labels(nord_api, db_session, world):
    response = nord_api(f"/api/v1/monitoring/releases/{world.release.id}/areas.geojson")

    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    collection = json.loads(response.get_data())
    properties = {f["properties"]["code"]: f["properties"] for f in collection["features"]}
    assert set(properties) == {"A1", "A2"}  # Bolbro lies in Syd
    assert (properties["A2"]["concerns"], properties["A2"]["value"]) == ("<5", None)
    assert properties["A2"]["rate"] is None
    assert json.loads(export_events(db_session)[0].details) == {
        "format": "geojson-api", "unit": None,
    }  # fmt: skip


def test_areas_against_the_total_and_against_a_dimension(nord_api, world):
    totals = nord_api(table_url(world), rows="area").get_json()

    assert [row["key"] for row in totals["rows"]] == ["A2", "A1"]
    assert [col["key"] for col in totals["cols"]] == ["*"]
    cells = cells_of(totals)
    assert cells[("A1", "*")] == {
        "row": "A1", "col": "*", "value": 41, "label": "41", "status": "shown", "rate": 41.0,
    }  # fmt: skip
    assert cells[("A2", "*")] == {
        "row": "A2", "col": "*", "value": None, "label": "<5", "status": "primary", "rate": None,
    }  # fmt: skip

    by_category = nord_api(table_url(world), rows="area", cols="category", unit="D1").get_json()
    assert [col["key"] for col in by_category["cols"]] == ["*", "school", "family"]
    assert cells_of(by_category)[("A1", "family")]["label"] == "<5"
    assert cells_of(by_category)[("A1", "school")]["value"] == 33


def test_a_crosstab_of_a_district_keeps_its_suppression(nord_api, world):
    response = nord_api(table_url(world), rows="category", cols="age_band", unit="D1")

    assert response.status_code == 200
    body = response.get_json()
    assert body["unit"] == {"code": "D1", "name": "Nord", "level": "district"}
    assert [row["key"] for row in body["rows"]] == ["*", "school", "family"]
    assert [col["label"] for col in body["cols"]][1:] == ["12-14 år", "15-17 år"]
    cells = cells_of(body)
    assert (cells[("school", "12-14")]["label"], cells[("school", "12-14")]["value"]) == (
        "<5", None,
    )  # fmt: skip
    assert cells[("school", "15-17")]["value"] == 29
    assert cells[("*", "*")]["value"] == 77
    assert {c["value"] for c in body["cells"] if c["value"] is not None} <= SHOWN_VALUES
    assert all(c["rate"] is None for c in body["cells"] if c["status"] != "shown")


def test_a_dimension_of_the_municipality_against_the_total(nord_api, world):
    body = nord_api(table_url(world), rows="gender").get_json()

    assert body["unit"]["code"] == "ALL"
    assert [col["key"] for col in body["cols"]] == ["*"]
    assert cells_of(body)[("*", "*")]["value"] == 131


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({}, {"rows"}),
        ({"rows": "district"}, {"rows"}),
        ({"rows": "area", "cols": "area"}, {"cols"}),
        ({"rows": "category", "cols": "category"}, {"cols"}),
        ({"rows": "category", "unit": "D" * 81}, {"unit"}),
        ({"rows": "area", "from": "2026-07-01", "to": "2026-07-15"}, {"from", "to"}),
    ],
)
def test_bad_table_parameters_are_a_422_with_field_errors(nord_api, world, params, fields):
    response = nord_api(table_url(world), **params)

    assert response.status_code == 422
    body = response.get_json()
    assert (body["error"], body["status"]) == ("validation_failed", 422)
    assert set(body["fields"]) == fields


@pytest.mark.parametrize("unit", ["D2", "A1", "NOPE"])
def test_a_unit_outside_scope_or_not_a_district_is_a_404(nord_api, world, unit):
    response = nord_api(table_url(world), rows="category", unit=unit)

    assert response.status_code == 404
    assert "Syd" not in response.get_data(as_text=True)


def test_a_release_that_does_not_exist_is_a_404(nord_api, world):
    missing = world.release.id + 1000
    assert nord_api(f"/api/v1/monitoring/releases/{missing}/table", rows="area").status_code == 404
    areas = nord_api(f"/api/v1/monitoring/releases/{missing}/areas.geojson")
    assert areas.status_code == 404 and areas.get_json()["error"]


def test_the_three_operations_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]

    assert set(paths["/monitoring/releases"]) == {"get"}
    geojson = paths["/monitoring/releases/{release_id}/areas.geojson"]["get"]
    assert "application/geo+json" in geojson["responses"]["200"]["content"]
    table = paths["/monitoring/releases/{release_id}/table"]["get"]
    assert {p["name"] for p in table["parameters"]} == {"release_id", "rows", "cols", "unit"}
    assert {"200", "404", "422"} <= set(table["responses"])
