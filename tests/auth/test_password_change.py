"""Changing one's own password (ASVS 6.2.2/.3, 7.4.3): needs the current one, ends the others."""

from __future__ import annotations

from app.auth.models import User
from app.auth.passwords import verify_password
from app.auth.roles import Role
from tests.auth.flows import (
    browser_logged_in,
    is_logged_in,
    new_browser,
    password_step,
)
from tests.factories import make_user
from tests.support import fresh

NEW_PASSWORD = "havørred postbud lygtepæl"


def _unchanged(db_session, user) -> bool:
    stored = fresh(db_session, User, user.id).password_hash
    return verify_password(stored, user.plain_password) and not verify_password(
        stored, NEW_PASSWORD
    )


def _change(browser, current, new, confirm=None):
    return browser.submit(
        "/account/password",
        {
            "current_password": current,
            "password": new,
            "confirm": new if confirm is None else confirm,
        },
    )


def test_a_wrong_current_password_changes_nothing(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    browser = browser_logged_in(app, db_session, user)
    other = browser_logged_in(app, db_session, user)
    response = _change(browser, "ikke det nuværende kodeord", NEW_PASSWORD)
    assert response.status_code == 200
    assert "The current password is not correct." in response.get_data(as_text=True)
    assert _unchanged(db_session, user)
    assert is_logged_in(browser) and is_logged_in(other)
    assert password_step(new_browser(app), user.email, NEW_PASSWORD).status_code == 200


def test_the_new_password_must_be_typed_twice_alike(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    browser = browser_logged_in(app, db_session, user)
    response = _change(browser, user.plain_password, NEW_PASSWORD, NEW_PASSWORD + " ")
    assert response.status_code == 200
    assert "The passwords do not match." in response.get_data(as_text=True)
    assert _unchanged(db_session, user)


def test_a_good_change_swaps_the_password_and_keeps_this_browser_in(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    browser = browser_logged_in(app, db_session, user)
    response = _change(browser, user.plain_password, NEW_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/account/"
    page = browser.get("/account/").get_data(as_text=True)
    assert "Your password has been changed." in page
    assert is_logged_in(browser)

    stored = fresh(db_session, User, user.id)
    assert verify_password(stored.password_hash, NEW_PASSWORD)
    assert not verify_password(stored.password_hash, user.plain_password)
    assert stored.password_changed_at is not None
    assert password_step(new_browser(app), user.email, user.plain_password).status_code == 200
    assert password_step(new_browser(app), user.email, NEW_PASSWORD).status_code == 302


def test_changing_the_password_needs_a_completed_login(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    anonymous = new_browser(app)
    response = anonymous.get("/account/password")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    half = new_browser(app)
    assert password_step(half, user.email, user.plain_password).status_code == 302
    response = half.post(
        "/account/password",
        data={
            "current_password": user.plain_password,
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code in (302, 400)
    assert _unchanged(db_session, user)


def test_the_change_form_needs_the_csrf_token(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    browser = browser_logged_in(app, db_session, user)
    response = browser.post(
        "/account/password",
        data={
            "current_password": user.plain_password,
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 400
    assert _unchanged(db_session, user)
