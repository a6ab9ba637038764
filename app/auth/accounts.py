"""Administering users and organisations; passwords, activation and reset links."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit.actor import Actor
from app.audit.services import record
from app.auth.login import find_user_by_email, normalise_email
from app.auth.models import ApiToken, OneTimeToken, Organisation, User
from app.auth.passwords import hash_password, password_problems, verify_password
from app.auth.roles import CASE_ROLES, OrganisationType, Role
from app.auth.sessions import end_all_sessions
from app.core.errors import DomainError
from app.core.tokens import new_token, token_hash
from app.db import utcnow

RESET = "reset"
ACTIVATE = "activate"


def create_organisation(
    session: Session, actor: Actor, *, name: str, type: str, is_section_115_party: bool
) -> Organisation:
    """Register an organisation; names are unique."""
    OrganisationType(type)
    name = " ".join(name.split())
    if session.scalar(select(Organisation.id).where(Organisation.name == name)):
        raise DomainError(_l("An organisation with this name already exists."), "name")
    organisation = Organisation(name=name, type=type, is_section_115_party=is_section_115_party)
    session.add(organisation)
    session.flush()
    record(
        session, actor, "organisation.create", object_type="organisation", object_id=organisation.id
    )
    return organisation


def _check_role_fits(role: str, organisation: Organisation) -> None:
    if Role(role) in CASE_ROLES and not organisation.is_section_115_party:
        raise DomainError(
            _l("Only organisations registered as § 115 parties can hold case roles."), "role"
        )


def create_user(
    session: Session, actor: Actor, *, email: str, full_name: str, role: str, organisation_id: int
) -> User:
    """Create an account without a password; the person sets one through an activation link."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is None or not organisation.active:
        raise DomainError(_l("Choose an active organisation."), "organisation_id")
    _check_role_fits(role, organisation)
    email = normalise_email(email)
    if find_user_by_email(session, email) is not None:
        raise DomainError(_l("A user with this e-mail address already exists."), "email")
    user = User(
        email=email,
        full_name=" ".join(full_name.split()),
        role=Role(role).value,
        organisation_id=organisation.id,
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:
        raise DomainError(_l("A user with this e-mail address already exists."), "email") from exc
    record(session, actor, "user.create", object_type="user", object_id=user.id)
    return user


def change_role(
    session: Session, actor: Actor, user: User, role: str, organisation_id: int
) -> None:
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise DomainError(_l("Choose an active organisation."), "organisation_id")
    _check_role_fits(role, organisation)
    if (user.role, user.organisation_id) != (role, organisation_id):
        user.role, user.organisation_id = Role(role).value, organisation_id
        # A changed role must take effect on the very next request: end the old logins.
        end_all_sessions(session, user.id, "role_changed")
        record(session, actor, "user.change_role", object_type="user", object_id=user.id)


def deactivate_user(session: Session, actor: Actor, user: User) -> None:
    """Deactivate instead of deleting: authors of records must stay identifiable."""
    if actor.user_id == user.id:
        raise DomainError(_l("You cannot deactivate your own account."))
    user.active = False
    user.deactivated_at = utcnow()
    end_all_sessions(session, user.id, "deactivated")
    for token in session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ):
        token.revoked_at = utcnow()
    record(session, actor, "user.deactivate", object_type="user", object_id=user.id)


def reactivate_user(session: Session, actor: Actor, user: User) -> None:
    user.active = True
    user.deactivated_at = None
    user.failed_logins = 0
    record(session, actor, "user.reactivate", object_type="user", object_id=user.id)


def reset_second_factor(session: Session, actor: Actor, user: User) -> None:
    """For a lost phone: the user enrols a new authenticator at the next login."""
    user.totp_secret = None
    user.totp_last_counter = None
    end_all_sessions(session, user.id, "mfa_reset")
    record(session, actor, "user.mfa_reset", object_type="user", object_id=user.id)


def issue_link_token(session: Session, actor: Actor, user: User, purpose: str, hours: int) -> str:
    """A single-use link token; the database keeps only its hash. Older links stop working."""
    for old in session.scalars(
        select(OneTimeToken).where(OneTimeToken.user_id == user.id, OneTimeToken.used_at.is_(None))
    ):
        old.used_at = utcnow()
    raw, hashed = new_token()
    session.add(
        OneTimeToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=hashed,
            expires_at=utcnow() + dt.timedelta(hours=hours),
        )
    )
    session.flush()
    record(session, actor, f"user.{purpose}_link", object_type="user", object_id=user.id)
    return raw


def find_link_token(session: Session, raw: str) -> OneTimeToken | None:
    """The token if unused, unexpired and its user active; otherwise None, whatever the cause."""
    token = session.scalar(select(OneTimeToken).where(OneTimeToken.token_hash == token_hash(raw)))
    if token is None or token.used_at is not None or token.expires_at <= utcnow():
        return None
    user = session.get(User, token.user_id)
    if user is None or not user.active:
        return None
    return token


def set_password_with_link(session: Session, actor: Actor, raw: str, password: str) -> User:
    token = find_link_token(session, raw)
    if token is None:
        raise DomainError(_l("This link is no longer valid. Ask for a new one."))
    user = session.get(User, token.user_id)
    _apply_new_password(session, user, password)
    token.used_at = utcnow()
    record(session, actor, f"user.{token.purpose}_password", object_type="user", object_id=user.id)
    return user


def change_password(
    session: Session, actor: Actor, user: User, current_password: str, new_password: str
) -> None:
    """Every existing login ends; the caller starts a fresh one for the person at the keyboard."""
    if not verify_password(user.password_hash, current_password):
        record(
            session,
            actor,
            "user.change_password",
            object_type="user",
            object_id=user.id,
            outcome="failed",
        )
        raise DomainError(_l("The current password is not correct."), "current_password")
    _apply_new_password(session, user, new_password)
    record(session, actor, "user.change_password", object_type="user", object_id=user.id)


def _apply_new_password(session: Session, user: User, password: str) -> None:
    problems = password_problems(password, [user.email, user.full_name])
    if problems:
        raise DomainError(problems[0], "password")
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    user.failed_logins = 0
    end_all_sessions(session, user.id, "password_changed")
    # A reset link asked for before the change must not outlive it.
    for token in session.scalars(
        select(OneTimeToken).where(OneTimeToken.user_id == user.id, OneTimeToken.used_at.is_(None))
    ):
        token.used_at = utcnow()


def list_users(session: Session, actor: Actor) -> list[User]:
    """Staff names and addresses are personal data too: listing them is recorded."""
    users = list(session.scalars(select(User).order_by(User.active.desc(), User.full_name)))
    record(session, actor, "user.list", object_type="user")
    return users


def view_user(session: Session, actor: Actor, user_id: int) -> User | None:
    user = session.get(User, user_id)
    if user is not None:
        record(session, actor, "user.view", object_type="user", object_id=user.id)
    return user


def list_organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.name)))


def set_preferred_language(session: Session, user: User, locale: str) -> None:
    if locale in ("da", "en"):
        user.locale = locale
