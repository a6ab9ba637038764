"""POST /api/v1/concerns: another system (the police's, say) records a concern electronically.

The body is checked for shape here and for rules by the same service as the intake page.
A client-supplied Idempotency-Key makes retries safe: the same key and body give the same
concern (200); the same key with another body is refused (409).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

from flask import jsonify, request
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.api.openapi import operation
from app.api.views import blueprint
from app.audit.services import record
from app.auth.policy import requires
from app.cases.concerns import (
    LEGAL_BASES,
    NARRATIVE_MAX,
    NOTIFICATIONS,
    REPORTER_TYPES,
    ConcernInput,
    record_concern,
)
from app.cases.models import Concern
from app.cases.persons import GENDERS, PersonInput
from app.core.errors import DomainError
from app.core.request_context import current_actor
from app.crypto.keyring import keyring_for
from app.db import db

ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
KEY_PATTERN = re.compile(r"^[A-Za-z0-9._~-]{1,64}$")
ERROR_REF = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
NEW_PERSON = {
    "type": "object",
    "properties": {
        "first_name": {"type": "string", "maxLength": 100},
        "last_name": {"type": "string", "maxLength": 100},
        "cpr": {"type": "string", "description": "DDMMYY-SSSS or ten digits", "nullable": True},
        "birth_date": {
            "type": "string",
            "format": "date",
            "nullable": True,
            "description": "Required when no CPR number is given",
        },
        "gender": {"type": "string", "enum": list(GENDERS)},
        "area_id": {**ID, "nullable": True},
        "institution": {"type": "string", "nullable": True},
    },
    "required": ["first_name", "last_name"],
}
CONCERN_REQUEST = {
    "type": "object",
    "properties": {
        "occurred_on": {"type": "string", "format": "date"},
        "area_id": ID,
        "place": {"type": "string", "nullable": True},
        "reporter_type": {"type": "string", "enum": list(REPORTER_TYPES)},
        "categories": {
            "type": "array",
            "items": {"type": "string"},
            "minItems": 1,
            "description": "Keys of active concern categories",
        },
        "narrative": {"type": "string", "maxLength": NARRATIVE_MAX},
        "legal_basis": {"type": "string", "enum": list(LEGAL_BASES)},
        "legal_basis_note": {
            "type": "string",
            "nullable": True,
            "description": 'Required when legal_basis is "other"',
        },
        "notification": {"type": "string", "enum": list(NOTIFICATIONS), "nullable": True},
        "persons": {
            "type": "array",
            "minItems": 1,
            "items": {
                "oneOf": [
                    {"type": "object", "properties": {"id": ID}, "required": ["id"]},
                    NEW_PERSON,
                ]
            },
        },
    },
    "required": [
        "occurred_on",
        "area_id",
        "reporter_type",
        "categories",
        "narrative",
        "legal_basis",
        "persons",
    ],
}
CONCERN_CREATED = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "status": {"type": "string"},
        "persons": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"person_id": {"type": "integer"}, "case_id": {"type": "integer"}},
            },
        },
    },
    "required": ["id", "status", "persons"],
}
VALIDATION_ERROR = {
    "type": "object",
    "properties": {
        "error": {"type": "string"},
        "status": {"type": "integer"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"}},
    },
    "required": ["error", "fields"],
}


class ShapeError(Exception):
    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("invalid body")
        self.fields = fields


def _problem(status: int, error: str, fields: dict | None = None):
    body = {"error": error, "status": status}
    if fields is not None:
        body["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    return response


def _date(value, name: str, errors: dict, required: bool = True) -> dt.date | None:
    if value is None and not required:
        return None
    if not isinstance(value, str):
        errors[name] = "Enter a date as YYYY-MM-DD."
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors[name] = "Not a real date in the form YYYY-MM-DD."
        return None


def _typed(body: dict, name: str, kind, errors: dict, required: bool = True, prefix: str = ""):
    value = body.get(name)
    if value is None:
        if required:
            errors[prefix + name] = "This field is required."
        return None
    if not isinstance(value, kind) or isinstance(value, bool):
        errors[prefix + name] = f"Must be {'an integer' if kind is int else 'a string'}."
        return None
    return value


def _person(item, index: int, errors: dict) -> tuple[int | None, PersonInput | None]:
    prefix = f"persons[{index}]."
    if not isinstance(item, dict):
        errors[f"persons[{index}]"] = "Must be an object."
        return None, None
    if "id" in item:
        return _typed(item, "id", int, errors, prefix=prefix), None
    data = PersonInput(
        first_name=_typed(item, "first_name", str, errors, prefix=prefix) or "",
        last_name=_typed(item, "last_name", str, errors, prefix=prefix) or "",
        cpr=_typed(item, "cpr", str, errors, required=False, prefix=prefix),
        birth_date=_date(item.get("birth_date"), prefix + "birth_date", errors, required=False),
        gender=_typed(item, "gender", str, errors, required=False, prefix=prefix) or "unknown",
        area_id=_typed(item, "area_id", int, errors, required=False, prefix=prefix),
        institution=_typed(item, "institution", str, errors, required=False, prefix=prefix),
    )
    return None, data


def parse_body(body) -> tuple[ConcernInput, list[int]]:
    """The body as the service's input (and where each new person stood), or a ShapeError."""
    if not isinstance(body, dict):
        raise ShapeError({"body": "The body must be a JSON object."})
    errors: dict[str, str] = {}
    categories = body.get("categories")
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        errors["categories"] = "Must be a list of category keys."
        categories = []
    people = body.get("persons")
    ids, new, positions = [], [], []
    if not isinstance(people, list) or not people:
        errors["persons"] = 'Name at least one person, as {"id": …} or a new person.'
        people = []
    for index, item in enumerate(people):
        person_id, person = _person(item, index, errors)
        ids += [person_id] if person_id is not None else []
        if person is not None:
            new.append(person)
            positions.append(index)
    data = ConcernInput(
        occurred_on=_date(body.get("occurred_on"), "occurred_on", errors),
        area_id=_typed(body, "area_id", int, errors),
        reporter_type=_typed(body, "reporter_type", str, errors) or "",
        categories=categories,
        narrative=_typed(body, "narrative", str, errors) or "",
        legal_basis=_typed(body, "legal_basis", str, errors) or "",
        legal_basis_note=_typed(body, "legal_basis_note", str, errors, required=False),
        notification=_typed(body, "notification", str, errors, required=False),
        place=_typed(body, "place", str, errors, required=False),
        person_ids=ids,
        new_persons=new,
    )
    if errors:
        raise ShapeError(errors)
    return data, positions


def _fingerprint(body) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    # Keyed, so the stored fingerprint says nothing about the body to a reader of the table.
    return keyring_for(db.session.get_bind().dialect).blind_index("idempotency", digest)[:16]


def _take_turns(user_id: int, key: str) -> None:
    """Requests with the same key run one after the other from here to their commit.

    The unique column holds key and body fingerprint together, so two bodies under one key
    do not collide there: without this, two simultaneous posts would both be recorded. On
    PostgreSQL a transaction-scoped advisory lock on the (user, key) pair makes the second
    wait until the first has committed; its check then sees that concern (200 or 409). On
    SQLite the request already holds the database's write lock (BEGIN IMMEDIATE).
    """
    session = db.session
    if session.get_bind().dialect.name != "postgresql":
        session.connection()  # begins the transaction, and with it the write lock
        return
    digest = hashlib.sha256(f"idempotency\x1f{user_id}:{key}".encode()).digest()
    session.execute(select(func.pg_advisory_xact_lock(int.from_bytes(digest[:8], signed=True))))


def _existing(user_id: int, key: str) -> Concern | None:
    return db.session.scalar(
        select(Concern).where(
            Concern.idempotency_key.startswith(f"{user_id}:{key}:", autoescape=True)
        )
    )


def _created(concern: Concern, status: int):
    response = jsonify(
        id=concern.id,
        status=concern.status,
        persons=[{"person_id": link.person_id, "case_id": link.case_id} for link in concern.links],
    )
    response.status_code = status
    return response


def _replay(concern: Concern, fingerprint: str):
    if not concern.idempotency_key.endswith(f":{fingerprint}"):
        return _problem(409, "idempotency_key_reused_with_another_body")
    record(
        db.session,
        current_actor(),
        "concern.create_replayed",
        object_type="concern",
        object_id=concern.id,
    )
    return _created(concern, 200)


def _domain_field(error: DomainError, positions: list[int]) -> str:
    index = getattr(error, "person_index", None)
    if index is not None and index < len(positions):
        return f"persons[{positions[index]}].{error.field}"
    return error.field or "body"


@blueprint.route("/concerns", methods=["POST"])
@requires("concerns.record")
@operation(
    summary="Record a concern about one or more persons (idempotent by Idempotency-Key)",
    parameters=[
        {
            "name": "Idempotency-Key",
            "in": "header",
            "required": True,
            "schema": {"type": "string", "pattern": KEY_PATTERN.pattern},
            "description": "Chosen by the client, unique per concern. A retry with the same key "
            "and body returns the first result; another body gives 409.",
        }
    ],
    request_body={"required": True, "content": {"application/json": {"schema": CONCERN_REQUEST}}},
    responses={
        "201": {
            "description": "Recorded; each person's case was opened or got the concern",
            "content": {"application/json": {"schema": CONCERN_CREATED}},
        },
        "200": {
            "description": "Already recorded under this key (a retry)",
            "content": {"application/json": {"schema": CONCERN_CREATED}},
        },
        "409": {"description": "The key was used before with another body", "content": ERROR_REF},
        "422": {
            "description": "The body is invalid; `fields` says what is wrong",
            "content": {"application/json": {"schema": VALIDATION_ERROR}},
        },
    },
)
def create_concern():
    key = request.headers.get("Idempotency-Key", "")
    if not KEY_PATTERN.match(key):
        return _problem(
            422,
            "validation_failed",
            {
                "Idempotency-Key": "Send an Idempotency-Key header of 1–64 letters, "
                "digits or . _ ~ -"
            },
        )
    body = request.get_json(silent=True)
    if body is None:
        return _problem(422, "validation_failed", {"body": "The body must be JSON."})
    actor = current_actor()
    fingerprint = _fingerprint(body)
    _take_turns(actor.user_id, key)
    existing = _existing(actor.user_id, key)
    if existing is not None:
        return _replay(existing, fingerprint)
    positions: list[int] = []
    try:
        data, positions = parse_body(body)
        concern = record_concern(
            db.session, actor, data, idempotency_key=f"{actor.user_id}:{key}:{fingerprint}"
        )
    except ShapeError as error:
        return _problem(422, "validation_failed", error.fields)
    except DomainError as error:
        fields = {_domain_field(error, positions): str(error.message)}
        return _problem(422, "validation_failed", fields)
    except IntegrityError:
        db.session.rollback()  # a simultaneous retry got there first
        existing = _existing(actor.user_id, key)
        if existing is None:
            raise
        return _replay(existing, fingerprint)
    return _created(concern, 201)
