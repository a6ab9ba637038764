"""SB-1.3 (ASVS 6.3.1): 10 bad logins per account per 15 minutes, then 429."""

from __future__ import annotations

import datetime as dt

import time_machine

from app.auth.models import User
from app.auth.roles import Role
from tests.auth.flows import browser_logged_in, current_code, new_browser
from tests.factories import make_user
from tests.support import extract_csrf, fresh

WRONG = "helt forkert adgangskode"
START = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


def _attempt(browser, email: str, password: str, token: str):
    return browser.post("/login", data={"email": email, "password": password, "csrf_token": token})


def _token(browser, page: str = "/login") -> str:
    return extract_csrf(browser.get(page).get_data(as_text=True))


def test_the_eleventh_bad_login_for_an_account_gets_429_even_with_the_right_password(
    app, db_session
):
    user = make_user(db_session, Role.COORDINATOR)
    browser = new_browser(app)
    token = _token(browser)
    for attempt in range(10):
        response = _attempt(browser, user.email, WRONG, token)
        assert response.status_code == 200, attempt
        assert "The e-mail address or password is not correct." in response.get_data(as_text=True)

    blocked = _attempt(browser, user.email, user.plain_password, token)
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)
    assert blocked.headers.get("Retry-After")
    # Nothing about the session changed: the right password did not get through.
    assert new_browser(app).get("/").status_code == 302
    assert browser.get("/").headers["Location"].startswith("/login")


def test_the_limit_is_per_account_not_per_browser(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    for attempt in range(10):
        browser = new_browser(app)  # a new cookie each time does not reset the count
        response = _attempt(browser, user.email, WRONG, _token(browser))
        assert response.status_code == 200, attempt
    browser = new_browser(app)
    assert _attempt(browser, user.email, user.plain_password, _token(browser)).status_code == 429


def test_spelling_the_address_differently_does_not_reset_the_count(app, db_session):
    user = make_user(db_session, Role.COORDINATOR, email="tove.hansen@example.dk")
    browser = new_browser(app)
    token = _token(browser)
    variants = [
        "tove.hansen@example.dk",
        "TOVE.HANSEN@EXAMPLE.DK",
        " tove.hansen@example.dk ",
        "Tove.Hansen@Example.dk",
        "tove.hansen@example.dk\x00",
        "\x01tove.hansen@example.dk",
        "tove.han\x1fsen@example.dk",
        "tove.hansen@exam\x7fple.dk",
        "tove.hansen@example.dk\x0b",
        "\x1btove.hansen@example.dk",
    ]
    for variant in variants:
        response = _attempt(browser, variant, WRONG, token)
        assert response.status_code == 200, repr(variant)
    db_session.rollback()
    # Each variant reached the same account ...
    assert fresh(db_session, User, user.id).failed_logins == len(variants)
    # ... and counted against the same limit.
    assert (
        _attempt(browser, "tove.hansen@example.dk", user.plain_password, token).status_code == 429
    )
    assert (
        _attempt(browser, "tove.hansen@example.dk\x02", user.plain_password, token).status_code
        == 429
    )


def test_another_account_from_the_same_address_can_still_log_in(app, db_session):
    victim = make_user(db_session, Role.COORDINATOR)
    colleague = make_user(db_session, Role.COORDINATOR)
    browser = new_browser(app)
    token = _token(browser)
    for _ in range(10):
        _attempt(browser, victim.email, WRONG, token)
    assert _attempt(browser, victim.email, WRONG, token).status_code == 429
    assert _attempt(browser, colleague.email, colleague.plain_password, token).status_code == 302


def test_successful_logins_do_not_use_up_the_limit(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(12):
            browser = new_browser(app)
            response = _attempt(browser, user.email, user.plain_password, _token(browser))
            assert response.status_code == 302
            traveller.shift(dt.timedelta(seconds=10))


def test_the_limit_lifts_after_fifteen_minutes(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    with time_machine.travel(START, tick=False) as traveller:
        browser = new_browser(app)
        token = _token(browser)
        for _ in range(10):
            assert _attempt(browser, user.email, WRONG, token).status_code == 200
        traveller.shift(dt.timedelta(minutes=14))
        assert _attempt(browser, user.email, user.plain_password, token).status_code == 429
        traveller.shift(dt.timedelta(minutes=1, seconds=1))
        assert _attempt(browser, user.email, user.plain_password, token).status_code == 302


def test_one_address_guessing_many_accounts_is_stopped_after_sixty_failures(app, db_session):
    real = make_user(db_session, Role.COORDINATOR)
    browser = new_browser(app)
    token = _token(browser)
    for number in range(60):
        response = _attempt(browser, f"guess{number}@example.dk", WRONG, token)
        assert response.status_code == 200, number
    assert _attempt(browser, real.email, real.plain_password, token).status_code == 429
    # Another address is not affected.
    other = new_browser(app)
    other.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert _attempt(other, real.email, real.plain_password, _token(other)).status_code == 302


def test_the_eleventh_wrong_code_gets_429_even_when_it_is_right(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    browser = new_browser(app)
    assert _attempt(browser, user.email, user.plain_password, _token(browser)).status_code == 302
    token = _token(browser, "/login/code")
    for attempt in range(10):
        response = browser.post("/login/code", data={"code": "000000", "csrf_token": token})
        assert response.status_code == 200, attempt
    right = current_code(db_session, user.id)
    response = browser.post("/login/code", data={"code": right, "csrf_token": token})
    assert response.status_code == 429
    assert browser.get("/").headers["Location"].startswith("/login/code")


def test_the_code_limit_follows_the_account_across_new_logins(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    for attempt in range(10):
        browser = new_browser(app)
        assert (
            _attempt(browser, user.email, user.plain_password, _token(browser)).status_code == 302
        )
        response = browser.submit("/login/code", {"code": "000000"})
        assert response.status_code == 200, attempt
    browser = new_browser(app)
    assert _attempt(browser, user.email, user.plain_password, _token(browser)).status_code == 302
    response = browser.submit("/login/code", {"code": current_code(db_session, user.id)})
    assert response.status_code == 429


def test_failed_logins_are_counted_on_the_account_and_reset_by_a_good_login(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    browser = new_browser(app)
    token = _token(browser)
    for _ in range(3):
        _attempt(browser, user.email, WRONG, token)
    assert fresh(db_session, User, user.id).failed_logins == 3
    browser_logged_in(app, db_session, user)
    assert fresh(db_session, User, user.id).failed_logins == 0
