"""The demo municipality: believable, complete, refuses real data, nothing readable at rest."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select

from app.areas.models import Area, District
from app.auth.models import User
from app.auth.roles import Role
from app.cases.cpr import birth_date_from_cpr
from app.cases.models import Person
from tests.factories import make_user


def seed(runner, *args):
    return runner.invoke(args=["seed-demo", *args])


def check_areas_districts_people_and_one_login_per_role(db_session, app):
    assert db_session.scalar(select(func.count()).select_from(Area)) == 35
    assert db_session.scalar(select(func.count()).select_from(District)) == 10
    assert db_session.scalar(select(func.count()).select_from(Person)) == 400
    emails = set(db_session.scalars(select(User.email)))
    assert emails == {f"{role.value}@demo.tidlig.dk" for role in Role}
    logins = (Path(app.instance_path) / "demo-logins.txt").read_text().splitlines()
    assert len(logins) == 6
    assert (Path(app.instance_path) / "demo-logins.txt").stat().st_mode & 0o077 == 0


def check_persons_have_valid_format_cprs_matching_birth_date_and_gender(db_session):
    people = list(db_session.scalars(select(Person)))
    canary = [p for p in people if p.first_name == "Zorbatronix"]
    assert len(canary) == 1 and canary[0].cpr == "010203-1234"
    for person in people:
        assert len(person.cpr) == 11 and person.cpr[6] == "-"
        assert birth_date_from_cpr(person.cpr) == person.birth_date
        assert (int(person.cpr[-1]) % 2 == 1) == (person.gender == "male")
    young = [p for p in people if p is not canary[0]]
    ages = {(p.created_at.date() - p.birth_date).days // 365 for p in young}
    assert min(ages) >= 9 and max(ages) <= 24


def check_seeding_twice_changes_nothing(runner, db_session):
    again = seed(runner)
    assert again.exit_code == 0
    assert "already in place" in again.output
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Person)) == 400


def test_seed_refuses_a_database_with_real_accounts(runner, db_session):
    make_user(db_session, Role.ADMIN, email="real.admin@odense.dk")
    result = seed(runner)
    assert result.exit_code == 1
    assert "Refusing" in result.output
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Person)) == 0


def test_two_installations_get_different_demo_passwords(runner, make_app, app, tmp_path):
    seed(runner)
    first = (Path(app.instance_path) / "demo-logins.txt").read_text()
    other = make_app(INSTANCE_PATH=str(tmp_path / "other-instance"),
                     DATABASE_URL=f"sqlite:///{tmp_path / 'other.db'}")
    from sqlalchemy import create_engine

    from app.db import Base

    engine = create_engine(other.config["DATABASE_URL"])
    Base.metadata.create_all(engine)
    engine.dispose()
    assert other.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    second = (Path(other.instance_path) / "demo-logins.txt").read_text()
    passwords = lambda text: {line.split()[2] for line in text.splitlines()}  # noqa: E731
    assert passwords(first).isdisjoint(passwords(second))


def test_raw_sqlite_files_hold_no_demo_names_or_cprs(runner, db_session, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("raw-file check reads the SQLite file and its WAL")
    seed(runner)
    db_session.rollback()
    people = list(db_session.scalars(select(Person)))
    db_session.rollback()
    path = Path(database_url.removeprefix("sqlite:///"))
    raw = b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    lowered = raw.lower()
    needles = set()
    for person in people:
        full = f"{person.first_name} {person.last_name}"
        needles |= {full, person.cpr, person.cpr.replace("-", "")}
    needles |= {"Zorbatronix", "0102031234"}
    found = [n for n in needles if n.encode() in raw or n.lower().encode() in lowered]
    assert found == []


def test_demo_commands_refuse_to_run_in_production_mode(make_app, db_session):
    production = make_app(TIDLIG_MODE="production", SECRET_KEY="s" * 40,
                          TIDLIG_DATA_KEYS=Fernet.generate_key().decode(),
                          TIDLIG_INDEX_KEY="i" * 40, TIDLIG_AUDIT_KEY="a" * 40)
    runner = production.test_cli_runner()
    for args in (["seed-demo"], ["demo-code", "admin@demo.tidlig.dk"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 1 and "TIDLIG_MODE=demo" in result.output
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(User)) == 0


def check_demo_code_prints_a_valid_code_for_demo_accounts_only(runner, db_session):
    import pyotp

    code = runner.invoke(args=["demo-code", "coordinator@demo.tidlig.dk"]).output.strip()
    db_session.rollback()
    user = db_session.scalar(select(User).where(User.email == "coordinator@demo.tidlig.dk"))
    assert pyotp.TOTP(user.totp_secret).verify(code)
    make_user(db_session, Role.ADMIN, email="real@odense.dk")
    assert runner.invoke(args=["demo-code", "real@odense.dk"]).exit_code == 1


def check_concerns_over_18_months_with_groups_cases_in_every_status_and_an_inbox(db_session):
    import datetime as dt

    from app.cases.models import Case, Concern, ConcernPerson, PersonSearchToken
    from app.cases.workflow import Status

    concerns = list(db_session.scalars(select(Concern)))
    recorded = [c for c in concerns if c.status == "recorded"]
    assert len(recorded) == 250
    assert 1 <= len([c for c in concerns if c.status == "inbox"]) <= 10
    oldest = min(c.occurred_on for c in recorded)
    assert dt.date.today() - oldest > dt.timedelta(days=365)
    assert all(dt.date.today() - c.occurred_on <= dt.timedelta(days=550) for c in concerns)
    sizes = [len(c.links) for c in recorded]
    assert max(sizes) <= 4 and len([s for s in sizes if s > 1]) >= 10
    assert len({c.area_id for c in recorded}) >= 10
    assert len({cat.key for c in recorded for cat in c.categories}) >= 8
    statuses = set(db_session.scalars(select(Case.status)))
    assert statuses == {s.value for s in Status}
    assert db_session.scalar(select(func.count()).select_from(ConcernPerson).where(
        ConcernPerson.case_id.is_(None))) == len(concerns) - len(recorded)
    assert db_session.scalar(select(func.count()).select_from(PersonSearchToken)) >= 1200
    canary = db_session.scalar(select(Person).where(Person.cpr_index.is_not(None))
                               .order_by(Person.id))
    assert canary.first_name == "Zorbatronix"
    assert db_session.scalar(select(Case).where(Case.person_id == canary.id)) is not None


def test_one_seeding_builds_the_whole_demo_and_a_second_changes_nothing(runner, db_session, app):
    """One seeding for the read-only checks: seeding the demo is the slow part (~7 s)."""
    result = seed(runner)
    assert result.exit_code == 0, result.output
    db_session.rollback()
    check_areas_districts_people_and_one_login_per_role(db_session, app)
    check_persons_have_valid_format_cprs_matching_birth_date_and_gender(db_session)
    check_concerns_over_18_months_with_groups_cases_in_every_status_and_an_inbox(db_session)
    check_seeding_twice_changes_nothing(runner, db_session)
    # Last: it adds a real account, after which seeding refuses the database.
    check_demo_code_prints_a_valid_code_for_demo_accounts_only(runner, db_session)
