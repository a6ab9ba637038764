"""SB-2.5: state changes are POST only and need this session's CSRF token.

Every state-changing request is sent three ways: with the page's own token (it must work,
which shows the check below could see a change), without a token, and with a token taken
from another browser's session. The last two must answer 400 and leave the row unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select

from app.auth.accounts import RESET, issue_link_token
from app.auth.models import ApiToken, AuthSession, Organisation, User
from app.auth.roles import Role
from app.auth.sessions import start_session
from app.mail.models import OutboxMessage
from tests.factories import DEFAULT_PASSWORD, make_organisation, make_user
from tests.support import extract_csrf, fresh, login, next_totp_code
from tests.web.helpers import TEST_ACTOR, api_token_for, is_login_redirect, new_client

NEW_PASSWORD = "syv blå elefanter danser tango i regnen"


@dataclass
class Ctx:
    app: object
    db: object
    client: object
    actor: User | None
    victim: User
    organisation: Organisation
    extra: dict = field(default_factory=dict)


def count(db, model, *where) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(model).where(*where))


@dataclass(frozen=True)
class Case:
    actor: str  # "admin", "anonymous" or "pending" (password given, code not yet)
    request: Callable[[Ctx], tuple[str, dict]]
    state: Callable[[Ctx], object]
    page: str | None = None  # where a browser finds the form (default: the path itself)


def _new_session(ctx: Ctx) -> int:
    other, _raw = start_session(
        ctx.db, ctx.actor, ip="192.0.2.77", user_agent="other", mfa_passed=True
    )
    ctx.db.commit()
    return other.id


def _token_id(ctx: Ctx) -> int:
    api_token_for(ctx.db, ctx.actor, "to revoke")
    return ctx.db.scalar(select(ApiToken.id).where(ApiToken.user_id == ctx.actor.id))


def _redeem_link(ctx: Ctx) -> str:
    raw = issue_link_token(ctx.db, TEST_ACTOR, ctx.victim, RESET, 24)
    ctx.db.commit()
    assert ctx.client.get(f"/password/reset/{raw}").status_code == 303
    return "/password/new"


CASES = {
    "create organisation": Case(
        "admin",
        lambda ctx: (
            "/admin/organisations",
            {"name": "Ny klub", "type": "club", "is_section_115_party": "y"},
        ),
        lambda ctx: count(ctx.db, Organisation, Organisation.name == "Ny klub"),
    ),
    "create user": Case(
        "admin",
        lambda ctx: (
            "/admin/users/new",
            {
                "email": "ny@example.dk",
                "full_name": "Ny Bruger",
                "role": "assessor",
                "organisation_id": ctx.organisation.id,
            },
        ),
        lambda ctx: count(ctx.db, User, User.email == "ny@example.dk"),
    ),
    "change role": Case(
        "admin",
        lambda ctx: (
            f"/admin/users/{ctx.victim.id}",
            {"role": "auditor", "organisation_id": ctx.organisation.id},
        ),
        lambda ctx: fresh(ctx.db, User, ctx.victim.id).role,
    ),
    "deactivate user": Case(
        "admin",
        lambda ctx: (f"/admin/users/{ctx.victim.id}/deactivate", {}),
        lambda ctx: fresh(ctx.db, User, ctx.victim.id).active,
        page="/account/",
    ),
    "send reset link": Case(
        "admin",
        lambda ctx: (f"/admin/users/{ctx.victim.id}/send-reset", {}),
        lambda ctx: count(ctx.db, OutboxMessage),
        page="/account/",
    ),
    "create api token": Case(
        "admin",
        lambda ctx: ("/account/tokens", {"name": "integration"}),
        lambda ctx: count(ctx.db, ApiToken, ApiToken.name == "integration"),
    ),
    "revoke api token": Case(
        "admin",
        lambda ctx: (f"/account/tokens/{ctx.extra.setdefault('token', _token_id(ctx))}/revoke", {}),
        lambda ctx: fresh(ctx.db, ApiToken, ctx.extra["token"]).revoked_at,
        page="/account/tokens",
    ),
    "end other session": Case(
        "admin",
        lambda ctx: (
            f"/account/sessions/{ctx.extra.setdefault('session', _new_session(ctx))}/end",
            {},
        ),
        lambda ctx: fresh(ctx.db, AuthSession, ctx.extra["session"]).ended_at,
        page="/account/",
    ),
    "change password": Case(
        "admin",
        lambda ctx: (
            "/account/password",
            {
                "current_password": DEFAULT_PASSWORD,
                "password": NEW_PASSWORD,
                "confirm": NEW_PASSWORD,
            },
        ),
        lambda ctx: fresh(ctx.db, User, ctx.actor.id).password_hash,
    ),
    "choose language": Case(
        "admin",
        lambda ctx: ("/language", {"locale": "en", "next": "/account/"}),
        lambda ctx: fresh(ctx.db, User, ctx.actor.id).locale,
        page="/account/",
    ),
    "log out": Case(
        "admin",
        lambda ctx: ("/logout", {}),
        lambda ctx: count(
            ctx.db, AuthSession, AuthSession.user_id == ctx.actor.id, AuthSession.ended_at.is_(None)
        ),
        page="/account/",
    ),
    "log in": Case(
        "anonymous",
        lambda ctx: ("/login", {"email": ctx.victim.email, "password": DEFAULT_PASSWORD}),
        lambda ctx: count(ctx.db, AuthSession, AuthSession.user_id == ctx.victim.id),
    ),
    "second factor": Case(
        "pending",
        lambda ctx: (
            "/login/code",
            {"code": next_totp_code(fresh(ctx.db, User, ctx.victim.id).totp_secret, None)},
        ),
        lambda ctx: count(
            ctx.db,
            AuthSession,
            AuthSession.user_id == ctx.victim.id,
            AuthSession.mfa_passed.is_(True),
        ),
    ),
    "forgot password": Case(
        "anonymous",
        lambda ctx: ("/password/forgot", {"email": ctx.victim.email}),
        lambda ctx: count(ctx.db, OutboxMessage),
    ),
    "set password from link": Case(
        "anonymous",
        lambda ctx: (_redeem_link(ctx), {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}),
        lambda ctx: fresh(ctx.db, User, ctx.victim.id).password_hash,
    ),
}


def make_ctx(app, db_session, actor_kind: str) -> Ctx:
    organisation = make_organisation(db_session)
    victim = make_user(db_session, Role.COORDINATOR, organisation=organisation)
    actor = (
        make_user(db_session, Role.ADMIN, organisation=organisation)
        if actor_kind == "admin"
        else None
    )
    client = new_client(app, ip="192.0.2.40")
    if actor is not None:
        login(client, db_session, actor)
    elif actor_kind == "pending":
        response = client.submit("/login", {"email": victim.email, "password": DEFAULT_PASSWORD})
        assert response.status_code == 302 and "/login/code" in response.headers["Location"]
    return Ctx(app, db_session, client, actor, victim, organisation)


def foreign_token(ctx: Ctx, actor_kind: str) -> str:
    """A valid token, but from another person's browser session."""
    other = new_client(ctx.app, ip="192.0.2.41")
    if actor_kind == "admin":
        someone = make_user(ctx.db, Role.ADMIN, organisation=ctx.organisation)
        login(other, ctx.db, someone)
        return other.csrf_token("/account/")
    return other.csrf_token("/login")


@pytest.mark.parametrize("variant", ["own token", "no token", "token of another session"])
@pytest.mark.parametrize("name", list(CASES))
def test_state_changes_need_this_sessions_csrf_token(app, db_session, name, variant):
    case = CASES[name]
    ctx = make_ctx(app, db_session, case.actor)
    path, data = case.request(ctx)
    page = case.page or path
    own = ctx.client.csrf_token(page)
    before = case.state(ctx)
    if variant == "own token":
        data["csrf_token"] = own
    elif variant == "token of another session":
        data["csrf_token"] = foreign_token(ctx, case.actor)
        assert data["csrf_token"] != own
    response = ctx.client.post(path, data=data)
    after = case.state(ctx)
    if variant == "own token":
        assert response.status_code in (200, 302, 303), response.get_data(as_text=True)[:500]
        assert after != before, "the request with a valid token changed nothing: the case is broken"
    else:
        assert response.status_code == 400
        assert after == before


def test_post_only_routes_answer_get_with_405_and_change_nothing(app, client, db_session):
    admin = make_user(db_session, Role.ADMIN)
    victim = make_user(db_session, Role.COORDINATOR)
    login(client, db_session, admin)
    post_only = [r for r in app.url_map.iter_rules() if "GET" not in (r.methods or ())]
    assert {r.endpoint for r in post_only} >= {
        "auth.logout",
        "main.language",
        "admin.user_action",
        "account.revoke_token",
        "account.end_other_session",
    }
    adapter = app.url_map.bind("localhost", url_scheme="https")
    values = {
        "user_id": victim.id,
        "action": "deactivate",
        "token_id": 1,
        "session_id": 1,
        "case_id": 1,
        "meeting_id": 1,
        "item_id": 1,
        "action_id": 1,
        "recommendation_id": 1,
        "person_id": 1,
        "request_id": 1,
        "invitation": "inv_x",
        "plan_id": 1,
        "goal_id": 1,
        "rule_id": 1,
        "indicator_id": 1,
        "release_id": 1,
        "area_id": 1,
        "district_id": 1,
    }
    for rule in post_only:
        path = adapter.build(rule.endpoint, {k: values[k] for k in rule.arguments})
        response = client.get(path)
        assert response.status_code == 405, path
        assert "POST" in response.headers.get("Allow", ""), path
    # GET /logout did not log out; GET .../deactivate did not deactivate.
    assert client.get("/account/").status_code == 200
    assert fresh(db_session, User, victim.id).active is True


def test_get_with_form_fields_in_the_query_changes_nothing(app, client, db_session):
    admin = make_user(db_session, Role.ADMIN)
    victim = make_user(db_session, Role.COORDINATOR)
    login(client, db_session, admin)
    token = client.csrf_token("/account/")
    org_id = victim.organisation_id
    requests = [
        f"/admin/organisations?name=Sneaky&type=club&csrf_token={token}",
        f"/admin/users/new?email=sneaky@example.dk&full_name=Sneaky&role=admin"
        f"&organisation_id={org_id}&csrf_token={token}",
        f"/admin/users/{victim.id}?role=auditor&organisation_id={org_id}&csrf_token={token}",
        f"/account/tokens?name=sneaky&csrf_token={token}",
        f"/account/password?current_password={DEFAULT_PASSWORD}&password={NEW_PASSWORD}"
        f"&confirm={NEW_PASSWORD}&csrf_token={token}",
    ]
    hash_before = fresh(db_session, User, admin.id).password_hash
    for path in requests:
        assert client.get(path).status_code == 200, path
    assert count(db_session, Organisation, Organisation.name == "Sneaky") == 0
    assert count(db_session, User, User.email == "sneaky@example.dk") == 0
    assert fresh(db_session, User, victim.id).role == Role.COORDINATOR.value
    assert count(db_session, ApiToken, ApiToken.name == "sneaky") == 0
    assert fresh(db_session, User, admin.id).password_hash == hash_before


def test_logout_is_a_post_with_csrf_that_really_ends_the_session(app, client, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    login(client, db_session, user)
    page = client.get("/").get_data(as_text=True)
    assert 'action="/logout"' in page and 'method="post"' in page
    response = client.post("/logout", data={"csrf_token": extract_csrf(page)})
    assert is_login_redirect(response)
    assert is_login_redirect(client.get("/account/"))


@pytest.mark.parametrize("path", ["/login", "/password/forgot", "/admin/organisations/new"])
def test_a_form_part_without_a_readable_name_is_refused_not_a_server_error(app, client, path):
    # Found by the hostile-input fuzzer: a line break inside a part's name left Werkzeug with
    # a field named None, and the CSRF check failed on it with a 500.
    from werkzeug.datastructures import MultiDict
    from werkzeug.test import encode_multipart

    token = extract_csrf(client.get("/login").get_data(as_text=True))
    boundary, body = encode_multipart(
        MultiDict([("csrf_token", token), ("email", "a@example.dk"), ("\n", "x")])
    )
    response = client.post(
        path, data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 400
    assert "<html" in response.get_data(as_text=True)
