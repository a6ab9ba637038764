"""Assessment requests and assessments in the JSON API: the same services, policy and audit
as the case pages. A link token or link never leaves through the API: it is mailed, only.
"""

from __future__ import annotations

import datetime as dt
import re

from flask import jsonify, request

from app.api.assessment_schemas import (
    ASSESSMENT_LIST,
    CREATE_REQUESTS,
    CREATED_REQUESTS,
    ERROR_REF,
    VALIDATION_ERROR,
)
from app.api.case_endpoints import PURPOSE_HEADER, stated_purpose
from app.api.openapi import operation
from app.api.views import blueprint
from app.assessments import settings
from app.assessments.listing import case_assessments
from app.assessments.requests import AssessorInput, request_assessments
from app.auth.policy import requires
from app.cases.policy import PurposeRequired, load_case_or_deny
from app.core.errors import DomainError
from app.core.request_context import current_actor
from app.db import db

CASE_ID = {"name": "case_id", "in": "path", "required": True, "schema": {"type": "integer"}}
PURPOSE = {
    "name": PURPOSE_HEADER,
    "in": "header",
    "schema": {"type": "string", "maxLength": 600},
    "description": "Required to open a case outside the caller's assignment (see GET /cases/{id})",
}
SERVICE_FIELD = re.compile(r"^assessors-(\d+)-(\w+)$")


class ShapeError(Exception):
    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("invalid body")
        self.fields = fields


def _problem(status: int, error: str, fields: dict | None = None):
    body: dict = {"error": error, "status": status}
    if fields is not None:
        body["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    return response


def _string(item: dict, name: str, errors: dict, prefix: str, required: bool = True) -> str:
    value = item.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        errors[prefix + name] = "Must be a string."
        return ""
    return value


def _assessor(item, index: int, errors: dict) -> AssessorInput | None:
    prefix = f"assessors[{index}]."
    if not isinstance(item, dict):
        errors[f"assessors[{index}]"] = "Must be an object."
        return None
    user_id = item.get("user_id")
    if user_id is not None and (not isinstance(user_id, int) or isinstance(user_id, bool)):
        errors[prefix + "user_id"] = "Must be an integer."
        user_id = None
    # A user's own name and address are taken from their account.
    needs_contact = user_id is None
    return AssessorInput(
        name=_string(item, "name", errors, prefix, required=needs_contact),
        email=_string(item, "email", errors, prefix, required=needs_contact),
        setting=_string(item, "setting", errors, prefix),
        setting_kind=_string(item, "setting_kind", errors, prefix, required=False) or "school",
        user_id=user_id,
    )


def parse_request_body(body, today: dt.date) -> tuple[list[AssessorInput], str, dt.date]:
    if not isinstance(body, dict):
        raise ShapeError({"body": "The body must be a JSON object."})
    errors: dict[str, str] = {}
    question = _string(body, "question", errors, "")
    due_on = settings.default_due_on(today)
    if body.get("due_on") is not None:
        try:
            due_on = dt.date.fromisoformat(body["due_on"])
        except (TypeError, ValueError):
            errors["due_on"] = "Enter a date as YYYY-MM-DD."
    items = body.get("assessors")
    if not isinstance(items, list) or not items:
        errors["assessors"] = "Name at least one assessor."
        items = []
    assessors = [_assessor(item, index, errors) for index, item in enumerate(items)]
    if errors:
        raise ShapeError(errors)
    return [a for a in assessors if a is not None], question, due_on


def _api_field(field: str | None) -> str:
    match = SERVICE_FIELD.match(field or "")
    return f"assessors[{match[1]}].{match[2]}" if match else (field or "body")


def _load_case(case_id: int):
    """The case through the case policy; a 428 response when a purpose must be given."""
    try:
        return load_case_or_deny(current_actor(), case_id, stated_purpose()), None
    except PurposeRequired:
        return None, _problem(428, "purpose_required")


@blueprint.route("/cases/<int:case_id>/assessment-requests", methods=["POST"])
@requires("assessments.request")
@operation(
    summary="Ask named professionals for an assessment of the case's child (one link is "
    "mailed to each; links never appear in the API)",
    parameters=[CASE_ID, PURPOSE],
    request_body={"required": True, "content": {"application/json": {"schema": CREATE_REQUESTS}}},
    responses={
        "201": {
            "description": "The requests, one per assessor",
            "content": {"application/json": {"schema": CREATED_REQUESTS}},
        },
        "404": {"description": "No such case", "content": ERROR_REF},
        "422": {
            "description": "The body is invalid; `fields` says what is wrong",
            "content": {"application/json": {"schema": VALIDATION_ERROR}},
        },
        "428": {"description": "A purpose is needed to open the case", "content": ERROR_REF},
    },
)
def create_assessment_requests(case_id: int):
    access, refusal = _load_case(case_id)
    if refusal is not None:
        return refusal
    today = dt.date.today()
    try:
        assessors, question, due_on = parse_request_body(request.get_json(silent=True), today)
        issued = request_assessments(
            db.session,
            current_actor(),
            access.case,
            assessors,
            question,
            due_on,
            settings.link_settings(),
            today=today,
        )
    except ShapeError as error:
        return _problem(422, "validation_failed", error.fields)
    except DomainError as error:
        return _problem(422, "validation_failed", {_api_field(error.field): str(error.message)})
    response = jsonify(items=[_request_json(item.request) for item in issued])
    response.status_code = 201
    return response


def _request_json(row) -> dict:
    return {
        "id": row.id,
        "round": row.round,
        "status": row.status,
        "due_on": row.due_on.isoformat(),
        "requested_at": row.requested_at.isoformat(),
        "assessor": {
            "name": row.assessor_name,
            "setting": row.assessor_setting,
            "setting_kind": row.setting_kind,
            "user_id": row.assessor_user_id,
        },
        "decline_reason": row.decline_reason,
    }


@blueprint.route("/cases/<int:case_id>/assessments")
@requires("assessments.view")
@operation(
    summary="The case's assessment requests and, for answered ones, the latest version of "
    "the answers by domain key (a profile: there is no total score)",
    parameters=[CASE_ID, PURPOSE],
    responses={
        "200": {
            "description": "Requests by round, with the answers where submitted",
            "content": {"application/json": {"schema": ASSESSMENT_LIST}},
        },
        "404": {"description": "No such case", "content": ERROR_REF},
        "428": {
            "description": f"Outside the caller's assignment: give a `{PURPOSE_HEADER}`",
            "content": ERROR_REF,
        },
    },
)
def case_assessment_list(case_id: int):
    access, refusal = _load_case(case_id)
    if refusal is not None:
        return refusal
    rows = case_assessments(db.session, current_actor(), access)
    items = []
    for row in rows:
        item = _request_json(row.request)
        item["assessment"] = row.answers
        items.append(item)
    return jsonify(case_id=access.case.id, items=items)
