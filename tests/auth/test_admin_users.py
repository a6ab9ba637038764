"""Administering users: create → activation link → password → first login; deactivate,
reactivate, role change and § 115; users are never deleted (ASVS 7.4.2, 8.3.2)."""

from __future__ import annotations

import html
import re

import pyotp
import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.auth.models import AuthSession, User
from app.auth.roles import OrganisationType, Role
from app.mail.models import OutboxMessage
from tests.auth.flows import (
    LINK_PATTERN,
    browser_logged_in,
    cookie_value,
    enrol_from_page,
    is_logged_in,
    new_browser,
    password_step,
    replay,
    sent_to_login,
)
from tests.factories import make_organisation, make_user
from tests.support import fresh, login

PASSWORD = "skildpadde cykelhjelm nordlys"


@pytest.fixture
def secretariat(db_session):
    organisation = make_organisation(
        db_session, name="SSP-sekretariatet", type=OrganisationType.SSP_SECRETARIAT, party=True
    )
    db_session.commit()  # no open write transaction while the app serves requests
    return organisation


@pytest.fixture
def club(db_session):
    """Not a § 115 party: may have assessors and board members, not case roles."""
    organisation = make_organisation(
        db_session, name="Idrætsforeningen Fremad", type=OrganisationType.OTHER, party=False
    )
    db_session.commit()
    return organisation


@pytest.fixture
def admin(db_session, secretariat):
    return make_user(db_session, Role.ADMIN, organisation=secretariat)


@pytest.fixture
def admin_browser(app, db_session, admin):
    return browser_logged_in(app, db_session, admin)


def _user_by_email(db_session, email: str) -> User | None:
    db_session.rollback()
    db_session.expire_all()
    user = db_session.scalar(select(User).where(User.email == email))
    db_session.rollback()
    return user


def _user_count(db_session) -> int:
    db_session.rollback()
    count = db_session.scalar(select(func.count()).select_from(User))
    db_session.rollback()
    return count


def _mail_count(db_session) -> int:
    db_session.rollback()
    count = db_session.scalar(select(func.count()).select_from(OutboxMessage))
    db_session.rollback()
    return count


def _create(admin_browser, *, email, full_name, role, organisation_id):
    return admin_browser.submit(
        "/admin/users/new",
        {
            "email": email,
            "full_name": full_name,
            "role": role,
            "organisation_id": str(organisation_id),
        },
    )


def _action(admin_browser, user_id: int, action: str):
    return admin_browser.submit(
        f"/admin/users/{user_id}/{action}", {}, page=f"/admin/users/{user_id}"
    )


def _change_role(admin_browser, user_id: int, role: str, organisation_id: int):
    return admin_browser.submit(
        f"/admin/users/{user_id}", {"role": role, "organisation_id": str(organisation_id)}
    )


def test_create_user_then_activation_link_then_password_then_first_login(
    app, db_session, admin_browser, secretariat
):
    response = _create(
        admin_browser,
        email="Mette.Kold@Example.dk",
        full_name="  Mette   Kold ",
        role=Role.COORDINATOR.value,
        organisation_id=secretariat.id,
    )
    assert response.status_code == 302
    created = _user_by_email(db_session, "mette.kold@example.dk")
    assert created is not None and created.full_name == "Mette Kold"
    assert created.password_hash is None and created.totp_secret is None
    assert response.headers["Location"] == f"/admin/users/{created.id}"
    page = admin_browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "The user has been created and an activation link has been sent." in page
    assert "Awaiting activation" in page

    # The mail sits in the outbox (no mail server configured) with the link.
    outbox = html.unescape(admin_browser.get("/admin/outbox").get_data(as_text=True))
    assert "mette.kold@example.dk" in outbox
    links = LINK_PATTERN.findall(outbox)
    assert len(links) == 1
    [token] = links

    # The new user sets a password through the link ...
    person = new_browser(app)
    assert person.get(f"/password/reset/{token}").status_code == 303
    response = person.submit("/password/new", {"password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    # ... the link is used up ...
    assert new_browser(app).get(f"/password/reset/{token}").status_code == 410

    # ... and at the first login enrols an authenticator app.
    assert password_step(person, "mette.kold@example.dk", PASSWORD).status_code == 302
    response = person.get("/login/code")
    assert response.headers["Location"] == "/login/enrol"
    secret = enrol_from_page(person, person.get("/login/enrol").get_data(as_text=True))
    response = person.submit("/login/enrol", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    home = person.get("/")
    assert home.status_code == 200 and "Mette Kold" in home.get_data(as_text=True)

    page = admin_browser.get(f"/admin/users/{created.id}").get_data(as_text=True)
    assert "Awaiting activation" not in page
    assert fresh(db_session, User, created.id).totp_secret == secret


def test_a_duplicate_e_mail_address_is_refused_whatever_its_case(
    app, db_session, admin_browser, secretariat
):
    make_user(db_session, Role.ASSESSOR, email="dobbelt@example.dk", organisation=secretariat)
    before, mails = _user_count(db_session), _mail_count(db_session)
    response = _create(
        admin_browser,
        email="DOBBELT@example.dk",
        full_name="Anden Person",
        role=Role.ASSESSOR.value,
        organisation_id=secretariat.id,
    )
    assert response.status_code == 200
    assert "A user with this e-mail address already exists." in response.get_data(as_text=True)
    assert _user_count(db_session) == before
    assert _mail_count(db_session) == mails


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.COMMITTEE])
def test_case_roles_only_in_section_115_organisations(app, db_session, admin_browser, club, role):
    before, mails = _user_count(db_session), _mail_count(db_session)
    response = _create(
        admin_browser,
        email=f"{role.value}@fremad.dk",
        full_name="Klub Leder",
        role=role.value,
        organisation_id=club.id,
    )
    assert response.status_code == 200
    assert (
        "Only organisations registered as § 115 parties can hold case roles."
        in response.get_data(as_text=True)
    )
    assert _user_by_email(db_session, f"{role.value}@fremad.dk") is None
    assert _user_count(db_session) == before and _mail_count(db_session) == mails


@pytest.mark.parametrize("role", [Role.ASSESSOR, Role.BOARD])
def test_other_roles_are_fine_outside_section_115(app, db_session, admin_browser, club, role):
    response = _create(
        admin_browser,
        email=f"{role.value}@fremad.dk",
        full_name="Klub Træner",
        role=role.value,
        organisation_id=club.id,
    )
    assert response.status_code == 302
    assert _user_by_email(db_session, f"{role.value}@fremad.dk").role == role.value


def test_a_role_change_into_a_case_role_outside_section_115_is_refused(
    app, db_session, admin_browser, club, secretariat
):
    user = make_user(db_session, Role.ASSESSOR, organisation=club)
    browser = browser_logged_in(app, db_session, user)
    for role, organisation in ((Role.COMMITTEE, club), (Role.COORDINATOR, club)):
        response = _change_role(admin_browser, user.id, role.value, organisation.id)
        assert response.status_code == 200
        assert "Only organisations registered as § 115 parties" in response.get_data(as_text=True)
    stored = fresh(db_session, User, user.id)
    assert (stored.role, stored.organisation_id) == (Role.ASSESSOR.value, club.id)
    # Nothing changed, so the user's session was left alone.
    assert is_logged_in(browser)


def test_deactivation_ends_the_users_sessions_immediately(app, db_session, admin_browser):
    user = make_user(db_session, Role.COORDINATOR)
    laptop = browser_logged_in(app, db_session, user)
    phone = browser_logged_in(app, db_session, user)
    copied = cookie_value(laptop)

    response = _action(admin_browser, user.id, "deactivate")
    assert response.status_code == 302
    page = admin_browser.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "The user has been deactivated and logged out." in page
    assert "Deactivated" in page

    assert not is_logged_in(laptop) and not is_logged_in(phone)
    assert sent_to_login(replay(app, copied).get("/"))
    db_session.rollback()
    open_sessions = db_session.scalar(
        select(func.count())
        .select_from(AuthSession)
        .where(AuthSession.user_id == user.id, AuthSession.ended_at.is_(None))
    )
    assert open_sessions == 0

    # The right password no longer opens the account, and the answer gives nothing away.
    response = password_step(new_browser(app), user.email, user.plain_password)
    assert response.status_code == 200
    assert "The e-mail address or password is not correct." in response.get_data(as_text=True)


def test_a_deactivated_user_halfway_through_login_cannot_finish(app, db_session, admin_browser):
    user = make_user(db_session, Role.COORDINATOR)
    half = new_browser(app)
    assert password_step(half, user.email, user.plain_password).status_code == 302
    assert _action(admin_browser, user.id, "deactivate").status_code == 302
    assert sent_to_login(half.get("/login/code"))


def test_reactivation_lets_the_user_log_in_again_but_revives_no_old_session(
    app, db_session, admin_browser
):
    user = make_user(db_session, Role.COORDINATOR)
    browser = browser_logged_in(app, db_session, user)
    copied = cookie_value(browser)
    assert _action(admin_browser, user.id, "deactivate").status_code == 302
    assert _action(admin_browser, user.id, "reactivate").status_code == 302
    assert "The user has been reactivated." in admin_browser.get(
        f"/admin/users/{user.id}"
    ).get_data(as_text=True)

    assert sent_to_login(replay(app, copied).get("/"))
    assert fresh(db_session, User, user.id).active
    assert is_logged_in(browser_logged_in(app, db_session, user))


def test_an_administrator_cannot_deactivate_themselves(app, db_session, admin_browser, admin):
    response = _action(admin_browser, admin.id, "deactivate")
    assert response.status_code == 302
    page = admin_browser.get(f"/admin/users/{admin.id}").get_data(as_text=True)
    assert "You cannot deactivate your own account." in page
    assert fresh(db_session, User, admin.id).active
    assert is_logged_in(admin_browser)


def test_a_role_change_ends_the_users_sessions(app, db_session, admin_browser, secretariat):
    user = make_user(db_session, Role.COORDINATOR, organisation=secretariat)
    browser = browser_logged_in(app, db_session, user)
    copied = cookie_value(browser)
    response = _change_role(admin_browser, user.id, Role.ASSESSOR.value, secretariat.id)
    assert response.status_code == 302
    assert "The changes have been saved." in admin_browser.get(
        response.headers["Location"]
    ).get_data(as_text=True)

    assert not is_logged_in(browser)
    assert sent_to_login(replay(app, copied).get("/"))
    stored = fresh(db_session, User, user.id)
    assert stored.role == Role.ASSESSOR.value
    # Logging in again gives the new role.
    again = browser_logged_in(app, db_session, user)
    assert "Assessor" in again.get("/").get_data(as_text=True)


def test_saving_the_same_role_leaves_the_sessions_alone(
    app, db_session, admin_browser, secretariat
):
    user = make_user(db_session, Role.COORDINATOR, organisation=secretariat)
    browser = browser_logged_in(app, db_session, user)
    response = _change_role(admin_browser, user.id, Role.COORDINATOR.value, secretariat.id)
    assert response.status_code == 302
    assert is_logged_in(browser)


def test_moving_a_user_to_another_organisation_ends_the_sessions(
    app, db_session, admin_browser, secretariat
):
    police = make_organisation(
        db_session, name="Fyns Politi", type=OrganisationType.POLICE, party=True
    )
    db_session.commit()
    user = make_user(db_session, Role.COMMITTEE, organisation=secretariat)
    browser = browser_logged_in(app, db_session, user)
    assert _change_role(admin_browser, user.id, Role.COMMITTEE.value, police.id).status_code == 302
    assert not is_logged_in(browser)
    assert fresh(db_session, User, user.id).organisation_id == police.id


def test_users_are_never_deleted(app, db_session, admin_browser):
    user = make_user(db_session, Role.COORDINATOR)
    for rule in app.url_map.iter_rules():
        assert "DELETE" not in rule.methods, rule.rule
        # Other features remove things (a case from an agenda); no route removes a user.
        if rule.rule.startswith(("/admin", "/account")):
            path = rule.rule.lower()
            assert "delete" not in path and "remove" not in path, rule.rule
    for path in (f"/admin/users/{user.id}/delete", f"/admin/users/{user.id}/remove"):
        assert admin_browser.submit(path, {}, page=f"/admin/users/{user.id}").status_code == 404
    assert admin_browser.delete(f"/admin/users/{user.id}").status_code == 405

    assert _action(admin_browser, user.id, "deactivate").status_code == 302
    stored = fresh(db_session, User, user.id)
    assert stored is not None and not stored.active and stored.deactivated_at is not None
    users_page = admin_browser.get("/admin/users").get_data(as_text=True)
    assert user.full_name in users_page


def test_admin_actions_need_post_and_the_csrf_token(app, db_session, admin_browser):
    user = make_user(db_session, Role.COORDINATOR)
    browser = browser_logged_in(app, db_session, user)
    assert admin_browser.get(f"/admin/users/{user.id}/deactivate").status_code == 405
    assert admin_browser.post(f"/admin/users/{user.id}/deactivate").status_code == 400
    response = admin_browser.post(
        f"/admin/users/{user.id}",
        data={"role": Role.ASSESSOR.value, "organisation_id": str(user.organisation_id)},
    )
    assert response.status_code == 400
    stored = fresh(db_session, User, user.id)
    assert stored.active and stored.role == Role.COORDINATOR.value
    assert is_logged_in(browser)


def test_only_administrators_manage_users(app, db_session):
    coordinator = make_user(db_session, Role.COORDINATOR)
    target = make_user(db_session, Role.ASSESSOR)
    browser = browser_logged_in(app, db_session, coordinator)
    for path in ("/admin/users", "/admin/users/new", f"/admin/users/{target.id}", "/admin/outbox"):
        assert browser.get(path).status_code == 403, path
    response = browser.submit(f"/admin/users/{target.id}/deactivate", {}, page="/account/")
    assert response.status_code == 403
    assert fresh(db_session, User, target.id).active
    # Each refusal is in the audit trail, although the request itself rolled back.
    db_session.rollback()
    denied = db_session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "access.denied", AuditEvent.user_id == coordinator.id)
    )
    db_session.rollback()
    assert denied == 5
    # And the refused user is still logged in and working.
    assert is_logged_in(browser)


def test_send_reset_mails_a_working_link(app, db_session, admin_browser):
    user = make_user(db_session, Role.COORDINATOR)
    assert _action(admin_browser, user.id, "send-reset").status_code == 302
    outbox = html.unescape(admin_browser.get("/admin/outbox").get_data(as_text=True))
    [token] = LINK_PATTERN.findall(outbox)
    browser = new_browser(app)
    assert browser.get(f"/password/reset/{token}").status_code == 303
    assert (
        browser.submit("/password/new", {"password": PASSWORD, "confirm": PASSWORD}).status_code
        == 302
    )
    assert password_step(new_browser(app), user.email, PASSWORD).status_code == 302


def test_no_reset_link_for_a_deactivated_user(app, db_session, admin_browser):
    user = make_user(db_session, Role.COORDINATOR, active=False)
    mails = _mail_count(db_session)
    assert _action(admin_browser, user.id, "send-reset").status_code == 302
    assert _mail_count(db_session) == mails


def test_resetting_two_step_login_forces_a_new_enrolment(app, db_session, admin_browser):
    user = make_user(db_session, Role.COORDINATOR)
    browser = browser_logged_in(app, db_session, user)
    assert _action(admin_browser, user.id, "reset-mfa").status_code == 302
    assert not is_logged_in(browser)
    assert fresh(db_session, User, user.id).totp_secret is None

    again = new_browser(app)
    assert password_step(again, user.email, user.plain_password).status_code == 302
    assert again.get("/login/code").headers["Location"] == "/login/enrol"
    secret = enrol_from_page(again, again.get("/login/enrol").get_data(as_text=True))
    assert again.submit("/login/enrol", {"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert is_logged_in(again)


def test_an_unknown_user_id_is_404(app, db_session, admin_browser):
    assert admin_browser.get("/admin/users/999999").status_code == 404
    assert (
        admin_browser.submit("/admin/users/999999/deactivate", {}, page="/admin/users").status_code
        == 404
    )


def test_the_users_list_shows_status(app, db_session, admin_browser):
    waiting = make_user(db_session, Role.ASSESSOR, password=None, full_name="Ventende Person")
    gone = make_user(db_session, Role.ASSESSOR, active=False, full_name="Deaktiveret Person")
    page = admin_browser.get("/admin/users").get_data(as_text=True)
    rows = {
        name: re.search(re.escape(name) + r".*?</tr>", page, re.S).group(0)
        for name in (waiting.full_name, gone.full_name)
    }
    assert "Awaiting activation" in rows[waiting.full_name]
    assert "Deactivated" in rows[gone.full_name]


def test_looking_at_staff_records_is_audited(client, db_session):
    admin = make_user(db_session, Role.ADMIN)
    other = make_user(db_session, Role.BOARD)
    login(client, db_session, admin)
    assert client.get("/admin/users").status_code == 200
    assert client.get(f"/admin/users/{other.id}").status_code == 200
    db_session.rollback()
    seen = db_session.execute(
        select(AuditEvent.action, AuditEvent.object_id, AuditEvent.user_id)
        .where(AuditEvent.action.in_(["user.list", "user.view"]))
        .order_by(AuditEvent.seq)
    ).all()
    assert [tuple(row) for row in seen] == [("user.list", None, admin.id),
                                           ("user.view", str(other.id), admin.id)]
