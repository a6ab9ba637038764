"""SB-1.2 (ASVS 6.2.1/.4/.8/.9/.12): length over composition, top-list check, exact match."""

from __future__ import annotations

import unicodedata

import pytest
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from app.auth.models import User
from app.auth.roles import Role
from tests.auth.flows import (
    browser_logged_in,
    issue_link,
    new_browser,
    password_step,
    set_password_via_link,
)
from tests.factories import make_user
from tests.support import fresh

TOO_SHORT = "Ulvetand-Kamel"  # 14 characters, otherwise strong
JUST_LONG_ENOUGH = "ulvetand kamel!"  # 15 characters
UNICODE_PASSWORD = "Æblegrød på Ærø 🍎 — ходить 歩く"
LONG_64 = "skovsnegl " * 6 + "ravn"  # 64 characters
LONG_128 = ("tusindfryd postkasse regnvejr " * 5)[:120] + "kopkage!"  # 128 characters
# Top-list entries that are long enough to pass the length rule (zxcvbn's own list).
TOP_LIST = [p for p in FREQUENCY_LISTS["passwords"] if len(p) >= 15]


def _user_without_password(db_session):
    return make_user(db_session, Role.COORDINATOR, password=None)


def _choose(app, db_session, user, password, confirm=None):
    return set_password_via_link(
        new_browser(app), issue_link(db_session, user.id), password, confirm
    )


def _can_log_in(app, db_session, user, password) -> bool:
    response = password_step(new_browser(app), user.email, password)
    assert response.status_code in (200, 302)
    return response.status_code == 302


def _refused(response, message: str) -> bool:
    return response.status_code == 200 and message in response.get_data(as_text=True)


def test_lengths_are_as_stated():
    assert len(TOO_SHORT) == 14 and len(JUST_LONG_ENOUGH) == 15
    assert len(LONG_64) == 64 and len(LONG_128) == 128
    assert len(TOP_LIST) >= 10


def test_fourteen_characters_are_refused_and_nothing_is_stored(app, db_session):
    user = _user_without_password(db_session)
    response = _choose(app, db_session, user, TOO_SHORT)
    assert _refused(response, "Use at least 15 characters.")
    assert fresh(db_session, User, user.id).password_hash is None
    assert not _can_log_in(app, db_session, user, TOO_SHORT)


def test_fifteen_characters_are_enough(app, db_session):
    user = _user_without_password(db_session)
    response = _choose(app, db_session, user, JUST_LONG_ENOUGH)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert _can_log_in(app, db_session, user, JUST_LONG_ENOUGH)


@pytest.mark.parametrize(
    "password",
    [LONG_64, LONG_128, UNICODE_PASSWORD, "alle små bogstaver og ingen tal"],
    ids=["64-chars", "128-chars", "unicode", "no-composition-rules"],
)
def test_long_unicode_and_plain_lowercase_passwords_are_accepted_and_work(
    app, db_session, password
):
    user = _user_without_password(db_session)
    response = _choose(app, db_session, user, password)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert _can_log_in(app, db_session, user, password)


@pytest.mark.parametrize("password", TOP_LIST[:5] + ["passwordpassword", "1234567890123456"])
def test_common_passwords_are_refused(app, db_session, password):
    user = _user_without_password(db_session)
    response = _choose(app, db_session, user, password)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert (
        "This password is on a list of commonly used passwords." in page
        or "This password is too easy to guess." in page
    )
    assert fresh(db_session, User, user.id).password_hash is None


def test_the_top_list_check_names_the_reason(app, db_session):
    user = _user_without_password(db_session)
    response = _choose(app, db_session, user, "qwertyuiop12345")
    assert _refused(response, "This password is on a list of commonly used passwords.")
    # Case does not help against the list.
    response = _choose(app, db_session, user, "QwertyUiop12345")
    assert _refused(response, "This password is on a list of commonly used passwords.")


def test_short_top_list_passwords_are_refused_too(app, db_session):
    user = _user_without_password(db_session)
    for password in ("password", "123456", "qwerty"):
        response = _choose(app, db_session, user, password)
        assert response.status_code == 200
    assert fresh(db_session, User, user.id).password_hash is None


def test_the_users_own_e_mail_address_is_refused_as_password(app, db_session):
    user = make_user(
        db_session,
        Role.COORDINATOR,
        password=None,
        full_name="Bodil Rasmussen",
        email="bodil.rasmussen@example.dk",
    )
    for guessable in ("bodil.rasmussen@example.dk", "bodil.rasmussen@example.dk1"):
        response = _choose(app, db_session, user, guessable)
        assert _refused(response, "This password is too easy to guess.")
    assert fresh(db_session, User, user.id).password_hash is None


def test_the_two_entries_must_match(app, db_session):
    user = _user_without_password(db_session)
    response = _choose(app, db_session, user, JUST_LONG_ENOUGH, confirm=JUST_LONG_ENOUGH + "x")
    assert _refused(response, "The passwords do not match.")
    assert fresh(db_session, User, user.id).password_hash is None


def test_a_case_change_fails_login(app, db_session):
    user = _user_without_password(db_session)
    assert _choose(app, db_session, user, UNICODE_PASSWORD).status_code == 302
    assert _can_log_in(app, db_session, user, UNICODE_PASSWORD)
    for variant in (
        UNICODE_PASSWORD.upper(),
        UNICODE_PASSWORD.lower(),
        UNICODE_PASSWORD.swapcase(),
    ):
        assert variant != UNICODE_PASSWORD
        assert not _can_log_in(app, db_session, user, variant)


def test_nothing_is_truncated(app, db_session):
    user = _user_without_password(db_session)
    assert _choose(app, db_session, user, LONG_128).status_code == 302
    # bcrypt would ignore everything after byte 72; zxcvbn only scores the first 72.
    assert not _can_log_in(app, db_session, user, LONG_128[:72])
    assert not _can_log_in(app, db_session, user, LONG_128[:127])
    assert not _can_log_in(app, db_session, user, LONG_128[:-1] + "?")
    assert not _can_log_in(app, db_session, user, LONG_128 + "x")
    assert _can_log_in(app, db_session, user, LONG_128)


def test_the_same_visible_password_typed_decomposed_still_works(app, db_session):
    user = _user_without_password(db_session)
    assert _choose(app, db_session, user, UNICODE_PASSWORD).status_code == 302
    decomposed = unicodedata.normalize("NFD", UNICODE_PASSWORD)
    assert decomposed != UNICODE_PASSWORD
    assert _can_log_in(app, db_session, user, decomposed)


def test_a_logged_in_user_changing_password_meets_the_same_policy(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    browser = browser_logged_in(app, db_session, user)
    before = fresh(db_session, User, user.id).password_hash
    for weak, message in (
        (TOO_SHORT, "Use at least 15 characters."),
        ("qwertyuiop12345", "This password is on a list of commonly used passwords."),
    ):
        response = browser.submit(
            "/account/password",
            {"current_password": user.plain_password, "password": weak, "confirm": weak},
        )
        assert _refused(response, message)
    assert fresh(db_session, User, user.id).password_hash == before
