"""Factory functions: real rows through the real services' models, never mocks."""

from __future__ import annotations

import itertools

import pyotp
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import Organisation, User
from app.auth.passwords import hash_password
from app.auth.roles import OrganisationType, Role

_sequence = itertools.count(1)
DEFAULT_PASSWORD = "korrekt hest batteri hæfteklamme"


def make_organisation(session: Session, *, name: str | None = None,
                      type: OrganisationType = OrganisationType.SSP_SECRETARIAT,
                      party: bool = True) -> Organisation:
    organisation = Organisation(
        name=name or f"Organisation {next(_sequence)}", type=type.value, is_section_115_party=party
    )
    session.add(organisation)
    session.flush()
    return organisation


def make_user(session: Session, role: Role | str = Role.COORDINATOR, *, email: str | None = None,
              password: str = DEFAULT_PASSWORD, organisation: Organisation | None = None,
              full_name: str | None = None, totp: bool = True, active: bool = True,
              commit: bool = True) -> User:
    role = Role(role)
    number = next(_sequence)
    if organisation is None:
        organisation = make_organisation(session)
    user = User(
        email=email or f"{role.value}{number}@example.dk",
        full_name=full_name or f"Test {role.value.title()} {number}",
        role=role.value,
        organisation_id=organisation.id,
        password_hash=hash_password(password) if password else None,
        totp_secret=pyotp.random_base32() if totp else None,
        active=active,
    )
    session.add(user)
    session.flush()
    user.plain_password = password
    if commit:
        session.commit()
    return user


def reload_user(session: Session, user_id: int) -> User:
    session.expire_all()
    return session.scalar(select(User).where(User.id == user_id))
