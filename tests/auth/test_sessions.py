"""SB-2.1 fixation, SB-2.2 logout, SB-2.3 timeouts, SB-2.6 the sessions list (ASVS 7.x)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import time_machine
from sqlalchemy import select

from app.auth.models import AuthSession, User
from app.auth.roles import Role
from tests.auth.flows import (
    browser_logged_in,
    code_step,
    cookie_value,
    current_code,
    is_logged_in,
    new_browser,
    password_step,
    replay,
    sent_to_login,
)
from tests.factories import make_user
from tests.support import fresh

START = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)
END_BUTTON = re.compile(r'action="/account/sessions/(\d+)/end"')


def _sessions_of(db_session, user_id: int) -> list[AuthSession]:
    db_session.rollback()
    db_session.expire_all()
    rows = list(
        db_session.scalars(
            select(AuthSession).where(AuthSession.user_id == user_id).order_by(AuthSession.id)
        )
    )
    db_session.rollback()
    return rows


def _cookie_token(app, value: str) -> str:
    """What the signed cookie carries as the login: Flask-Login's user id."""
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.loads(value)["_user_id"]


# SB-2.1 Fixation ------------------------------------------------------------------------


def test_the_cookie_changes_at_each_login_step_and_old_ones_stay_anonymous(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    browser = new_browser(app)
    browser.get("/login")
    before = cookie_value(browser)
    assert before

    assert password_step(browser, user.email, user.plain_password).status_code == 302
    half = cookie_value(browser)
    assert code_step(browser, current_code(db_session, user.id)).status_code == 302
    after = cookie_value(browser)

    assert len({before, half, after}) == 3
    assert is_logged_in(browser)
    # The pre-login cookie replayed afterwards is anonymous.
    assert sent_to_login(replay(app, before).get("/"))
    # So is the cookie from between password and code: the login got a new token at MFA.
    assert sent_to_login(replay(app, half).get("/"))
    assert replay(app, half).get("/login/code").status_code == 302
    # The current cookie works from anywhere (it is the login).
    assert replay(app, after).get("/").status_code == 200


def test_a_planted_cookie_does_not_become_the_victims_login(app, db_session):
    victim = make_user(db_session, Role.COORDINATOR)
    attacker = new_browser(app)
    attacker.get("/login")
    planted = cookie_value(attacker)

    victim_browser = replay(app, planted)
    assert password_step(victim_browser, victim.email, victim.plain_password).status_code == 302
    assert code_step(victim_browser, current_code(db_session, victim.id)).status_code == 302
    assert is_logged_in(victim_browser)

    assert cookie_value(victim_browser) != planted
    assert not is_logged_in(attacker)


def test_the_cookie_holds_a_random_token_whose_hash_alone_is_stored(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    browser = browser_logged_in(app, db_session, user)
    token = _cookie_token(app, cookie_value(browser))
    assert token != str(user.id) and len(token) >= 43
    [row] = _sessions_of(db_session, user.id)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert row.mfa_passed and row.ended_at is None


# SB-2.2 Logout ends the session ----------------------------------------------------------


def test_logout_ends_the_session_for_every_copy_of_the_cookie(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    browser = browser_logged_in(app, db_session, user)
    copied = cookie_value(browser)
    assert replay(app, copied).get("/").status_code == 200

    response = browser.submit("/logout", {}, page="/")
    assert sent_to_login(response)
    assert not is_logged_in(browser)
    assert sent_to_login(replay(app, copied).get("/"))
    assert replay(app, copied).get("/account/").status_code == 302
    [row] = _sessions_of(db_session, user.id)
    assert row.ended_at is not None and row.end_reason == "logout"


def test_logout_needs_post_and_the_csrf_token(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    browser = browser_logged_in(app, db_session, user)
    assert browser.get("/logout").status_code == 405
    assert browser.post("/logout").status_code == 400
    assert browser.post("/logout", data={"csrf_token": "forged"}).status_code == 400
    assert is_logged_in(browser)


def test_logout_halfway_through_login_ends_that_session_too(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    browser = new_browser(app)
    assert password_step(browser, user.email, user.plain_password).status_code == 302
    copied = cookie_value(browser)
    assert sent_to_login(browser.submit("/logout", {}, page="/login/code"))
    assert sent_to_login(replay(app, copied).get("/login/code"))


def test_a_password_change_ends_the_other_sessions(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    here = browser_logged_in(app, db_session, user)
    elsewhere = browser_logged_in(app, db_session, user)
    here_before = cookie_value(here)
    new_password = "vindmølle lakrids fyrtårn"
    response = here.submit(
        "/account/password",
        {
            "current_password": user.plain_password,
            "password": new_password,
            "confirm": new_password,
        },
    )
    assert response.status_code == 302

    assert not is_logged_in(elsewhere)
    # This browser goes on in a fresh session; its old cookie is dead.
    assert is_logged_in(here)
    assert cookie_value(here) != here_before
    assert sent_to_login(replay(app, here_before).get("/"))
    reasons = {row.end_reason for row in _sessions_of(db_session, user.id) if row.ended_at}
    assert reasons == {"password_changed"}


def test_an_administrator_disabling_the_user_ends_the_session_at_once(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    admin = make_user(db_session, Role.ADMIN)
    browser = browser_logged_in(app, db_session, user)
    copied = cookie_value(browser)
    admin_browser = browser_logged_in(app, db_session, admin)
    response = admin_browser.submit(
        f"/admin/users/{user.id}/deactivate", {}, page=f"/admin/users/{user.id}"
    )
    assert response.status_code == 302

    assert not is_logged_in(browser)
    assert sent_to_login(replay(app, copied).get("/"))
    assert all(row.ended_at is not None for row in _sessions_of(db_session, user.id))


# SB-2.3 Timeouts --------------------------------------------------------------------------


def test_thirty_one_idle_minutes_end_the_session(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    with time_machine.travel(START, tick=False) as traveller:
        browser = browser_logged_in(app, db_session, user)
        copied = cookie_value(browser)
        traveller.shift(dt.timedelta(minutes=29))
        assert is_logged_in(browser)
        traveller.shift(dt.timedelta(minutes=31))
        assert sent_to_login(browser.get("/"))
        # Coming back with the old cookie later does not revive it.
        traveller.shift(dt.timedelta(minutes=1))
        assert sent_to_login(replay(app, copied).get("/"))
    [row] = _sessions_of(db_session, user.id)
    assert row.end_reason == "idle"


def test_an_idle_half_login_expires_too(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    with time_machine.travel(START, tick=False) as traveller:
        browser = new_browser(app)
        assert password_step(browser, user.email, user.plain_password).status_code == 302
        traveller.shift(dt.timedelta(minutes=31))
        assert sent_to_login(browser.get("/login/code"))


def test_twelve_hours_end_the_session_even_when_it_was_used_throughout(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    with time_machine.travel(START, tick=False) as traveller:
        browser = browser_logged_in(app, db_session, user)
        for step in range(35):  # every 20 minutes until 11 h 40 min
            traveller.shift(dt.timedelta(minutes=20))
            assert is_logged_in(browser), f"logged out after {(step + 1) * 20} minutes"
        traveller.shift(dt.timedelta(minutes=21))  # 12 h 1 min after the login
        assert sent_to_login(browser.get("/"))
    [row] = _sessions_of(db_session, user.id)
    assert row.end_reason == "absolute"


def test_activity_keeps_the_session_alive_past_the_idle_limit(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    with time_machine.travel(START, tick=False) as traveller:
        browser = browser_logged_in(app, db_session, user)
        for _ in range(4):
            traveller.shift(dt.timedelta(minutes=25))
            assert is_logged_in(browser)


# SB-2.6 The sessions list ----------------------------------------------------------------


def test_the_sessions_list_shows_each_login_and_marks_this_one(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    laptop = browser_logged_in(app, db_session, user)
    phone = new_browser(app)
    phone.environ_base["HTTP_USER_AGENT"] = "TelefonBrowser/1.0"
    assert password_step(phone, user.email, user.plain_password).status_code == 302
    assert code_step(phone, current_code(db_session, user.id)).status_code == 302

    page = laptop.get("/account/").get_data(as_text=True)
    assert "TelefonBrowser/1.0" in page
    assert "This session" in page
    assert len(END_BUTTON.findall(page)) == 1  # only the other session has a button


def test_ending_another_session_refuses_it_on_its_next_request(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    laptop = browser_logged_in(app, db_session, user)
    phone = browser_logged_in(app, db_session, user)
    phone_cookie = cookie_value(phone)
    [other_id] = END_BUTTON.findall(laptop.get("/account/").get_data(as_text=True))

    response = laptop.submit(f"/account/sessions/{other_id}/end", {}, page="/account/")
    assert response.status_code == 302
    assert "The session has been ended." in laptop.get("/account/").get_data(as_text=True)

    assert not is_logged_in(phone)
    assert sent_to_login(replay(app, phone_cookie).get("/"))
    assert is_logged_in(laptop)
    ended = fresh(db_session, AuthSession, int(other_id))
    assert ended.end_reason == "ended_by_user"
    assert END_BUTTON.findall(laptop.get("/account/").get_data(as_text=True)) == []


def test_nobody_can_end_someone_elses_session(app, db_session):
    owner = make_user(db_session, Role.COORDINATOR)
    stranger = make_user(db_session, Role.COORDINATOR)
    owner_browser = browser_logged_in(app, db_session, owner)
    stranger_browser = browser_logged_in(app, db_session, stranger)
    [owner_session] = _sessions_of(db_session, owner.id)

    response = stranger_browser.submit(
        f"/account/sessions/{owner_session.id}/end", {}, page="/account/"
    )
    assert response.status_code == 404
    assert is_logged_in(owner_browser)
    assert fresh(db_session, AuthSession, owner_session.id).ended_at is None


def test_ending_a_session_needs_post_and_the_csrf_token(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    laptop = browser_logged_in(app, db_session, user)
    phone = browser_logged_in(app, db_session, user)
    [other_id] = END_BUTTON.findall(laptop.get("/account/").get_data(as_text=True))
    assert laptop.get(f"/account/sessions/{other_id}/end").status_code == 405
    assert laptop.post(f"/account/sessions/{other_id}/end").status_code == 400
    assert is_logged_in(phone)


def test_ended_and_expired_sessions_are_not_listed(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    with time_machine.travel(START, tick=False) as traveller:
        old = browser_logged_in(app, db_session, user)
        traveller.shift(dt.timedelta(minutes=40))
        traveller.shift(dt.timedelta(seconds=30))  # a fresh TOTP step for the next login
        current = browser_logged_in(app, db_session, user)
        page = current.get("/account/").get_data(as_text=True)
        assert END_BUTTON.findall(page) == []
        assert not is_logged_in(old)


def test_the_user_id_is_not_a_session(app, db_session):
    """Forging a cookie with the numeric id (Flask's default) gets nobody in."""
    user = make_user(db_session, Role.COORDINATOR)
    browser_logged_in(app, db_session, user)
    serializer = app.session_interface.get_signing_serializer(app)
    forged = serializer.dumps({"_user_id": str(user.id), "_fresh": True})
    assert sent_to_login(replay(app, forged).get("/"))
    assert fresh(db_session, User, user.id).active
