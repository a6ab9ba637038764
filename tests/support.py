"""Test helpers: a client that fills in CSRF tokens like a browser, and TOTP codes."""

from __future__ import annotations

import re

import pyotp
from flask.testing import FlaskClient

CSRF_PATTERN = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def extract_csrf(html: str) -> str:
    match = CSRF_PATTERN.search(html)
    if not match:
        raise AssertionError("no CSRF token on the page")
    return match.group(1) or match.group(2)


class TestClient(FlaskClient):
    """Requests go to https://localhost, so the production cookie settings apply."""

    __test__ = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.environ_base.setdefault("wsgi.url_scheme", "https")
        self.environ_base["REMOTE_ADDR"] = "192.0.2.10"

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", "https://localhost")
        return super().open(*args, **kwargs)

    def csrf_token(self, page: str = "/login") -> str:
        response = self.get(page)
        return extract_csrf(response.get_data(as_text=True))

    def submit(self, path: str, data: dict | None = None, *, page: str | None = None, **kwargs):
        """POST like a browser that first loaded the form: with the page's CSRF token."""
        token = self.csrf_token(page or path)
        return self.post(path, data={**(data or {}), "csrf_token": token}, **kwargs)


def next_totp_code(secret: str, last_counter: int | None) -> str:
    """The earliest code the server will still accept, given the last one used."""
    totp = pyotp.TOTP(secret)
    import datetime as dt

    current = totp.timecode(dt.datetime.now(dt.UTC))
    # Never the previous step when a fresh one is free: if the clock ticks over between
    # here and the server's check, the previous step falls out of its window.
    counter = current if last_counter is None else max(current, last_counter + 1)
    if counter > current + 1:
        raise AssertionError("no unused TOTP code left in this 90-second window")
    return totp.generate_otp(counter)


def login(client, db_session, user, *, password: str | None = None) -> None:
    """Password, then TOTP, exactly as a person does it in the browser."""
    from app.auth.models import User

    response = client.submit(
        "/login", {"email": user.email, "password": password or user.plain_password}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db_session.rollback()
    fresh = db_session.get(User, user.id)
    code = next_totp_code(fresh.totp_secret, fresh.totp_last_counter)
    db_session.rollback()
    response = client.submit("/login/code", {"code": code})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def fresh(db_session, model, primary_key):
    """The row as the database has it now (after the app's requests)."""
    db_session.rollback()
    db_session.expire_all()
    return db_session.get(model, primary_key)


def write_concurrently(app, threads: int, writes: int, write) -> list[str]:
    """Run `write(session, thread_number, step)` + commit from many threads; return the errors."""
    import threading

    factory = app.extensions["tidlig_db"].session_factory
    errors: list[str] = []

    def worker(number: int) -> None:
        try:
            for step in range(writes):
                with factory() as session:
                    write(session, number, step)
                    session.commit()
        except Exception as exc:  # reported to the test, which fails on any
            errors.append(f"{type(exc).__name__}: {exc}")

    workers = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return errors
