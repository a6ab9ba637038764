"""OpenAPI schemas of the assessment endpoints (OpenAPI 3.0: `nullable`, no type lists)."""

from __future__ import annotations

from app.assessments.content import CONTACT_CHOICES, KNOWN_FOR_CHOICES
from app.assessments.requests import (
    NAME_MAX_LENGTH,
    QUESTION_MAX_LENGTH,
    SETTING_KINDS,
    SETTING_MAX_LENGTH,
)

ERROR_REF = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
NULLABLE_STRING = {"type": "string", "nullable": True}
NULLABLE_INT = {"type": "integer", "nullable": True}
REQUEST_STATUSES = ["open", "submitted", "declined", "revoked"]

VALIDATION_ERROR = {
    "type": "object",
    "properties": {
        "error": {"type": "string"},
        "status": {"type": "integer"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"}},
    },
    "required": ["error", "fields"],
}

ASSESSOR_INPUT = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "maxLength": NAME_MAX_LENGTH},
        "email": {"type": "string", "format": "email"},
        "setting": {
            "type": "string",
            "maxLength": SETTING_MAX_LENGTH,
            "description": "The assessor's own school, club or institution, as the form shows it",
        },
        "setting_kind": {"type": "string", "enum": list(SETTING_KINDS), "default": "school"},
        "user_id": {
            "type": "integer",
            "description": "A user of Tidlig: name and e-mail are then taken from the account",
        },
    },
    "required": ["setting"],
}
CREATE_REQUESTS = {
    "type": "object",
    "properties": {
        "question": {"type": "string", "maxLength": QUESTION_MAX_LENGTH},
        "due_on": {
            "type": "string",
            "format": "date",
            "description": "After today and within 60 days; 7 days from today when left out",
        },
        "assessors": {"type": "array", "minItems": 1, "maxItems": 10, "items": ASSESSOR_INPUT},
    },
    "required": ["question", "assessors"],
}

REQUEST = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "round": {"type": "integer"},
        "status": {"type": "string", "enum": REQUEST_STATUSES},
        "due_on": {"type": "string", "format": "date"},
        "requested_at": {"type": "string", "format": "date-time"},
        "assessor": {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "setting": {"type": "string"},
                "setting_kind": {"type": "string", "enum": list(SETTING_KINDS)},
                "user_id": NULLABLE_INT,
            },
            "required": ["name", "setting", "setting_kind"],
        },
        "decline_reason": NULLABLE_STRING,
    },
    "required": ["id", "round", "status", "due_on", "assessor"],
}
CREATED_REQUESTS = {
    "type": "object",
    "properties": {"items": {"type": "array", "items": REQUEST}},
    "required": ["items"],
}

DOMAIN_ANSWER = {
    "type": "object",
    "properties": {
        "state": {
            "type": "string",
            "nullable": True,
            "enum": ["0", "1", "2", "dont_know", "not_relevant", None],
            "description": "A rating 0–2, or one of the two non-numeric states",
        },
        "rating": {"type": "integer", "nullable": True, "minimum": 0, "maximum": 2},
        "unknown_reason": NULLABLE_STRING,
        "source": NULLABLE_STRING,
        "confidence": NULLABLE_STRING,
        "evidence": {"type": "string"},
    },
    "required": ["state", "rating", "evidence"],
}
ANSWERS = {
    "type": "object",
    "nullable": True,
    "description": "The latest submitted version; null while the request is not answered",
    "properties": {
        "version": {"type": "integer"},
        "submitted_at": {"type": "string", "format": "date-time", "nullable": True},
        "instrument_version": {"type": "integer"},
        "coverage": {
            "type": "object",
            "properties": {"known": {"type": "integer"}, "total": {"type": "integer"}},
            "required": ["known", "total"],
        },
        "contact": {"type": "string", "nullable": True, "enum": [*CONTACT_CHOICES, None]},
        "known_for": {"type": "string", "nullable": True, "enum": [*KNOWN_FOR_CHOICES, None]},
        "worry": {"type": "integer", "nullable": True, "minimum": 0, "maximum": 10},
        "worry_reason": {"type": "string"},
        "domains": {
            "type": "object",
            "description": "By the instrument's stable domain keys (R1…, P1…)",
            "additionalProperties": DOMAIN_ANSWER,
        },
    },
    "required": ["version", "instrument_version", "coverage", "domains"],
}
ASSESSMENT_LIST = {
    "type": "object",
    "properties": {
        "case_id": {"type": "integer"},
        "items": {
            "type": "array",
            "items": {
                **REQUEST,
                "properties": {**REQUEST["properties"], "assessment": ANSWERS},
                "required": [*REQUEST["required"], "assessment"],
            },
        },
    },
    "required": ["case_id", "items"],
}
