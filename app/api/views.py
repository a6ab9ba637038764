from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask_login import current_user

from app.api.openapi import API_PREFIX, build_document, operation
from app.auth.policy import authenticated, public

blueprint = Blueprint("api", __name__, url_prefix=API_PREFIX)

ME_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "email": {"type": "string"},
        "full_name": {"type": "string"},
        "role": {"type": "string"},
        "organisation": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "type": {"type": "string"},
                "is_section_115_party": {"type": "boolean"},
            },
        },
    },
    "required": ["id", "email", "role", "organisation"],
}


@blueprint.route("/me")
@authenticated
@operation(
    summary="The user the token belongs to",
    responses={
        "200": {
            "description": "The token's user",
            "content": {"application/json": {"schema": ME_SCHEMA}},
        }
    },
)
def me():
    organisation = current_user.organisation
    return jsonify(
        id=current_user.id,
        email=current_user.email,
        full_name=current_user.full_name,
        role=current_user.role,
        organisation={
            "id": organisation.id,
            "name": organisation.name,
            "type": organisation.type,
            "is_section_115_party": organisation.is_section_115_party,
        },
    )


@blueprint.route("/openapi.json")
@public
@operation(
    summary="This OpenAPI document",
    responses={
        "200": {
            "description": "The OpenAPI 3 description of the API",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
    public=True,
)
def openapi():
    return jsonify(build_document(current_app))
