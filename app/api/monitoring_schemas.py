"""OpenAPI schemas of the monitoring endpoints (OpenAPI 3.0: `nullable`, no type lists)."""

from __future__ import annotations

from app.api.assessment_schemas import ERROR_REF, VALIDATION_ERROR
from app.monitoring.api_tables import COL_CHOICES, ROW_CHOICES, UNIT_MAX_LENGTH
from app.monitoring.periods import KINDS

STATUSES = ["shown", "primary", "secondary"]
NULLABLE_NUMBER = {"type": "number", "nullable": True}
NULLABLE_INT = {"type": "integer", "nullable": True}

RELEASE_ID = {"name": "release_id", "in": "path", "required": True, "schema": {"type": "integer"}}
PERIOD_KIND = {
    "name": "period_kind",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "enum": list(KINDS)},
    "description": "Only releases of this kind of period",
}
TABLE_PARAMETERS = [
    RELEASE_ID,
    {
        "name": "rows",
        "in": "query",
        "required": True,
        "schema": {"type": "string", "enum": list(ROW_CHOICES)},
        "description": "`area`: the areas in scope; otherwise a dimension of `unit`",
    },
    {
        "name": "cols",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "enum": list(COL_CHOICES)},
        "description": "A dimension other than `rows`; left out, the one column is the total",
    },
    {
        "name": "unit",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "maxLength": UNIT_MAX_LENGTH, "default": "ALL"},
        "description": "A district's code or `ALL` (the municipality, the default); with "
        "rows=area, the district whose areas are listed",
    },
]

RELEASE = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "label": {"type": "string", "description": "2026-Q3, 2026-H2 or 2026"},
        "period_kind": {"type": "string", "enum": list(KINDS)},
        "period_start": {"type": "string", "format": "date"},
        "period_end": {"type": "string", "format": "date", "description": "The last day"},
        "version": {"type": "integer"},
        "k": {"type": "integer", "description": 'Counts from 1 to k-1 are published as "<k"'},
        "created_at": {"type": "string", "format": "date-time", "nullable": True},
    },
    "required": ["id", "label", "period_kind", "period_start", "period_end", "version", "k"],
}
RELEASE_LIST = {
    "type": "object",
    "properties": {"items": {"type": "array", "items": RELEASE}},
    "required": ["items"],
}

AREA_PROPERTIES = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "name": {"type": "string"},
        "district_code": {"type": "string", "nullable": True},
        "district": {"type": "string"},
        "concerns": {"type": "string", "description": 'The published label: a number, "<k" or "–"'},
        "value": {**NULLABLE_INT, "description": "The number, only when shown"},
        "rate": {**NULLABLE_NUMBER, "description": "Per 1,000 young people, only when shown"},
        "status": {"type": "string", "enum": STATUSES},
    },
    "required": ["code", "name", "concerns", "status"],
}
FEATURE_COLLECTION = {
    "type": "object",
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "name": {"type": "string"},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "id": {"type": "string"},
                    "geometry": {
                        "type": "object",
                        "nullable": True,
                        "description": "A GeoJSON Polygon or MultiPolygon (WGS 84)",
                    },
                    "properties": AREA_PROPERTIES,
                },
                "required": ["type", "geometry", "properties"],
            },
        },
    },
    "required": ["type", "features"],
}

KEY_LABEL = {
    "type": "object",
    "properties": {"key": {"type": "string"}, "label": {"type": "string"}},
    "required": ["key", "label"],
}
TABLE = {
    "type": "object",
    "properties": {
        "release": RELEASE,
        "unit": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "name": {"type": "string"},
                "level": {"type": "string", "enum": ["municipality", "district"]},
            },
            "required": ["code", "name", "level"],
        },
        "rows": {"type": "array", "items": KEY_LABEL, "description": '"*" is the total'},
        "cols": {"type": "array", "items": KEY_LABEL, "description": '"*" is the total'},
        "cells": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "row": {"type": "string"},
                    "col": {"type": "string"},
                    "value": {**NULLABLE_INT, "description": "The number, only when shown"},
                    "label": {"type": "string", "description": 'A number, "<k" or "–"'},
                    "status": {"type": "string", "enum": STATUSES},
                    "rate": {**NULLABLE_NUMBER, "description": "Per 1,000 young people"},
                },
                "required": ["row", "col", "value", "label", "status"],
            },
        },
    },
    "required": ["release", "unit", "rows", "cols", "cells"],
}

INVALID = {
    "description": "A parameter is invalid or unknown; `fields` says which",
    "content": {"application/json": {"schema": VALIDATION_ERROR}},
}
NO_RELEASE = {"description": "No such release", "content": ERROR_REF}
NO_UNIT = {
    "description": "No such release, or the unit is not a district or the municipality "
    "in the caller's scope",
    "content": ERROR_REF,
}
