"""SB-2.4 (ASVS 3.3.1-.4): the session cookie is __Host-, Secure, HttpOnly, SameSite, Path=/."""

from __future__ import annotations

import pytest

from app.auth.roles import Role
from tests.auth.flows import COOKIE, code_step, current_code, new_browser, password_step
from tests.factories import make_user


def _attributes(header: str) -> tuple[str, dict[str, str]]:
    name_value, *parts = [part.strip() for part in header.split(";")]
    attributes = {}
    for part in parts:
        key, _, value = part.partition("=")
        attributes[key.lower()] = value
    return name_value.split("=", 1)[0], attributes


def _check(header: str) -> None:
    name, attributes = _attributes(header)
    assert name == COOKIE and name.startswith("__Host-")
    assert "secure" in attributes
    assert "httponly" in attributes
    assert attributes.get("samesite", "").lower() in ("lax", "strict")
    assert attributes.get("path") == "/"
    assert "domain" not in attributes


def _set_cookies(response) -> list[str]:
    return response.headers.getlist("Set-Cookie")


def test_every_cookie_set_during_a_login_has_the_safe_attributes(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    browser = new_browser(app)
    seen = []
    seen += _set_cookies(browser.get("/login"))
    seen += _set_cookies(password_step(browser, user.email, user.plain_password))
    seen += _set_cookies(code_step(browser, current_code(db_session, user.id)))
    seen += _set_cookies(browser.get("/"))
    seen += _set_cookies(browser.submit("/logout", {}, page="/"))
    assert len(seen) >= 3  # anonymous, after the password, after the code, after logout
    for header in seen:
        _check(header)


@pytest.mark.parametrize("path", ["/login", "/password/forgot"])
def test_anonymous_pages_set_only_the_session_cookie(client, path):
    headers = _set_cookies(client.get(path))
    assert headers
    for header in headers:
        _check(header)


def test_no_remember_me_cookie_outlives_the_browser(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    browser = new_browser(app)
    headers = _set_cookies(password_step(browser, user.email, user.plain_password))
    headers += _set_cookies(code_step(browser, current_code(db_session, user.id)))
    for header in headers:
        name, attributes = _attributes(header)
        assert name == COOKIE
        assert "expires" not in attributes and "max-age" not in attributes


def test_the_language_choice_sets_no_weaker_cookie(client):
    response = client.submit("/language", {"locale": "en", "next": "/login"}, page="/login")
    assert response.status_code == 302
    for header in _set_cookies(response):
        _check(header)
