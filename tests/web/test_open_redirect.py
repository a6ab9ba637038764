"""SB-4.6: `next` can only send a user somewhere inside Tidlig.

The browser flow is followed as a person would: open /login?next=…, submit the form (whose
hidden field carries `next`), give the code, and see where the last redirect points.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from app.auth.roles import Role
from tests.factories import make_user
from tests.support import extract_csrf, fresh, next_totp_code
from tests.web.helpers import redirect_target

HOSTILE_TARGETS = [
    "//evil.example",
    "https:evil.example",
    "https://evil.example/",
    "\\\\evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",  # browsers drop the tab and read //evil.example
    " //evil.example",
    "javascript:alert(1)",
    "/login/../\\evil.example",
    "///evil.example",
]
LOCAL_TARGET = "/account/tokens?view=1"


def hidden_next(html: str) -> str:
    """The `next` field of the login form (the language form has one of its own)."""
    form = re.search(r'<form[^>]*action="/login"[^>]*>(.*?)</form>', html, re.S)
    assert form, "no login form on the page"
    match = re.search(r'<input[^>]*name="next"[^>]*>', form.group(1))
    assert match, "the login form carries no next field"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return unescape(value.group(1)) if value else ""


def log_in_via(client, db_session, user, next_value: str):
    """Returns the redirects after the password step and after the code step."""
    page = client.get(f"/login?next={quote(next_value, safe='')}")
    html = page.get_data(as_text=True)
    carried = hidden_next(html)
    after_password = client.post("/login", data={
        "csrf_token": extract_csrf(html), "email": user.email,
        "password": user.plain_password, "next": carried,
    })
    assert after_password.status_code == 302
    secret = fresh(db_session, type(user), user.id).totp_secret
    db_session.rollback()
    after_code = client.submit("/login/code", {"code": next_totp_code(secret, None)})
    assert after_code.status_code == 302
    return redirect_target(after_password), redirect_target(after_code)


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_login_never_redirects_off_site(client, db_session, target):
    user = make_user(db_session, Role.COORDINATOR)
    after_password, after_code = log_in_via(client, db_session, user, target)
    assert after_password == "/login/code"
    assert after_code == "/"


def test_login_honours_a_local_next(client, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    _, after_code = log_in_via(client, db_session, user, LOCAL_TARGET)
    assert after_code == LOCAL_TARGET


def test_a_protected_page_sends_you_back_to_it_after_login(client, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    response = client.get("/account/tokens")
    location = urlsplit(redirect_target(response))
    assert (location.path, parse_qs(location.query)) == ("/login", {"next": ["/account/tokens"]})
    _, after_code = log_in_via(client, db_session, user, "/account/tokens")
    assert after_code == "/account/tokens"


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_language_switch_never_redirects_off_site(client, target):
    response = client.submit("/language", {"locale": "en", "next": target}, page="/login")
    assert response.status_code == 302
    assert redirect_target(response) == "/"


def test_language_switch_honours_a_local_next(client):
    response = client.submit("/language", {"locale": "en", "next": "/password/forgot?x=1"},
                             page="/login")
    assert redirect_target(response) == "/password/forgot?x=1"
    assert 'lang="en"' in client.get("/password/forgot").get_data(as_text=True)
