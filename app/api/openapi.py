"""The OpenAPI document, assembled from the operations that API views declare."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from flask import Flask

F = TypeVar("F", bound=Callable)

API_PREFIX = "/api/v1"

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {"type": "string"},
        "status": {"type": "integer"},
        "request_id": {"type": "string"},
    },
    "required": ["error"],
}


def operation(
    *,
    summary: str,
    responses: dict,
    parameters: list | None = None,
    request_body: dict | None = None,
    public: bool = False,
) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        spec = {"summary": summary, "responses": responses}
        if parameters:
            spec["parameters"] = parameters
        if request_body:
            spec["requestBody"] = request_body
        if public:
            spec["security"] = []
        else:
            spec["responses"] = {
                **responses,
                "401": {
                    "description": "Missing or invalid token",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
                "403": {
                    "description": "Not permitted for this user",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
            }
        view.openapi_operation = spec  # type: ignore[attr-defined]
        return view

    return decorate


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule).removeprefix(API_PREFIX)


def build_document(app: Flask) -> dict:
    paths: dict[str, dict] = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API_PREFIX):
            continue
        spec = getattr(app.view_functions[rule.endpoint], "openapi_operation", None)
        if spec is None:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(_openapi_path(rule.rule), {})[method.lower()] = {
                "operationId": rule.endpoint.replace(".", "_"),
                **spec,
            }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Tidlig API",
            "version": "1",
            "description": "Personal API tokens carry their owner's permissions. "
            "Every call that touches personal data is written to the audit trail.",
        },
        "servers": [{"url": API_PREFIX}],
        "security": [{"bearerAuth": []}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR_SCHEMA},
        },
    }
