"""Personal API tokens (/account/tokens): shown once, hashed at rest, revocable, owner only."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import select

from app.auth.models import ApiToken
from app.auth.roles import Role
from tests.auth.flows import browser_logged_in, new_browser, password_step, raw_database_text
from tests.factories import make_user
from tests.support import fresh

NEW_TOKEN = re.compile(r'data-testid="new-token">([^<]+)<')
REVOKE_BUTTON = re.compile(r'action="/account/tokens/(\d+)/revoke"')


def _create(browser, name: str = "Fagsystem") -> str:
    response = browser.submit("/account/tokens", {"name": name})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Copy the token now. It will not be shown again." in page
    match = NEW_TOKEN.search(page)
    assert match, "the new token is not on the page"
    return match.group(1)


def _api(app, token: str):
    return new_browser(app).get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def _tokens_of(db_session, user_id: int) -> list[ApiToken]:
    db_session.rollback()
    db_session.expire_all()
    rows = list(db_session.scalars(select(ApiToken).where(ApiToken.user_id == user_id)))
    db_session.rollback()
    return rows


def test_a_created_token_works_once_shown_and_is_never_shown_again(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    browser = browser_logged_in(app, db_session, user)
    token = _create(browser, "Statistik-udtræk")
    assert token.startswith("tidlig_") and len(token) >= 7 + 43

    response = _api(app, token)
    assert response.status_code == 200
    assert response.get_json()["email"] == user.email

    page = browser.get("/account/tokens").get_data(as_text=True)
    assert token not in page
    assert "Statistik-udtræk" in page
    assert token[:13] in page  # the recognisable prefix is listed


def test_the_database_keeps_only_the_tokens_hash(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    token = _create(browser_logged_in(app, db_session, user))
    [row] = _tokens_of(db_session, user.id)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    everything = raw_database_text(db_session)
    assert token not in everything
    assert token[len("tidlig_") :] not in everything


def test_revoking_a_token_stops_it_at_once(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    browser = browser_logged_in(app, db_session, user)
    kept, revoked = _create(browser, "Beholdes"), _create(browser, "Tilbagekaldes")
    page = browser.get("/account/tokens").get_data(as_text=True)
    ids = REVOKE_BUTTON.findall(page)
    assert len(ids) == 2
    target = next(r.id for r in _tokens_of(db_session, user.id) if r.name == "Tilbagekaldes")

    response = browser.submit(f"/account/tokens/{target}/revoke", {}, page="/account/tokens")
    assert response.status_code == 302
    page = browser.get("/account/tokens").get_data(as_text=True)
    assert "The token has been revoked." in page
    assert "Revoked" in page

    response = _api(app, revoked)
    assert response.status_code == 401
    assert user.email not in response.get_data(as_text=True)
    assert _api(app, kept).status_code == 200
    assert REVOKE_BUTTON.findall(page) == [
        str(r.id) for r in _tokens_of(db_session, user.id) if r.name == "Beholdes"
    ]


def test_nobody_can_revoke_or_see_someone_elses_token(app, db_session):
    owner = make_user(db_session, Role.COORDINATOR)
    stranger = make_user(db_session, Role.COORDINATOR)
    token = _create(browser_logged_in(app, db_session, owner), "Ejerens")
    [row] = _tokens_of(db_session, owner.id)

    stranger_browser = browser_logged_in(app, db_session, stranger)
    assert "Ejerens" not in stranger_browser.get("/account/tokens").get_data(as_text=True)
    response = stranger_browser.submit(
        f"/account/tokens/{row.id}/revoke", {}, page="/account/tokens"
    )
    assert response.status_code == 404
    assert fresh(db_session, ApiToken, row.id).revoked_at is None
    assert _api(app, token).status_code == 200


def test_revoking_needs_post_and_the_csrf_token(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    browser = browser_logged_in(app, db_session, user)
    token = _create(browser)
    [row] = _tokens_of(db_session, user.id)
    assert browser.get(f"/account/tokens/{row.id}/revoke").status_code == 405
    assert browser.post(f"/account/tokens/{row.id}/revoke").status_code == 400
    assert fresh(db_session, ApiToken, row.id).revoked_at is None
    assert _api(app, token).status_code == 200


def test_creating_needs_the_csrf_token_and_a_name(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    browser = browser_logged_in(app, db_session, user)
    assert browser.post("/account/tokens", data={"name": "Uden token"}).status_code == 400
    response = browser.submit("/account/tokens", {"name": "   "})
    assert response.status_code == 200
    assert NEW_TOKEN.search(response.get_data(as_text=True)) is None
    assert _tokens_of(db_session, user.id) == []


def test_tokens_need_a_completed_login(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    anonymous = new_browser(app)
    assert anonymous.get("/account/tokens").headers["Location"].startswith("/login")
    half = new_browser(app)
    assert password_step(half, user.email, user.plain_password).status_code == 302
    assert half.get("/account/tokens").headers["Location"] == "/login/code"
    assert _tokens_of(db_session, user.id) == []


def test_a_browser_cookie_does_not_authenticate_the_api(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    browser = browser_logged_in(app, db_session, user)
    assert browser.get("/api/v1/me").status_code == 401


def test_made_up_and_malformed_tokens_are_refused(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    token = _create(browser_logged_in(app, db_session, user))
    for bad in (
        token[:-1],
        token + "x",
        token.removeprefix("tidlig_"),
        "tidlig_",
        "",
        token.upper(),
    ):
        assert _api(app, bad).status_code == 401, bad
    response = new_browser(app).get("/api/v1/me", headers={"Authorization": f"Basic {token}"})
    assert response.status_code == 401


def test_deactivating_the_owner_revokes_the_tokens(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    admin = make_user(db_session, Role.ADMIN)
    token = _create(browser_logged_in(app, db_session, user))
    admin_browser = browser_logged_in(app, db_session, admin)
    response = admin_browser.submit(
        f"/admin/users/{user.id}/deactivate", {}, page=f"/admin/users/{user.id}"
    )
    assert response.status_code == 302
    assert _api(app, token).status_code == 401
    # Reactivation does not bring old tokens back.
    response = admin_browser.submit(
        f"/admin/users/{user.id}/reactivate", {}, page=f"/admin/users/{user.id}"
    )
    assert response.status_code == 302
    assert _api(app, token).status_code == 401
    assert all(row.revoked_at is not None for row in _tokens_of(db_session, user.id))
