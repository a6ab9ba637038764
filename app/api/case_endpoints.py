"""GET /api/v1/cases and /api/v1/cases/{id}: the same policy, services and audit as the pages.

No CPR ever leaves through the API; names only for cases the policy lets the caller see.
"""

from __future__ import annotations

from urllib.parse import unquote

from flask import current_app, jsonify, request

from app.api.openapi import operation
from app.api.views import blueprint
from app.auth.policy import requires
from app.cases import case_services, queries
from app.cases.policy import PurposeRequired, load_case_or_deny
from app.cases.workflow import Status
from app.core.request_context import current_actor
from app.db import db

ERROR_REF = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
NULLABLE_INT = {"type": "integer", "nullable": True}
NULLABLE_DATE = {"type": "string", "format": "date", "nullable": True}

CASE_SUMMARY = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "status": {"type": "string", "enum": [s.value for s in Status]},
        "area_id": NULLABLE_INT,
        "age": NULLABLE_INT,
        "assigned_to_id": NULLABLE_INT,
        "next_review_on": NULLABLE_DATE,
        "overdue": {"type": "boolean"},
        "opened_at": {"type": "string", "format": "date-time"},
    },
    "required": ["id", "name", "status", "overdue", "opened_at"],
}
CASE_PAGE = {
    "type": "object",
    "properties": {
        "items": {"type": "array", "items": CASE_SUMMARY},
        "page": {"type": "integer"},
        "per_page": {"type": "integer"},
        "pages": {"type": "integer"},
        "total": {"type": "integer"},
    },
    "required": ["items", "page", "per_page", "pages", "total"],
}
CASE_DETAIL = {
    "type": "object",
    "properties": {
        **CASE_SUMMARY["properties"],
        "version": {"type": "integer"},
        "closed_reason": {"type": "string", "nullable": True},
        "area": {"type": "string", "nullable": True},
        "institution": {"type": "string", "nullable": True},
        "parents_informed": {"type": "boolean", "nullable": True},
        "parents_view": {"type": "string", "nullable": True},
        "young_person_informed": {"type": "boolean", "nullable": True},
        "young_person_view": {"type": "string", "nullable": True},
        "concerns": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "occurred_on": {"type": "string", "format": "date"},
                    "categories": {"type": "array", "items": {"type": "string"}},
                    "narrative": {"type": "string"},
                    "group_concern": {"type": "boolean"},
                },
            },
        },
        "timeline": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "occurred_at": {"type": "string", "format": "date-time"},
                    "kind": {"type": "string"},
                },
            },
        },
    },
    "required": ["id", "name", "status", "version", "concerns", "timeline"],
}
ID_PARAMETER = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
LIST_PARAMETERS = [
    {
        "name": "status",
        "in": "query",
        "schema": {"type": "string", "enum": [s.value for s in Status]},
    },
    {"name": "area_id", "in": "query", "schema": ID_PARAMETER},
    {"name": "district_id", "in": "query", "schema": ID_PARAMETER},
    {
        "name": "age_band",
        "in": "query",
        "schema": {"type": "string", "enum": queries.AGE_BAND_KEYS},
    },
    {"name": "category_id", "in": "query", "schema": ID_PARAMETER},
    {
        "name": "overdue",
        "in": "query",
        "schema": {"type": "boolean"},
        "description": "Only cases whose next review date has passed and that are not closed",
    },
    {
        "name": "mine",
        "in": "query",
        "schema": {"type": "boolean"},
        "description": "Only cases assigned to the caller",
    },
    {
        "name": "inactive",
        "in": "query",
        "schema": {"type": "boolean"},
        "description": "Only open cases with nothing on their timeline for the municipality's "
        "period (TIDLIG_INACTIVE_MONTHS, 12 by default): proposed for closure",
    },
    {
        "name": "over_age",
        "in": "query",
        "schema": {"type": "boolean"},
        "description": "Only open cases of young people who have reached the municipality's "
        "age limit (TIDLIG_AGE_CEILING, 25 by default): up for review",
    },
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100000}},
]


class BadFilter(ValueError):
    pass


def _int_arg(name: str, maximum: int = 2**31 - 1) -> int | None:
    raw = request.args.get(name, "")
    if raw == "":
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise BadFilter(name)
    return int(raw)


def _bool_arg(name: str) -> bool:
    raw = request.args.get(name, "").lower()
    if raw not in ("", "true", "false", "1", "0"):
        raise BadFilter(name)
    return raw in ("true", "1")


def _choice_arg(name: str, allowed: list[str]) -> str | None:
    raw = request.args.get(name, "")
    if raw and raw not in allowed:
        raise BadFilter(name)
    return raw or None


def _criteria() -> tuple[queries.CaseFilter, int]:
    criteria = queries.CaseFilter(
        status=_choice_arg("status", [s.value for s in Status]),
        area_id=_int_arg("area_id"),
        district_id=_int_arg("district_id"),
        age_band=_choice_arg("age_band", queries.AGE_BAND_KEYS),
        category_id=_int_arg("category_id"),
        overdue=_bool_arg("overdue"),
        mine=_bool_arg("mine"),
        **queries.prompt_criteria(
            current_app.config, inactive=_bool_arg("inactive"), over_age=_bool_arg("over_age")
        ),
    )
    return criteria, _int_arg("page", 100000) or 1


def _summary(case, name: str, today) -> dict:
    return {
        "id": case.id,
        "name": name,
        "status": case.status,
        "area_id": case.area_id,
        "age": queries.age_on(case.birth_year, today),
        "assigned_to_id": case.assigned_to_id,
        "next_review_on": case.next_review_on.isoformat() if case.next_review_on else None,
        "overdue": bool(
            case.next_review_on
            and case.next_review_on < today
            and case.status != Status.CLOSED.value
        ),
        "opened_at": case.opened_at.isoformat(),
    }


@blueprint.route("/cases")
@requires("cases.list")
@operation(
    summary="The cases the caller may see, filtered and paginated (50 per page)",
    parameters=LIST_PARAMETERS,
    responses={
        "200": {
            "description": "One page of cases",
            "content": {"application/json": {"schema": CASE_PAGE}},
        },
        "400": {"description": "A filter value is not valid", "content": ERROR_REF},
    },
)
def cases():
    try:
        criteria, page_number = _criteria()
    except BadFilter as bad:
        response = jsonify(error="invalid_filter", field=str(bad), status=400)
        response.status_code = 400
        return response
    page = queries.list_cases(db.session, current_actor(), criteria, page=page_number)
    today = queries.today()
    return jsonify(
        items=[_summary(row.case, row.name, today) for row in page.cases],
        page=page.page,
        per_page=page.per_page,
        pages=page.pages,
        total=page.total,
    )


PURPOSE_HEADER = "Tidlig-Purpose"


def stated_purpose() -> str | None:
    """The purpose header, percent-decoded as UTF-8 (HTTP headers carry only Latin-1)."""
    raw = request.headers.get(PURPOSE_HEADER)
    return unquote(raw, errors="replace") if raw else None


@blueprint.route("/cases/<int:case_id>")
@requires("cases.view")
@operation(
    summary="One case, as the case page shows it (without CPR)",
    parameters=[
        {"name": "case_id", "in": "path", "required": True, "schema": {"type": "integer"}},
        {
            "name": PURPOSE_HEADER,
            "in": "header",
            "schema": {"type": "string", "maxLength": 600},
            "description": "Required to open a case outside the caller's assignment: why "
            "(10–200 characters, UTF-8 percent-encoded); the access is flagged for the "
            "auditor. A header, not a query parameter, so that it never lands in access "
            "logs or proxies' URL logs",
        },
    ],
    responses={
        "200": {
            "description": "The case",
            "content": {"application/json": {"schema": CASE_DETAIL}},
        },
        "404": {"description": "No such case", "content": ERROR_REF},
        "428": {
            "description": f"Outside the caller's assignment: give a `{PURPOSE_HEADER}`",
            "content": ERROR_REF,
        },
    },
)
def case(case_id: int):
    actor = current_actor()
    try:
        access = load_case_or_deny(actor, case_id, stated_purpose())
    except PurposeRequired:
        # Like the purpose form of the pages: allowed only once a purpose is given.
        response = jsonify(error="purpose_required", status=428)
        response.status_code = 428
        return response
    detail = case_services.view_case(db.session, actor, access)
    c = detail.case
    body = _summary(c, detail.name, queries.today())
    body.update(
        version=c.version,
        closed_reason=c.closed_reason,
        area=detail.area_name,
        age=detail.age,
        institution=detail.institution,
        parents_informed=c.parents_informed,
        parents_view=c.parents_view,
        young_person_informed=c.young_person_informed,
        young_person_view=c.young_person_view,
        concerns=[
            {
                "id": x.id,
                "occurred_on": x.occurred_on.isoformat(),
                "categories": [cat.key for cat in x.categories],
                "narrative": x.narrative,
                "group_concern": x.is_group,
            }
            for x in detail.concerns
        ],
        timeline=[
            {"occurred_at": e.occurred_at.isoformat(), "kind": e.kind} for e in detail.timeline
        ],
    )
    return jsonify(body)
