"""Monitoring releases in the JSON API, for GIS tools and spreadsheets: the same published
labels as the board pages, cut to the caller's districts. Only fixed releases exist: there is
no date parameter, and an unknown parameter is refused.
"""

from __future__ import annotations

import json

from flask import Response, abort, jsonify, request

from app.api.monitoring_schemas import (
    FEATURE_COLLECTION,
    INVALID,
    NO_RELEASE,
    NO_UNIT,
    PERIOD_KIND,
    RELEASE_ID,
    RELEASE_LIST,
    TABLE,
    TABLE_PARAMETERS,
)
from app.api.openapi import operation
from app.api.views import blueprint
from app.auth.policy import requires
from app.core.request_context import current_actor
from app.db import db
from app.monitoring import api_tables, exports
from app.monitoring.api_tables import TableError, unknown_parameters
from app.monitoring.exports import ReleaseNotFound, ScopedRelease, UnitNotFound
from app.monitoring.periods import KINDS
from app.monitoring.release_reader import current_releases


def _invalid(fields: dict[str, str]):
    response = jsonify(error="validation_failed", status=422, fields=fields)
    response.status_code = 422
    return response


def _open(release_id: int) -> ScopedRelease:
    try:
        return exports.open_release(db.session, current_actor(), release_id)
    except ReleaseNotFound:
        abort(404)


@blueprint.route("/monitoring/releases")
@requires("monitoring.view")
@operation(
    summary="The current releases of area monitoring (the newest version of each period), "
    "newest period first",
    parameters=[PERIOD_KIND],
    responses={
        "200": {
            "description": "The releases",
            "content": {"application/json": {"schema": RELEASE_LIST}},
        },
        "422": INVALID,
    },
)
def monitoring_releases():
    fields = unknown_parameters(request.args, ("period_kind",))
    kind = request.args.get("period_kind") or None
    if kind is not None and kind not in KINDS:
        fields["period_kind"] = api_tables.choice_message(KINDS)
    if fields:
        return _invalid(fields)
    releases = current_releases(db.session, kind)
    return jsonify(items=[api_tables.release_json(release) for release in releases])


@blueprint.route("/monitoring/releases/<int:release_id>/areas.geojson")
@requires("monitoring.view")
@operation(
    summary="The release's areas in the caller's scope as GeoJSON, with the published total "
    'of concerns ("<k" and "–" stay labels; value and rate only when shown)',
    parameters=[RELEASE_ID],
    responses={
        "200": {
            "description": "A FeatureCollection, one feature per area",
            "content": {"application/geo+json": {"schema": FEATURE_COLLECTION}},
        },
        "404": NO_RELEASE,
        "422": INVALID,
    },
)
def monitoring_release_areas(release_id: int):
    scoped = _open(release_id)  # the release first, then its parameters, as for a case
    fields = unknown_parameters(request.args, ())
    if fields:
        return _invalid(fields)
    collection = exports.export_geojson(db.session, current_actor(), scoped, via="api")
    body = json.dumps(collection, ensure_ascii=False)
    return Response(body, mimetype="application/geo+json")


@blueprint.route("/monitoring/releases/<int:release_id>/table")
@requires("monitoring.view")
@operation(
    summary="One table of the release: the areas, or a district or the municipality by one "
    "dimension against another or the total; suppressed cells have no value",
    parameters=TABLE_PARAMETERS,
    responses={
        "200": {"description": "The table", "content": {"application/json": {"schema": TABLE}}},
        "404": NO_UNIT,
        "422": INVALID,
    },
)
def monitoring_release_table(release_id: int):
    scoped = _open(release_id)
    try:
        table_request = api_tables.parse_table_request(request.args)
    except TableError as error:
        return _invalid(error.fields)
    try:
        return jsonify(api_tables.release_table(db.session, scoped, table_request))
    except UnitNotFound:
        abort(404)
