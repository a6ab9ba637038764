"""SB-1.4 (ASVS 6.3.8): nobody can tell from the answer whether an account exists.

Production rate limits stay on: their headers are part of the answer. The timing half of
SB-1.4 is in test_enumeration_timing.py."""

from __future__ import annotations

import pytest

from app.auth.roles import Role
from tests.auth.flows import cookie_shapes, new_browser, normalised_page, outbox_links
from tests.factories import make_user
from tests.support import extract_csrf

WRONG = "helt forkert adgangskode"
# Values that change with the clock or with the length of the echoed address.
TIME_OR_LENGTH_HEADERS = {
    "retry-after",
    "x-ratelimit-reset",
    "date",
    "content-length",
    "set-cookie",
}


def _two_browsers(app):
    """Two first attempts from two addresses, as an attacker comparing answers would see."""
    first, second = new_browser(app), new_browser(app)
    second.environ_base["REMOTE_ADDR"] = "198.51.100.20"
    return first, second


def _login_attempt(browser, token, email, password=WRONG):
    return browser.post("/login", data={"email": email, "password": password, "csrf_token": token})


def _same_answer(first, second, first_echo: str, second_echo: str) -> None:
    assert first.status_code == second.status_code
    assert normalised_page(first.get_data(as_text=True), first_echo) == normalised_page(
        second.get_data(as_text=True), second_echo
    )
    assert cookie_shapes(first) == cookie_shapes(second)
    assert sorted(first.headers.keys()) == sorted(second.headers.keys())
    for header, value in first.headers.items():
        if header.lower() in TIME_OR_LENGTH_HEADERS:
            continue
        assert second.headers.get(header) == value, header


def test_unknown_user_and_wrong_password_get_the_same_answer(app, db_session):
    user = make_user(db_session, Role.COORDINATOR, email="kendt.bruger@example.dk")
    unknown = "ukendt.bruger@example.dk"
    first_browser, second_browser = _two_browsers(app)
    known_answer = _login_attempt(
        first_browser, extract_csrf(first_browser.get("/login").get_data(as_text=True)), user.email
    )
    unknown_answer = _login_attempt(
        second_browser, extract_csrf(second_browser.get("/login").get_data(as_text=True)), unknown
    )
    assert known_answer.status_code == 200
    assert "The e-mail address or password is not correct." in known_answer.get_data(as_text=True)
    _same_answer(known_answer, unknown_answer, user.email, unknown)


@pytest.mark.parametrize("state", ["deactivated", "awaiting-activation"])
def test_accounts_that_cannot_log_in_answer_like_unknown_ones(app, db_session, state):
    if state == "deactivated":
        user = make_user(db_session, Role.COORDINATOR, active=False)
        password = user.plain_password  # even the right password reveals nothing
    else:
        user = make_user(db_session, Role.COORDINATOR, password=None)
        password = WRONG
    unknown = "findes.ikke@example.dk"
    first_browser, second_browser = _two_browsers(app)
    answer = _login_attempt(
        first_browser,
        extract_csrf(first_browser.get("/login").get_data(as_text=True)),
        user.email,
        password,
    )
    unknown_answer = _login_attempt(
        second_browser,
        extract_csrf(second_browser.get("/login").get_data(as_text=True)),
        unknown,
        password,
    )
    _same_answer(answer, unknown_answer, user.email, unknown)
    assert first_browser.get("/").status_code == 302


def test_reset_for_known_and_unknown_address_gets_the_same_answer(app, db_session):
    user = make_user(db_session, Role.COORDINATOR, email="kendt.nulstil@example.dk")
    unknown = "ukendt.nulstil@example.dk"
    first_browser, second_browser = _two_browsers(app)
    known_answer = first_browser.submit("/password/forgot", {"email": user.email})
    unknown_answer = second_browser.submit("/password/forgot", {"email": unknown})
    assert known_answer.status_code == 200
    assert "Check your e-mail" in known_answer.get_data(as_text=True)
    _same_answer(known_answer, unknown_answer, user.email, unknown)
    # Only the real account got a mail.
    assert len(outbox_links(db_session, user.email)) == 1
    assert outbox_links(db_session, unknown) == []


def test_reset_for_a_deactivated_account_answers_like_an_unknown_one(app, db_session):
    user = make_user(db_session, Role.COORDINATOR, active=False)
    first_browser, second_browser = _two_browsers(app)
    answer = first_browser.submit("/password/forgot", {"email": user.email})
    unknown_answer = second_browser.submit("/password/forgot", {"email": "ingen@example.dk"})
    _same_answer(answer, unknown_answer, user.email, "ingen@example.dk")
    assert outbox_links(db_session, user.email) == []
