"""The demo commands on a database the demo cannot or may not be seeded into.

What the seeded demo holds is tested in test_seeded_demo.py, on copies of one seeding.
"""

from __future__ import annotations

from cryptography.fernet import Fernet
from sqlalchemy import func, select

from app.auth.models import User
from app.auth.roles import Role
from app.cases.models import Person
from tests.factories import make_user


def seed(runner, *args):
    return runner.invoke(args=["seed-demo", *args])


def test_seed_refuses_a_database_with_real_accounts(runner, db_session):
    make_user(db_session, Role.ADMIN, email="real.admin@odense.dk")
    result = seed(runner)
    assert result.exit_code == 1
    assert "Refusing" in result.output
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Person)) == 0


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
