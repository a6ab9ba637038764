"""Factory functions: real rows through the real services' models, never mocks."""

from __future__ import annotations

import itertools
from functools import cache

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


@cache
def _password_hash(password: str) -> str:
    # Argon2id costs ~40 ms a call on purpose. Factory users need a valid hash of their
    # password, not a fresh salt each: the app's own hashing is tested through the app.
    return hash_password(password)


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
        password_hash=_password_hash(password) if password else None,
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


def make_person(session: Session, *, first_name: str = "Emil", last_name: str = "Jensen",
                birth_date=None, gender: str = "male", area_id: int | None = None,
                cpr: str | None = None, commit: bool = True):
    """A person with encrypted fields and CPR index, as the intake service would store them."""
    import datetime as dt

    from app.cases.models import Person

    keyring = session.get_bind().dialect.tidlig_keyring
    birth_date = birth_date or dt.date(2011, 4, 17)
    person = Person(
        first_name=first_name, last_name=last_name, cpr=cpr,
        cpr_index=keyring.blind_index("cpr", cpr.replace("-", "")) if cpr else None,
        birth_date=birth_date, birth_year=birth_date.year, gender=gender, area_id=area_id,
    )
    session.add(person)
    session.flush()
    if commit:
        session.commit()
    return person


def make_case(session: Session, *, person=None, status: str = "new", area_id: int | None = None,
              categories: tuple[str, ...] = ("violence",), narrative: str = "Slog en anden elev.",
              actor_user_id: int | None = None, commit: bool = True):
    """A case opened by a concern, through the workflow's own opening function."""
    import datetime as dt

    from sqlalchemy import select as _select

    from app.audit.actor import Actor
    from app.cases.models import Concern, ConcernCategory, ConcernPerson
    from app.cases.workflow import open_or_attach

    person = person or make_person(session, area_id=area_id, commit=False)
    concern = Concern(
        occurred_on=dt.date(2026, 11, 2), area_id=person.area_id, reporter_type="school",
        narrative=narrative, legal_basis="s115", notification=None,
        categories=list(session.scalars(
            _select(ConcernCategory).where(ConcernCategory.key.in_(categories))
        )),
    )
    session.add(concern)
    session.flush()
    link = ConcernPerson(concern_id=concern.id, person_id=person.id)
    session.add(link)
    session.flush()
    case = open_or_attach(session, Actor(user_id=actor_user_id), person, concern, link)
    case.status = status
    session.flush()
    if commit:
        session.commit()
    return case
