"""SB-1.1 (ASVS 11.4.2): passwords are stored as Argon2id with at least OWASP's parameters."""

from __future__ import annotations

from argon2 import PasswordHasher, extract_parameters
from argon2.low_level import Type

from app.auth.models import User
from app.auth.roles import Role
from tests.auth.flows import browser_logged_in, issue_link, new_browser, set_password_via_link
from tests.factories import make_user
from tests.support import fresh

NEW_PASSWORD = "blæksprutte vandkande trappetrin"


def _stored_hash(db_session, user_id: int) -> str:
    return fresh(db_session, User, user_id).password_hash


def test_a_password_set_through_the_app_is_argon2id_with_owasp_minimum(client, db_session):
    user = make_user(db_session, Role.COORDINATOR, password=None, totp=False)
    response = set_password_via_link(client, issue_link(db_session, user.id), NEW_PASSWORD)
    assert response.status_code == 302

    stored = _stored_hash(db_session, user.id)
    assert stored.startswith("$argon2id$")
    parameters = extract_parameters(stored)
    assert parameters.type is Type.ID
    assert parameters.memory_cost >= 19456
    assert parameters.time_cost >= 2
    assert NEW_PASSWORD not in stored


def test_the_same_password_gives_two_users_different_hashes(app, db_session):
    first = make_user(db_session, Role.COORDINATOR, password=None, totp=False)
    second = make_user(db_session, Role.ASSESSOR, password=None, totp=False)
    for user in (first, second):
        response = set_password_via_link(
            new_browser(app), issue_link(db_session, user.id), NEW_PASSWORD
        )
        assert response.status_code == 302

    first_hash, second_hash = (
        _stored_hash(db_session, first.id),
        _stored_hash(db_session, second.id),
    )
    assert first_hash.startswith("$argon2id$") and second_hash.startswith("$argon2id$")
    assert first_hash != second_hash
    # Different salts, not only different encodings of the same digest.
    assert first_hash.split("$")[4] != second_hash.split("$")[4]


def test_login_upgrades_a_hash_made_with_weaker_parameters(app, db_session):
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    user = make_user(db_session, Role.COORDINATOR, commit=False)
    user.password_hash = weak.hash(user.plain_password)
    db_session.commit()
    assert PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1).check_needs_rehash(
        user.password_hash
    )

    browser_logged_in(app, db_session, user)

    upgraded = _stored_hash(db_session, user.id)
    parameters = extract_parameters(upgraded)
    assert parameters.type is Type.ID
    assert parameters.memory_cost >= 19456 and parameters.time_cost >= 2
    # The upgraded hash is of the same password: the person logs in with it again.
    browser_logged_in(app, db_session, user)


def test_login_leaves_a_current_hash_alone(app, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    before = _stored_hash(db_session, user.id)
    browser_logged_in(app, db_session, user)
    assert _stored_hash(db_session, user.id) == before


def test_a_failed_login_does_not_rehash(app, db_session):
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    user = make_user(db_session, Role.COORDINATOR, commit=False)
    user.password_hash = weak_hash = weak.hash(user.plain_password)
    db_session.commit()
    browser = new_browser(app)
    response = browser.submit(
        "/login", {"email": user.email, "password": "not the password at all"}
    )
    assert response.status_code == 200
    assert _stored_hash(db_session, user.id) == weak_hash
