"""The JSON API: bearer tokens only, revocation and deactivation at once, an honest OpenAPI."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.audit.actor import Actor
from app.auth.accounts import deactivate_user
from app.auth.api_tokens import revoke_api_token
from app.auth.models import ApiToken, User
from app.auth.roles import Role
from tests.factories import make_user
from tests.support import fresh, login
from tests.web.helpers import (
    TEST_ACTOR,
    api_token_for,
    is_login_redirect,
    new_client,
    remember_secret,
)

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def cli_token(runner, email: str, name: str = "cli") -> str:
    result = runner.invoke(args=["tokens", "create", "--user", email, "--name", name])
    assert result.exit_code == 0, result.output
    return remember_secret(result.output.strip().splitlines()[-1])


def test_me_answers_with_the_tokens_user(app, client, db_session, runner):
    user = make_user(db_session, Role.COMMITTEE)
    token = cli_token(runner, user.email)
    assert token.startswith("tidlig_")
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 200
    body = response.get_json()
    assert (body["id"], body["email"], body["role"]) == (user.id, user.email, "committee")
    assert body["organisation"]["id"] == user.organisation_id
    assert response.headers["Cache-Control"] == "no-store"
    db_session.rollback()
    stored = db_session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert stored.token_hash != token and token not in stored.prefix + stored.token_hash
    assert stored.last_used_at is not None


def test_a_revoked_token_is_refused_at_once(app, client, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    token = api_token_for(db_session, user)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    token_id = db_session.scalar(select(ApiToken.id).where(ApiToken.user_id == user.id))
    revoke_api_token(db_session, TEST_ACTOR, fresh(db_session, User, user.id), token_id)
    db_session.commit()
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 401
    assert response.get_json()["error"] and "email" not in response.get_json()


def test_a_token_revoked_in_the_browser_is_refused(app, client, db_session):
    user = make_user(db_session, Role.ASSESSOR)
    login(client, db_session, user)
    response = client.submit("/account/tokens", {"name": "integration"})
    shown = re.search(r"tidlig_[A-Za-z0-9_\-]{40,}", response.get_data(as_text=True))
    token = remember_secret(shown[0])
    api = new_client(app)
    assert api.get("/api/v1/me", headers=bearer(token)).status_code == 200
    token_id = db_session.scalar(select(ApiToken.id).where(ApiToken.user_id == user.id))
    assert client.submit(f"/account/tokens/{token_id}/revoke", {},
                         page="/account/tokens").status_code == 302
    assert api.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_a_deactivated_users_token_is_refused(app, client, db_session):
    user = make_user(db_session, Role.BOARD)
    token = api_token_for(db_session, user)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    fresh(db_session, User, user.id).active = False  # the flag alone, token not revoked
    db_session.commit()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_deactivation_by_the_admin_revokes_the_users_tokens(app, client, db_session):
    user = make_user(db_session, Role.AUDITOR)
    admin = make_user(db_session, Role.ADMIN)
    token = api_token_for(db_session, user)
    deactivate_user(db_session, Actor(user_id=admin.id), fresh(db_session, User, user.id))
    db_session.commit()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    fresh(db_session, User, user.id).active = True  # reactivated: the tokens stay dead
    db_session.commit()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_the_api_ignores_the_browser_session_cookie(app, client, db_session):
    user = make_user(db_session, Role.ADMIN)
    login(client, db_session, user)
    assert client.get("/account/").status_code == 200
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert user.email not in response.get_data(as_text=True)


def test_bad_or_misplaced_tokens_are_refused(app, client, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    token = api_token_for(db_session, user)
    for header in (f"Bearer {token}x", f"Bearer {token[:-1]}", "Bearer tidlig_", "Bearer ",
                   f"Basic {token}", token, f"Bearer {token.removeprefix('tidlig_')}"):
        response = client.get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401, header
    # A bearer token counts for nothing outside /api: the browser pages want a login.
    assert is_login_redirect(client.get("/account/", headers=bearer(token)))


# --- OpenAPI -------------------------------------------------------------------------------

def resolve_ref(document: dict, ref: str) -> dict:
    assert ref.startswith("#/"), ref
    node = document
    for part in ref[2:].split("/"):
        assert part in node, f"unresolvable $ref {ref}"
        node = node[part]
    return node


def all_refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from all_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from all_refs(item)


def openapi_problems(document: dict) -> list[str]:
    """The structural rules of OpenAPI 3.0 that a generator most easily gets wrong."""
    problems = []
    if not re.fullmatch(r"3\.\d+\.\d+", str(document.get("openapi", ""))):
        problems.append(f"openapi version {document.get('openapi')!r}")
    info = document.get("info", {})
    if not (isinstance(info.get("title"), str) and isinstance(info.get("version"), str)):
        problems.append("info needs title and version strings")
    schemes = document.get("components", {}).get("securitySchemes", {})
    for requirement in document.get("security", []):
        problems += [f"unknown security scheme {n}" for n in requirement if n not in schemes]
    operation_ids = []
    for path, item in document.get("paths", {}).items():
        if not path.startswith("/") or "<" in path or ">" in path:
            problems.append(f"path {path!r} is not an OpenAPI path template")
        templated = set(re.findall(r"{([^}]+)}", path))
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                problems.append(f"{path}: {method} is not an HTTP method")
                continue
            operation_ids.append(operation.get("operationId"))
            responses = operation.get("responses") or {}
            if not responses:
                problems.append(f"{method} {path}: no responses")
            for code, response in responses.items():
                if not (re.fullmatch(r"[1-5]\d\d|[1-5]XX", str(code)) or code == "default"):
                    problems.append(f"{method} {path}: response code {code!r}")
                if "description" not in response:
                    problems.append(f"{method} {path} {code}: no description")
            declared = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "path"}
            if declared != templated:
                problems.append(f"{method} {path}: path parameters {declared} vs {templated}")
            for requirement in operation.get("security", []):
                problems += [f"unknown security scheme {n}"
                             for n in requirement if n not in schemes]
    if len(operation_ids) != len(set(operation_ids)) or None in operation_ids:
        problems.append(f"operationIds missing or not unique: {operation_ids}")
    for ref in all_refs(document):
        try:
            resolve_ref(document, ref)
        except AssertionError as error:
            problems.append(str(error))
    return problems


def test_openapi_is_valid_openapi_3_and_documents_every_api_route(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.get_json()
    assert openapi_problems(document) == []
    base = document["servers"][0]["url"]
    documented = {
        (base + re.sub(r"{([^}]+)}", r"<\1>", path), method.upper())
        for path, item in document["paths"].items() for method in item
    }
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        plain = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"<\1>", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if (plain, method) not in documented:
                missing.append(f"{method} {rule.rule}")
    assert not missing, f"undocumented API routes: {missing}"


JSON_TYPES = {"object": dict, "string": str, "integer": int, "boolean": bool, "array": list}


def schema_problems(value, schema: dict, where: str = "$") -> list[str]:
    """Enough of JSON Schema to hold a response to what the document promises."""
    expected = JSON_TYPES[schema["type"]]
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        return [f"{where}: {value!r} is not {schema['type']}"]
    problems = []
    if expected is dict:
        properties = schema.get("properties", {})
        problems += [f"{where}: undocumented key {k}" for k in value if k not in properties]
        problems += [f"{where}: missing {k}" for k in schema.get("required", []) if k not in value]
        for key, sub in properties.items():
            if key in value and value[key] is not None:
                problems += schema_problems(value[key], sub, f"{where}.{key}")
    return problems


def test_responses_match_the_documented_schemas(app, client, db_session):
    document = client.get("/api/v1/openapi.json").get_json()
    user = make_user(db_session, Role.ASSESSOR)
    token = api_token_for(db_session, user)
    me = document["paths"]["/me"]["get"]["responses"]
    ok = client.get("/api/v1/me", headers=bearer(token))
    assert schema_problems(ok.get_json(), me["200"]["content"]["application/json"]["schema"]) == []
    refused = client.get("/api/v1/me")
    error_schema = resolve_ref(document, me["401"]["content"]["application/json"]["schema"]["$ref"])
    assert refused.status_code == 401
    assert schema_problems(refused.get_json(), error_schema) == []
    assert schema_problems({"id": "1"}, me["200"]["content"]["application/json"]["schema"])


def test_the_openapi_check_would_notice_a_broken_document():
    broken = {
        "openapi": "2.0", "info": {"title": "x"},
        "paths": {"/things/<id>": {"get": {"responses": {}}},
                  "/x/{id}": {"fetch": {}, "get": {"responses": {"200": {}},
                                                  "security": [{"nope": []}]}}},
        "components": {"schemas": {"A": {"$ref": "#/components/schemas/Missing"}}},
    }
    text = "\n".join(openapi_problems(broken))
    for expected in ("openapi version", "info needs", "not an OpenAPI path", "no responses",
                     "not an HTTP method", "no description", "path parameters",
                     "unknown security scheme", "unresolvable $ref"):
        assert expected in text
