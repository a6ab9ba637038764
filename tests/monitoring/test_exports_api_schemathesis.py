"""Schemathesis on the monitoring operations against a release that exists: every generated
request gets an answer the document describes, never a 5xx, never an undocumented shape.

tests/web/test_api_schemathesis.py walks every operation with ids that do not exist (404);
here the release id is fixed to a real one so the tables themselves are generated.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.monitoring.export_world import board_member, build_export_world
from tests.web.helpers import api_token_for


def test_the_monitoring_operations_conform_on_a_real_release(app, db_session):
    world = build_export_world(db_session)
    token = api_token_for(db_session, board_member(db_session, world.nord_id))
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [
        result.ok() for result in schema.get_all_operations() if "/monitoring/" in result.ok().path
    ]
    assert len(operations) == 3
    for operation in operations:
        conforms_to_document(operation, world.release.id, token)


def conforms_to_document(operation, release_id: int, token: str) -> None:
    # rows=cols (the same dimension twice) is schema-valid but no table: a 422 there is
    # the documented answer, not a refusal of valid data.
    excluded = [positive_data_acceptance] if operation.path.endswith("/table") else []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    def conforms(case):
        if "release_id" in (case.path_parameters or {}):
            case.path_parameters["release_id"] = release_id
        response = case.call_and_validate(
            headers={"Authorization": f"Bearer {token}"}, excluded_checks=excluded
        )
        assert response.status_code in (200, 404, 422)

    conforms()
