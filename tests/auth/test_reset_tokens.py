"""SB-1.6 (ASVS 6.4.1): reset and activation links work once, expire, and are kept hashed."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import time_machine

from app.auth import accounts
from app.auth.models import OneTimeToken, User
from app.auth.passwords import verify_password
from app.auth.roles import Role
from tests.auth.flows import (
    browser_logged_in,
    issue_link,
    new_browser,
    normalised_page,
    outbox_links,
    password_step,
    raw_database_text,
    set_password_via_link,
)
from tests.factories import make_user
from tests.support import fresh

NEW_PASSWORD = "regnbue havkat klatrestativ"
START = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


def _generic_gone(response, token: str = "") -> str:
    assert response.status_code == 410
    page = response.get_data(as_text=True)
    assert "This link has expired or has already been used." in page
    # The page's own path (with the token) comes back in the language form's `next`.
    return normalised_page(page, *([token] if token else []))


def _hash_unchanged(db_session, user) -> bool:
    """The factory's password still works and the new one does not."""
    stored = fresh(db_session, User, user.id).password_hash
    return verify_password(stored, user.plain_password) and not verify_password(
        stored, NEW_PASSWORD
    )


def test_a_good_link_sets_the_password_on_a_url_without_the_token(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    raw = issue_link(db_session, user.id)
    browser = new_browser(app)
    response = browser.get(f"/password/reset/{raw}")
    assert response.status_code == 303
    assert response.headers["Location"] == "/password/new"
    assert raw not in response.headers["Location"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    response = browser.submit("/password/new", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert password_step(new_browser(app), user.email, NEW_PASSWORD).status_code == 302
    assert password_step(new_browser(app), user.email, user.plain_password).status_code == 200


def test_the_four_bad_tokens_get_the_same_generic_answer(app, db_session):
    pages = []

    # 1. Used.
    user = make_user(db_session, Role.COORDINATOR)
    used = issue_link(db_session, user.id)
    assert set_password_via_link(new_browser(app), used, NEW_PASSWORD).status_code == 302
    pages.append(_generic_gone(new_browser(app).get(f"/password/reset/{used}"), used))

    # 2. Expired (24 h for a reset link).
    other = make_user(db_session, Role.COORDINATOR)
    with time_machine.travel(START, tick=False) as traveller:
        expired = issue_link(db_session, other.id, hours=24)
        traveller.shift(dt.timedelta(hours=24, seconds=1))
        pages.append(_generic_gone(new_browser(app).get(f"/password/reset/{expired}"), expired))

    # 3. Mangled.
    third = make_user(db_session, Role.COORDINATOR)
    good = issue_link(db_session, third.id)
    mangled = good[:-1] + ("A" if good[-1] != "A" else "B")
    pages.append(_generic_gone(new_browser(app).get(f"/password/reset/{mangled}"), mangled))

    # 4. The user is gone (users are deactivated, never deleted).
    fourth = make_user(db_session, Role.COORDINATOR)
    orphan = issue_link(db_session, fourth.id)
    db_session.get(User, fourth.id).active = False
    db_session.commit()
    pages.append(_generic_gone(new_browser(app).get(f"/password/reset/{orphan}"), orphan))

    # The answers cannot be told apart.
    assert len(set(pages)) == 1
    assert _hash_unchanged(db_session, other)
    assert _hash_unchanged(db_session, fourth)


@pytest.mark.parametrize(
    "bad",
    ["", "x", "A" * 43, "../../etc/passwd", "%00", "a" * 500],
    ids=["empty", "short", "right-length", "path", "nul", "long"],
)
def test_made_up_tokens_are_refused(client, bad):
    response = client.get(f"/password/reset/{bad}")
    assert response.status_code in (404, 410)
    assert client.get("/password/new").status_code == 410


def test_an_expired_link_cannot_finish_a_form_opened_in_time(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    with time_machine.travel(START, tick=False) as traveller:
        raw = issue_link(db_session, user.id, hours=24)
        browser = new_browser(app)
        traveller.shift(dt.timedelta(hours=23, minutes=59))
        assert browser.get(f"/password/reset/{raw}").status_code == 303
        token = browser.get("/password/new")
        assert token.status_code == 200
        traveller.shift(dt.timedelta(minutes=1, seconds=1))
        response = browser.post(
            "/password/new", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
        )
        assert response.status_code in (400, 410)
        response = browser.submit(
            "/password/new",
            {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
            page="/password/forgot",
        )
        assert response.status_code == 410
    assert _hash_unchanged(db_session, user)


def test_a_link_used_in_one_browser_is_dead_in_another_that_opened_it_earlier(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    raw = issue_link(db_session, user.id)
    early = new_browser(app)
    assert early.get(f"/password/reset/{raw}").status_code == 303
    assert set_password_via_link(new_browser(app), raw, NEW_PASSWORD).status_code == 302
    assert early.get("/password/new").status_code == 410
    response = early.submit(
        "/password/new",
        {"password": "et helt andet kodeord her", "confirm": "et helt andet kodeord her"},
        page="/password/forgot",
    )
    assert response.status_code == 410
    assert password_step(new_browser(app), user.email, NEW_PASSWORD).status_code == 302


def test_a_newer_link_replaces_the_older_one(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    older = issue_link(db_session, user.id)
    newer = issue_link(db_session, user.id)
    _generic_gone(new_browser(app).get(f"/password/reset/{older}"))
    assert set_password_via_link(new_browser(app), newer, NEW_PASSWORD).status_code == 302


def test_activation_links_expire_after_72_hours(app, db_session):
    user = make_user(db_session, Role.COORDINATOR, password=None, totp=False)
    with time_machine.travel(START, tick=False) as traveller:
        raw = issue_link(
            db_session,
            user.id,
            accounts.ACTIVATE,
            hours=app.config["TIDLIG_ACTIVATION_TOKEN_HOURS"],
        )
        traveller.shift(dt.timedelta(hours=71, minutes=59))
        assert new_browser(app).get(f"/password/reset/{raw}").status_code == 303
        traveller.shift(dt.timedelta(minutes=1, seconds=1))
        _generic_gone(new_browser(app).get(f"/password/reset/{raw}"))


def test_a_reset_link_from_the_form_expires_after_24_hours(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    with time_machine.travel(START, tick=False) as traveller:
        assert new_browser(app).submit("/password/forgot", {"email": user.email}).status_code == 200
        [raw] = outbox_links(db_session, user.email)
        traveller.shift(dt.timedelta(hours=23, minutes=59, seconds=59))
        assert new_browser(app).get(f"/password/reset/{raw}").status_code == 303
        traveller.shift(dt.timedelta(seconds=2))
        _generic_gone(new_browser(app).get(f"/password/reset/{raw}"))


def test_the_database_keeps_only_the_sha256_of_the_token(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    assert new_browser(app).submit("/password/forgot", {"email": user.email}).status_code == 200
    [raw] = outbox_links(db_session, user.email)

    db_session.rollback()
    stored = db_session.query(OneTimeToken).filter_by(user_id=user.id).one()
    assert stored.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    everything = raw_database_text(db_session)
    assert raw not in everything
    assert raw[:20] not in everything
    assert len(raw) >= 43  # 256 bits, URL-safe base64


def test_a_password_change_kills_an_outstanding_reset_link(app, db_session):
    """Someone who changed the password after asking for a link has no live link left."""
    user = make_user(db_session, Role.COORDINATOR)
    raw = issue_link(db_session, user.id)
    browser = browser_logged_in(app, db_session, user)
    response = browser.submit(
        "/account/password",
        {
            "current_password": user.plain_password,
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    _generic_gone(new_browser(app).get(f"/password/reset/{raw}"))


def test_deactivating_a_user_kills_a_link_already_opened(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    raw = issue_link(db_session, user.id)
    browser = new_browser(app)
    assert browser.get(f"/password/reset/{raw}").status_code == 303
    db_session.get(User, user.id).active = False
    db_session.commit()
    assert browser.get("/password/new").status_code == 410
    assert _hash_unchanged(db_session, user)
