"""Downloads of a release: CSV, Excel, GeoJSON and a printable area profile (PDF).

Each is cut to the reader's districts and written to the audit trail by its service.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort

from app.auth.policy import requires
from app.core.request_context import current_actor
from app.db import db
from app.monitoring import area_profile, export_workbook, exports
from app.monitoring.exports import ReleaseNotFound, ScopedRelease, UnitNotFound, export_filename

blueprint = Blueprint("monitoring_exports", __name__, url_prefix="/monitoring/releases")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _open(release_id: int) -> ScopedRelease:
    try:
        return exports.open_release(db.session, current_actor(), release_id)
    except ReleaseNotFound:
        abort(404)


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    # `content_type`, not `mimetype`: Flask would add a second charset to "text/csv; charset=…".
    response = Response(body, content_type=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@blueprint.route("/<int:release_id>/export.csv")
@requires("monitoring.export")
def release_csv(release_id: int):
    scoped = _open(release_id)
    body = exports.export_csv(db.session, current_actor(), scoped)
    return _download(body, "text/csv; charset=utf-8", export_filename(scoped.release, "csv"))


@blueprint.route("/<int:release_id>/export.xlsx")
@requires("monitoring.export")
def release_xlsx(release_id: int):
    scoped = _open(release_id)
    body = export_workbook.export_xlsx(db.session, current_actor(), scoped)
    return _download(body, XLSX, export_filename(scoped.release, "xlsx"))


@blueprint.route("/<int:release_id>/areas.geojson")
@requires("monitoring.export")
def release_geojson(release_id: int):
    scoped = _open(release_id)
    collection = exports.export_geojson(db.session, current_actor(), scoped)
    body = json.dumps(collection, ensure_ascii=False).encode("utf-8")
    return _download(body, "application/geo+json", export_filename(scoped.release, "geojson"))


@blueprint.route("/<int:release_id>/areas/<unit_code>.pdf")
@requires("monitoring.export")
def area_pdf(release_id: int, unit_code: str):
    scoped = _open(release_id)
    try:
        filename, body = area_profile.export_profile(db.session, current_actor(), scoped, unit_code)
    except UnitNotFound:
        abort(404)
    return _download(body, "application/pdf", filename)
