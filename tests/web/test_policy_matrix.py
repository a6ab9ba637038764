"""SB-3.1: every route × method × role against tests/policy_matrix.yaml, and default deny.

Each role walks the whole url_map as a real client (browser cookie, or a bearer token on
/api) and must be let through exactly where the matrix says, and turned away elsewhere in
the way the matrix describes. URL parameters are filled with rows that exist, so an
allowed request never ends in a 404.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from flask import Blueprint
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.policy import rule_for
from app.auth.roles import Role
from tests.factories import make_user
from tests.support import login
from tests.web.helpers import (
    ROLES,
    api_token_for,
    build_world,
    is_login_redirect,
    new_client,
    send,
    walk,
)

MATRIX_FILE = Path(__file__).resolve().parent.parent / "policy_matrix.yaml"
DERIVED_METHODS = {"HEAD", "OPTIONS"}
TOKEN_PREFIX = "token:"


def load_matrix() -> dict:
    return yaml.safe_load(MATRIX_FILE.read_text(encoding="utf-8"))


MATRIX = load_matrix()
BROWSER_ROLES = MATRIX["roles"]
TOKEN_ROLES = MATRIX["token_roles"]


def declared_methods(entry: dict) -> dict[str, set[str]]:
    return {key: set(value) for key, value in entry.items() if key.isupper()}


def is_api(rule) -> bool:
    return rule.rule.startswith("/api/")


def expected_allowed(entry: dict, method: str, role: str) -> bool | None:
    """True/False from the matrix; None where OPTIONS has no single answer."""
    declared = declared_methods(entry)
    if method == "HEAD":
        return role in declared["GET"]
    if method == "OPTIONS":
        verdicts = {role in roles for roles in declared.values()}
        return verdicts.pop() if len(verdicts) == 1 else None
    return role in declared[method]


# --- the matrix file itself --------------------------------------------------------------

def test_every_route_and_method_of_the_app_is_in_the_matrix_and_nothing_else(app):
    routes = MATRIX["routes"]
    problems = []
    seen = set()
    for rule in app.url_map.iter_rules():
        seen.add(rule.endpoint)
        entry = routes.get(rule.endpoint)
        if entry is None:
            problems.append(f"{rule.endpoint} ({rule.rule}) is not in policy_matrix.yaml")
            continue
        if entry.get("rule") != rule.rule:
            problems.append(
                f"{rule.endpoint}: matrix says {entry.get('rule')!r}, app has {rule.rule!r}"
            )
        methods = set(rule.methods or ()) - DERIVED_METHODS
        listed = set(declared_methods(entry))
        for method in sorted(methods - listed):
            problems.append(f"{rule.endpoint}: method {method} is not in the matrix")
        for method in sorted(listed - methods):
            problems.append(f"{rule.endpoint}: the matrix lists {method}, the app lacks it")
    for endpoint in sorted(set(routes) - seen):
        problems.append(f"{endpoint} is in the matrix but not in the app")
    assert not problems, "\n".join(problems)


def test_matrix_names_every_role_and_only_known_roles():
    assert set(BROWSER_ROLES) == {"anonymous", *ROLES}
    assert set(TOKEN_ROLES) == {TOKEN_PREFIX + role for role in ROLES}
    known = set(BROWSER_ROLES) | set(TOKEN_ROLES)
    for endpoint, entry in MATRIX["routes"].items():
        for method, roles in declared_methods(entry).items():
            unknown = roles - known
            assert not unknown, f"{endpoint} {method}: unknown roles {unknown}"


def test_every_view_declares_its_access_rule(app):
    undeclared = [
        endpoint for endpoint, view in app.view_functions.items()
        if endpoint != "static" and rule_for(view) is None
    ]
    assert undeclared == []


# --- walking the app -----------------------------------------------------------------------

def denial_problem(response, role: str, api: bool) -> str | None:
    browser_without_token = not role.startswith(TOKEN_PREFIX)
    if api and browser_without_token:
        if response.status_code != 401:
            return f"expected 401, got {response.status_code}"
        if not response.headers.get("WWW-Authenticate", "").startswith("Bearer"):
            return "401 without a Bearer challenge"
        return None
    if role == "anonymous":
        return None if is_login_redirect(response) else (
            f"expected a redirect to /login, got {response.status_code} "
            f"{response.headers.get('Location', '')}"
        )
    return None if response.status_code == 403 else f"expected 403, got {response.status_code}"


def allowance_problem(response, role: str, endpoint: str) -> str | None:
    status = response.status_code
    if status in (400, 401, 403, 404, 405) or status >= 500:
        return f"expected to be let through, got {status}"
    if is_login_redirect(response) and not (endpoint == "auth.logout" and role != "anonymous"):
        return "expected to be let through, got a redirect to /login"
    return None


def role_client(app, db_session, role: str, index: int):
    """A client acting as `role`: (client, bearer token or None, csrf token, world)."""
    base_role = role.removeprefix(TOKEN_PREFIX)
    world = build_world(db_session, None if role == "anonymous" else base_role)
    client = new_client(app, ip=f"192.0.2.{20 + index}")
    if role.startswith(TOKEN_PREFIX):
        return client, world.api_token, None, world
    if role != "anonymous":
        login(client, db_session, world.user)
    # A browser that followed a reset link holds it in its session, so /password/new answers.
    assert client.get(f"/password/reset/{world.link_token}").status_code == 303
    csrf = client.csrf_token("/login" if role == "anonymous" else "/account/")
    return client, None, csrf, world


@pytest.mark.parametrize("role", BROWSER_ROLES + TOKEN_ROLES)
def test_each_role_gets_exactly_what_the_matrix_allows(app, db_session, role):
    index = (BROWSER_ROLES + TOKEN_ROLES).index(role)
    client, token, csrf, world = role_client(app, db_session, role, index)
    routes = MATRIX["routes"]
    problems, checked = [], 0
    for rule, method, path in walk(app, world):
        if role.startswith(TOKEN_PREFIX) and not is_api(rule):
            continue
        allowed = expected_allowed(routes[rule.endpoint], method, role)
        if allowed is None:
            continue
        response = send(client, method, path, csrf=csrf, token=token)
        checked += 1
        if allowed:
            problem = allowance_problem(response, role, rule.endpoint)
        else:
            problem = denial_problem(response, role, is_api(rule))
        if problem:
            problems.append(f"{role} {method} {path} ({'allow' if allowed else 'deny'}): {problem}")
    assert checked > (5 if role.startswith(TOKEN_PREFIX) else 40)
    assert not problems, "\n".join(problems)
    if world.user and not token:
        # The walk ended with the logout: it really ended the login it used throughout.
        assert is_login_redirect(client.get("/account/"))


def test_a_denied_request_is_written_to_the_audit_trail(app, client, db_session):
    committee = make_user(db_session, Role.COMMITTEE)
    login(client, db_session, committee)
    assert client.get("/admin/users").status_code == 403
    db_session.rollback()
    denials = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "access.denied",
                                 AuditEvent.user_id == committee.id)
    ).all()
    assert [(e.object_type, e.object_id, e.outcome) for e in denials] == [
        ("route", "admin.users", "denied")
    ]


# --- default deny --------------------------------------------------------------------------

def register_undeclared_routes(app) -> None:
    @app.route("/probe/undeclared", methods=["GET", "POST"])
    def undeclared_probe():
        return "PROBE-CONTENT"

    probe_api = Blueprint("probe_api", __name__, url_prefix="/api/v1/probe")

    @probe_api.route("/undeclared")
    def undeclared_api_probe():
        return {"secret": "PROBE-CONTENT"}

    app.register_blueprint(probe_api)


def test_an_undeclared_route_is_denied_to_everyone_even_the_admin(app, db_session):
    register_undeclared_routes(app)  # before the app's first request
    anonymous = new_client(app)
    response = anonymous.get("/probe/undeclared")
    assert response.status_code == 403
    assert "PROBE-CONTENT" not in response.get_data(as_text=True)

    response = anonymous.post("/probe/undeclared",
                              data={"csrf_token": anonymous.csrf_token("/login")})
    assert response.status_code == 403
    assert "PROBE-CONTENT" not in response.get_data(as_text=True)

    admin = make_user(db_session, Role.ADMIN)
    token = api_token_for(db_session, admin)
    browser = new_client(app, ip="192.0.2.11")
    login(browser, db_session, admin)
    response = browser.get("/probe/undeclared")
    assert response.status_code == 403
    assert "PROBE-CONTENT" not in response.get_data(as_text=True)

    response = new_client(app).get("/api/v1/probe/undeclared",
                                   headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
    assert response.is_json and "PROBE-CONTENT" not in response.get_data(as_text=True)

    db_session.rollback()
    denied = db_session.scalars(
        select(AuditEvent.object_id).where(AuditEvent.action == "access.denied")
    ).all()
    assert "undeclared_probe" in denied and "probe_api.undeclared_api_probe" in denied
