"""SB-5.3, SB-5.4 and SB-D5: keys are required, checked, never stored, and can rotate."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from importlib.metadata import version
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from packaging.version import Version
from sqlalchemy import Text, select, text, type_coerce

from app import create_app
from app.cases.models import Person
from app.config import ConfigurationError
from app.crypto.keyring import KeyConfigurationError, KeyRing
from app.crypto.models import KeyCheck
from app.crypto.services import encrypted_columns

ROOT = Path(__file__).resolve().parents[2]
FERNET_KEY = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}=")


def production_settings(database_url, tmp_path, **extra):
    return {"TIDLIG_MODE": "production", "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(tmp_path / "instance"), **extra}


@pytest.fixture
def no_secret_environment(monkeypatch):
    for name in ("SECRET_KEY", "TIDLIG_DATA_KEYS", "TIDLIG_INDEX_KEY", "TIDLIG_AUDIT_KEY",
                 "TIDLIG_MODE"):
        monkeypatch.delenv(name, raising=False)


def test_production_refuses_to_start_without_secrets_and_names_them(
    database_url, tmp_path, no_secret_environment
):
    with pytest.raises(ConfigurationError) as refused:
        create_app(production_settings(database_url, tmp_path))
    message = str(refused.value)
    for name in ("SECRET_KEY", "TIDLIG_DATA_KEYS", "TIDLIG_INDEX_KEY", "TIDLIG_AUDIT_KEY"):
        assert name in message


def test_production_refuses_a_malformed_data_key(database_url, tmp_path, no_secret_environment):
    settings = production_settings(
        database_url, tmp_path, SECRET_KEY="s" * 40, TIDLIG_DATA_KEYS="not-a-fernet-key",
        TIDLIG_INDEX_KEY="i" * 40, TIDLIG_AUDIT_KEY="a" * 40,
    )
    with pytest.raises(KeyConfigurationError) as refused:
        create_app(settings)
    assert "not-a-fernet-key" not in str(refused.value), "the error must not echo key material"


def test_production_starts_with_all_secrets(database_url, tmp_path, no_secret_environment):
    settings = production_settings(
        database_url,
        tmp_path,
        SECRET_KEY="s" * 40,
        TIDLIG_DATA_KEYS=Fernet.generate_key().decode(),
        TIDLIG_INDEX_KEY="i" * 40, TIDLIG_AUDIT_KEY="a" * 40,
    )
    app = create_app(settings)
    assert app.debug is False
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_key_check_refuses_a_database_encrypted_under_another_key(runner, make_app):
    first = runner.invoke(args=["keys", "check"])
    assert first.exit_code == 0, first.output
    stranger = make_app(TIDLIG_DATA_KEYS=Fernet.generate_key().decode())
    result = stranger.test_cli_runner().invoke(args=["keys", "check"])
    assert result.exit_code == 1
    assert "KEY CHECK FAILED" in result.output


def test_no_key_material_is_stored_in_the_database(db_session, app):
    keyring = db_session.get_bind().dialect.tidlig_keyring
    db_session.add(KeyCheck(purpose="data", token="x"))
    db_session.commit()
    raw = db_session.execute(text("SELECT token FROM key_checks")).scalar_one()
    for secret in (app.config["TIDLIG_DATA_KEYS"], app.config["TIDLIG_INDEX_KEY"],
                   app.config["TIDLIG_AUDIT_KEY"], app.config["SECRET_KEY"]):
        assert secret not in raw
    assert keyring.key_count == 1


def test_no_fernet_key_is_committed_to_the_repository():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    offenders = []
    for name in files:
        binary = (".png", ".woff", ".woff2", ".eot", ".ttf", ".svg", ".geojson")
        if name.startswith("static/vendor/") or name.endswith(binary):
            continue
        path = ROOT / name
        if path.is_file() and FERNET_KEY.search(path.read_text(encoding="utf-8", errors="ignore")):
            offenders.append(name)
    assert offenders == []


def test_flask_is_not_the_version_that_signed_with_the_fallback_key():
    assert Version(version("flask")) >= Version("3.1.1")  # CVE-2025-47278


def test_rotation_moves_every_value_to_the_new_key(db_session, runner, make_app):
    keyring = db_session.get_bind().dialect.tidlig_keyring
    old_key = runner.app.config["TIDLIG_DATA_KEYS"]
    for n in range(7):
        db_session.add(Person(first_name=f"Navn{n}", last_name="Efternavn", cpr=None,
                              birth_date=dt.date(2010, 1, n + 1), gender="female"))
    db_session.commit()
    assert keyring.key_count == 1

    new_key = Fernet.generate_key().decode()
    both = {"TIDLIG_DATA_KEYS": f"{new_key},{old_key}",
            "TIDLIG_INDEX_KEY": runner.app.config["TIDLIG_INDEX_KEY"],
            "TIDLIG_AUDIT_KEY": runner.app.config["TIDLIG_AUDIT_KEY"]}
    runner = make_app(**both).test_cli_runner()
    rotated = runner.invoke(args=["keys", "rotate", "--batch-size", "3"])
    assert rotated.exit_code == 0, rotated.output
    assert "rotated: 7 rows" in rotated.output

    only_new = Fernet(new_key.encode())
    db_session.rollback()
    for table, names in encrypted_columns():
        for name in names:
            for token in db_session.execute(
                select(type_coerce(table.c[name], Text)).where(table.c[name].is_not(None))
            ).scalars():
                only_new.decrypt(token.encode())  # raises if anything is left under the old key

    new_only_app = make_app(**{**both, "TIDLIG_DATA_KEYS": new_key})
    with new_only_app.app_context():
        from app.db import db

        names = sorted(p.first_name for p in db.session.scalars(select(Person)))
    assert names == [f"Navn{n}" for n in range(7)]
    again = make_app(**both).test_cli_runner().invoke(args=["keys", "rotate"])
    assert "rotated: 0 rows" in again.output, "a rerun finds nothing left to do"


def test_keyring_rejects_an_empty_key_list():
    with pytest.raises(KeyConfigurationError):
        KeyRing(" , ", "i" * 40, "a" * 40)
