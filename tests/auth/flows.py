"""Browser flows shared by the authentication and session tests (SB-1, SB-2).

Everything goes through HTTP the way a person or an attacker would do it; the database is
only read to find what the app wrote (a TOTP counter, a hash, a mail body).
"""

from __future__ import annotations

import re

from sqlalchemy import select, text

from app.audit.actor import Actor
from app.auth import accounts
from app.auth.models import User
from app.db import Base
from app.mail.models import OutboxMessage
from tests.support import TestClient, fresh, next_totp_code

COOKIE = "__Host-tidlig"
TEST_ACTOR = Actor.system("test-setup")
LINK_PATTERN = re.compile(r"https://localhost/password/reset/([A-Za-z0-9_\-]+)")
CSRF_VALUE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+(")')
REQUEST_REF = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def new_browser(app) -> TestClient:
    """Another browser (its own cookie jar) against the same app."""
    app.test_client_class = TestClient
    return app.test_client()


def cookie_value(client) -> str | None:
    cookie = client.get_cookie(COOKIE)
    return cookie.value if cookie else None


def replay(app, value: str) -> TestClient:
    """A fresh browser that carries nothing but a copied session cookie."""
    browser = new_browser(app)
    browser.set_cookie(COOKIE, value)
    return browser


def password_step(client, email: str, password: str):
    return client.submit("/login", {"email": email, "password": password})


def code_step(client, code: str):
    return client.submit("/login/code", {"code": code})


def current_code(db_session, user_id: int) -> str:
    user = fresh(db_session, User, user_id)
    code = next_totp_code(user.totp_secret, user.totp_last_counter)
    db_session.rollback()
    return code


def browser_logged_in(app, db_session, user, password: str | None = None) -> TestClient:
    browser = new_browser(app)
    response = password_step(browser, user.email, password or user.plain_password)
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    response = code_step(browser, current_code(db_session, user.id))
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    return browser


def is_logged_in(client) -> bool:
    """True when the home page renders; False when the browser is sent to log in."""
    response = client.get("/")
    if response.status_code == 200:
        return True
    assert response.status_code == 302, response.status_code
    assert response.headers["Location"].startswith("/login"), response.headers["Location"]
    return False


def sent_to_login(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].split("?")[0] == "/login"


def issue_link(db_session, user_id: int, purpose: str = accounts.RESET, hours: int = 24) -> str:
    """A reset/activation link token, as the app issues it (the setup step, not the test)."""
    db_session.rollback()
    user = db_session.get(User, user_id)
    raw = accounts.issue_link_token(db_session, TEST_ACTOR, user, purpose, hours)
    db_session.commit()
    return raw


def set_password_via_link(client, raw_token: str, password: str, confirm: str | None = None):
    """Open the link, then submit the new-password form. Returns the form's response."""
    response = client.get(f"/password/reset/{raw_token}")
    assert response.status_code == 303, response.status_code
    return client.submit(
        "/password/new", {"password": password, "confirm": password if confirm is None else confirm}
    )


def outbox_links(db_session, recipient: str) -> list[str]:
    """Link tokens in the queued mails to `recipient`, oldest first."""
    db_session.rollback()
    db_session.expire_all()
    messages = db_session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    tokens = [
        token
        for message in messages
        if message.recipient == recipient
        for token in LINK_PATTERN.findall(message.body)
    ]
    db_session.rollback()
    return tokens


def enrol_from_page(client, html: str) -> str:
    """Read the key off the enrolment page like a person typing it into an app."""
    match = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', html)
    assert match, "no TOTP key on the enrolment page"
    return match.group(1).replace(" ", "")


def normalised_page(html: str, *variable: str) -> str:
    """The page with per-request values (CSRF token, request id, echoed input) blanked."""
    html = CSRF_VALUE.sub(r"\1CSRF\2", html)
    html = REQUEST_REF.sub("REQUEST-ID", html)
    for value in variable:
        html = html.replace(value, "ECHOED")
    return html


def cookie_shapes(response) -> list[str]:
    """Set-Cookie headers without their values: name and attributes only."""
    shapes = []
    for header in response.headers.getlist("Set-Cookie"):
        name_value, _, attributes = header.partition(";")
        shapes.append(name_value.split("=", 1)[0] + ";" + attributes)
    return sorted(shapes)


def raw_database_text(db_session) -> str:
    """Every value of every table as stored (encrypted columns stay encrypted)."""
    db_session.rollback()
    chunks = []
    for table in Base.metadata.sorted_tables:
        for row in db_session.execute(text(f"SELECT * FROM {table.name}")):  # noqa: S608 - fixed names
            chunks.extend(str(value) for value in row)
    db_session.rollback()
    return "\n".join(chunks)
