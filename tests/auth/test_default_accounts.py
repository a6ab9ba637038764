"""SB-1.7 (ASVS 6.3.2): after `alembic upgrade head` and the demo seed, no account has a
password anyone could know. Always on a fresh SQLite file, whatever TEST_DATABASE_URL says."""

from __future__ import annotations

import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from app import create_app
from app.auth.models import User
from app.auth.passwords import verify_password
from app.config import project_root
from tests.factories import DEFAULT_PASSWORD
from tests.support import TestClient

# The seeded rows are encrypted and indexed with these: a copy's app needs the same.
KEY_SETTINGS = ("TIDLIG_DATA_KEYS", "TIDLIG_INDEX_KEY", "TIDLIG_AUDIT_KEY")


@dataclass(frozen=True)
class Installation:
    url: str
    instance: Path
    app: object

    def session(self) -> Session:
        # The app's engine carries the key ring (TOTP secrets are encrypted columns).
        return Session(self.app.extensions["tidlig_db"].engine, expire_on_commit=False)

    def users(self) -> list[User]:
        with self.session() as session:
            return list(session.scalars(select(User).order_by(User.id)))

    def logins(self) -> dict[str, dict[str, str]]:
        """instance/demo-logins.txt as {email: {role, password, totp}}."""
        result = {}
        for line in (self.instance / "demo-logins.txt").read_text().splitlines():
            role, email, password, totp = line.split()
            result[email] = {"role": role, "password": password, "totp": totp.removeprefix("totp:")}
        return result


def _migrate(url: str) -> None:
    config = Config(str(project_root() / "alembic.ini"))
    config.set_main_option("script_location", str(project_root() / "migrations"))
    config.attributes["database_url"] = url
    config.attributes["skip_logging_config"] = True
    command.upgrade(config, "head")


def _app(directory: Path, keys: dict | None = None):
    instance = directory / "instance"
    return create_app(
        {
            "TIDLIG_MODE": "testing",
            "DATABASE_URL": f"sqlite:///{directory / 'tidlig.db'}",
            "INSTANCE_PATH": str(instance),
            "TIDLIG_AUDIT_HEAD_FILE": str(instance / "audit-head.json"),
            "TIDLIG_BASE_URL": "https://localhost",
            **(keys or {}),
        }
    )


def _install(tmp_path: Path, name: str, migrated: Path) -> Installation:
    """A copy of the file `alembic upgrade head` made from empty, then the app on it."""
    directory = tmp_path / name
    directory.mkdir()
    shutil.copyfile(migrated, directory / "tidlig.db")
    return Installation(f"sqlite:///{directory / 'tidlig.db'}", directory / "instance",
                        _app(directory))


def _seed(installation: Installation, *options: str) -> None:
    result = installation.app.test_cli_runner().invoke(args=["seed-demo", *options])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """`alembic upgrade head` on an empty file, once: each installation starts from a copy."""
    path = tmp_path_factory.mktemp("migrated") / "tidlig.db"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture
def installation(tmp_path, migrated):
    created = _install(tmp_path, "only", migrated)
    yield created
    created.app.extensions["tidlig_db"].engine.dispose()


@pytest.fixture(scope="module")
def seeded_snapshot(tmp_path_factory, migrated):
    """One installation seeded once (~25 s); the tests below get copies of it."""
    snapshot = _install(tmp_path_factory.mktemp("seeded"), "snapshot", migrated)
    _seed(snapshot)
    snapshot.app.extensions["tidlig_db"].engine.dispose()
    return snapshot


@pytest.fixture
def seeded_installation(seeded_snapshot, tmp_path):
    """A private copy of the seeded file and instance folder, opened with the same keys."""
    source = Path(seeded_snapshot.url.removeprefix("sqlite:///")).parent
    directory = tmp_path / "seeded"
    # copytree keeps the files' modes (demo-logins.txt: owner only), and the WAL if any.
    shutil.copytree(source, directory)
    keys = {name: seeded_snapshot.app.config[name] for name in KEY_SETTINGS}
    created = Installation(f"sqlite:///{directory / 'tidlig.db'}", directory / "instance",
                           _app(directory, keys))
    yield created
    created.app.extensions["tidlig_db"].engine.dispose()


def _known_passwords(user: User) -> set[str]:
    local = user.email.split("@")[0]
    guesses = {
        DEFAULT_PASSWORD,
        "",
        " ",
        user.email,
        local,
        user.role,
        user.full_name,
        "demo",
        "Demo",
        "demo1234",
        "tidlig",
        "Tidlig",
        "tidlig123",
        "password",
        "Password1",
        "admin",
        "changeme",
        "secret",
        "letmein",
        "odense",
        "Odense Kommune",
    }
    return guesses | set(FREQUENCY_LISTS["passwords"])  # all 30 000


def test_the_migration_alone_creates_no_account(installation):
    assert installation.users() == []


def test_no_seeded_account_has_a_known_password(seeded_installation):
    users = seeded_installation.users()
    logins = seeded_installation.logins()
    assert len(users) == 6
    assert {u.email for u in users} == set(logins)

    for user in users:
        listed = logins[user.email]["password"]
        assert user.password_hash and user.password_hash.startswith("$argon2id$")
        # The printed password is the real one (so checking it is checking the account) ...
        assert verify_password(user.password_hash, listed), user.email
        # ... and it is none of the passwords anyone could know or guess first.
        assert listed not in _known_passwords(user)
        assert listed.lower() not in _known_passwords(user)
        assert len(listed) >= 20
        # The factories' password and an empty one really do not open the account.
        for guess in (DEFAULT_PASSWORD, "", "demo", "password"):
            assert not verify_password(user.password_hash, guess), (user.email, guess)
        # A second factor is set up: the password alone is not enough.
        assert user.totp_secret


def test_two_installations_get_different_passwords_and_second_factors(
    seeded_installation, installation
):
    # The same default --seed as the seeded installation; one release instead of six
    # (the accounts are made before any monitoring data).
    _seed(installation, "--quarters", "1")
    first, second = seeded_installation.logins(), installation.logins()
    assert set(first) == set(second)
    for email in first:
        assert first[email]["password"] != second[email]["password"], email
        assert first[email]["totp"] != second[email]["totp"], email
    passwords = [entry["password"] for entry in first.values()]
    assert len(set(passwords)) == len(passwords)


def test_the_logins_file_is_readable_by_its_owner_only(seeded_snapshot):
    # The file `flask seed-demo` wrote itself, not a copy of it.
    mode = stat.S_IMODE((seeded_snapshot.instance / "demo-logins.txt").stat().st_mode)
    assert mode == 0o600


def test_seeding_again_changes_no_password(seeded_installation):
    before = {u.email: u.password_hash for u in seeded_installation.users()}
    result = seeded_installation.app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0
    assert "already in place" in result.output
    assert {u.email: u.password_hash for u in seeded_installation.users()} == before


def test_the_first_administrator_gets_an_activation_link_not_a_password(installation):
    result = installation.app.test_cli_runner().invoke(
        args=["users", "create-admin", "--email", "it@kommune.dk", "--name", "IT Afdelingen"]
    )
    assert result.exit_code == 0, result.output
    assert "https://localhost/password/reset/" in result.output
    with installation.session() as session:
        admin = session.scalar(select(User).where(User.email == "it@kommune.dk"))
        assert admin.password_hash is None and admin.totp_secret is None
        assert session.scalar(select(func.count()).select_from(User)) == 1
    # Without the link nobody gets in, whatever they type.
    installation.app.test_client_class = TestClient
    browser = installation.app.test_client()
    for guess in ("", DEFAULT_PASSWORD, "admin", "it@kommune.dk"):
        response = browser.submit("/login", {"email": "it@kommune.dk", "password": guess})
        assert response.status_code == 200, guess
