"""Build the demo municipality. Refuses to touch a database that holds real data."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.areas.models import Area
from app.audit.actor import Actor
from app.audit.services import record
from app.auth.login import new_totp_secret
from app.auth.models import Organisation, User
from app.auth.passwords import hash_password
from app.auth.roles import OrganisationType, Role
from app.cases.cpr import birth_date_from_cpr, synthetic_cpr
from app.cases.models import Person, PersonSearchToken
from app.cases.persons import search_token_hashes
from app.crypto.keyring import KeyRing
from app.demo.areas import load_demo_areas
from app.demo.assessments import add_demo_assessments
from app.demo.concerns import add_demo_concerns
from app.demo.meetings import add_demo_meetings
from app.demo.monitoring import RELEASED_QUARTERS, seed_demo_monitoring
from app.demo.names import BOYS, GIRLS, SURNAMES

DEMO_DOMAIN = "demo.tidlig.dk"
CANARY = {"first_name": "Zorbatronix", "last_name": "Mikkelsen", "cpr": "010203-1234"}
PERSON_COUNT = 400

ORGANISATIONS = [
    ("SSP-sekretariatet, Odense Kommune", OrganisationType.SSP_SECRETARIAT, True),
    ("Fyns Politi, Lokalpoliti Odense", OrganisationType.POLICE, True),
    ("Børn og Unge, Familie og Rådgivning", OrganisationType.CHILD_SERVICES, True),
    ("Rosengårdskolen", OrganisationType.SCHOOL, True),
    ("Abildgårdskolen", OrganisationType.SCHOOL, True),
    ("Tingkærskolen", OrganisationType.SCHOOL, True),
    ("Klub Vollsmose", OrganisationType.CLUB, True),
    ("Ungdomsklubben Korsløkke", OrganisationType.CLUB, True),
    ("Odense Ungdomsskole", OrganisationType.YOUTH_SCHOOL, True),
    ("Lokalbestyrelsen, SSP Odense Øst", OrganisationType.OTHER, False),
    ("Intern Revision, Odense Kommune", OrganisationType.OTHER, False),
]

DEMO_USERS = [
    (Role.ADMIN, "Anne Administrator", "SSP-sekretariatet, Odense Kommune"),
    (Role.COORDINATOR, "Karin Koordinator", "SSP-sekretariatet, Odense Kommune"),
    (Role.COMMITTEE, "Peter Politibetjent", "Fyns Politi, Lokalpoliti Odense"),
    (Role.ASSESSOR, "Lærke Lærer", "Rosengårdskolen"),
    (Role.BOARD, "Bent Bestyrelse", "Lokalbestyrelsen, SSP Odense Øst"),
    (Role.AUDITOR, "Aase Auditor", "Intern Revision, Odense Kommune"),
]


class RealDataPresent(RuntimeError):
    """The database holds accounts or persons that the demo did not create."""


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str
    totp_secret: str


def demo_email(role: Role) -> str:
    return f"{role.value}@{DEMO_DOMAIN}"


def already_seeded(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(User).where(User.is_demo)))


def ensure_demo_only(session: Session) -> None:
    real_users = session.scalar(select(func.count()).select_from(User).where(~User.is_demo))
    real_persons = session.scalar(select(func.count()).select_from(Person).where(~Person.is_demo))
    if real_users or real_persons:
        raise RealDataPresent(
            f"this database holds {real_users} non-demo users and {real_persons} non-demo persons"
        )


def seed_demo(
    session: Session, keyring: KeyRing, seed: int = 2026, quarters: int = RELEASED_QUARTERS
) -> list[DemoLogin]:
    """Organisations, one user per role, areas in districts, and synthetic young people.

    `quarters` published monitoring releases: fewer only where a test needs a seeded
    installation but not the board's history (each release runs the LP disclosure audit).
    """
    ensure_demo_only(session)
    if already_seeded(session):
        return []
    # Reproducible demo data, never a secret: a seeded PRNG is the right tool here.
    rng = random.Random(seed)  # nosec B311  # noqa: S311
    actor = Actor.system("demo-seed")
    organisations = {}
    for name, kind, party in ORGANISATIONS:
        organisations[name] = Organisation(name=name, type=kind.value, is_section_115_party=party)
        session.add(organisations[name])
    session.flush()
    logins = []
    for role, full_name, organisation in DEMO_USERS:
        # Random per installation: no demo account has a password anyone could know.
        password = "-".join(secrets.token_urlsafe(6) for _ in range(4))
        totp_secret = new_totp_secret()
        session.add(
            User(
                email=demo_email(role),
                full_name=full_name,
                role=role.value,
                organisation_id=organisations[organisation].id,
                password_hash=hash_password(password),
                totp_secret=totp_secret,
                is_demo=True,
                locale=None,
            )
        )
        logins.append(DemoLogin(role.value, demo_email(role), password, totp_secret))
    areas = load_demo_areas(session, rng)
    _add_persons(session, keyring, rng, areas)
    session.flush()
    users = {u.role: u.id for u in session.scalars(select(User).where(User.is_demo))}
    add_demo_concerns(
        session,
        rng,
        actor,
        users.get(Role.COORDINATOR.value),
        [users[r.value] for r in (Role.ASSESSOR, Role.COMMITTEE) if r.value in users],
    )
    add_demo_meetings(session, rng, users.get(Role.COORDINATOR.value), dt.date.today())
    add_demo_assessments(
        session, rng, users.get(Role.COORDINATOR.value), dt.date.today(), CANARY["first_name"]
    )
    seed_demo_monitoring(session, rng, dt.date.today(), users.get(Role.BOARD.value), quarters)
    record(session, actor, "demo.seed", object_type="database", details={"seed": seed})
    return logins


def _add_persons(session: Session, keyring: KeyRing, rng: random.Random, areas: list[Area]) -> None:
    weights = [area.youth_population or 1 for area in areas]
    today = dt.date.today()
    used_cprs = {CANARY["cpr"]}
    # The canary CPR ends in an even digit, so the CPR says female.
    people = [(CANARY["first_name"], CANARY["last_name"], CANARY["cpr"], "female")]
    while len(people) < PERSON_COUNT:
        gender = rng.choice(["male", "female"])
        first = rng.choice(BOYS if gender == "male" else GIRLS)
        birth = today - dt.timedelta(days=rng.randrange(10 * 365, 24 * 365))
        cpr = synthetic_cpr(rng, birth, gender)
        if cpr not in used_cprs:
            used_cprs.add(cpr)
            people.append((first, rng.choice(SURNAMES), cpr, gender))
    for first, last, cpr, gender in people:
        person = Person(
            first_name=first,
            last_name=last,
            cpr=cpr,
            cpr_index=keyring.blind_index("cpr", cpr.replace("-", "")),
            birth_date=birth_date_from_cpr(cpr),
            birth_year=birth_date_from_cpr(cpr).year,
            gender=gender,
            area_id=rng.choices(areas, weights)[0].id,
            is_demo=True,
        )
        session.add(person)
        session.flush()
        session.add_all(
            PersonSearchToken(person_id=person.id, token_hash=token)
            for token in search_token_hashes(keyring, first, last, person.birth_date)
        )
