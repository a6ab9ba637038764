"""Configuration from the environment.

Outside testing and demo mode the app refuses to start without its secrets: a
municipality must never run on a key someone could find in a repository.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet

REQUIRED_SECRETS = ("SECRET_KEY", "TIDLIG_DATA_KEYS", "TIDLIG_INDEX_KEY", "TIDLIG_AUDIT_KEY")


class ConfigurationError(RuntimeError):
    """Raised when the app cannot start safely; the message names what is missing."""


@dataclass(frozen=True)
class Mode:
    name: str

    @property
    def is_demo(self) -> bool:
        return self.name == "demo"

    @property
    def is_testing(self) -> bool:
        return self.name == "testing"


def project_root() -> Path:
    return Path(__file__).resolve().parent.parent


def default_instance_path() -> Path:
    return Path(os.environ.get("TIDLIG_INSTANCE_PATH", project_root() / "instance"))


def base_settings(instance_path: Path) -> dict:
    """Settings that do not depend on secrets; every mode starts from these."""
    return {
        "TIDLIG_MODE": "production",
        # Never from FLASK_DEBUG: the debugger would show code and data to anyone.
        "DEBUG": False,
        "DATABASE_URL": f"sqlite:///{instance_path / 'tidlig.db'}",
        "SESSION_COOKIE_NAME": "__Host-tidlig",
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_PATH": "/",
        "SESSION_COOKIE_DOMAIN": None,
        "PREFERRED_URL_SCHEME": "https",
        "TIDLIG_SESSION_IDLE_MINUTES": 30,
        "TIDLIG_SESSION_ABSOLUTE_HOURS": 12,
        "TIDLIG_MFA_REQUIRED": True,
        "TIDLIG_LOGIN_LIMIT": "10 per 15 minutes",
        "TIDLIG_LOGIN_IP_LIMIT": "60 per 15 minutes",
        "TIDLIG_RESET_TOKEN_HOURS": 24,
        "TIDLIG_ACTIVATION_TOKEN_HOURS": 72,
        "TIDLIG_AUDIT_HEAD_FILE": str(instance_path / "audit-head.json"),
        "TIDLIG_MUNICIPALITY": "Odense Kommune",
        "TIDLIG_BASE_URL": "http://127.0.0.1:5000",
        # Assessments: a link lives 14 days, an answer is due in 7, the link's session is
        # short and slides while the assessor works; worry from 7 of 10 is "serious".
        "TIDLIG_INVITATION_DAYS": 14,
        "TIDLIG_ASSESSMENT_DUE_DAYS": 7,
        "TIDLIG_INVITATION_SESSION_MINUTES": 60,
        "TIDLIG_SERIOUS_WORRY": 7,
        # Prompts (privacy.md 14): a case with nothing on its timeline for this many months is
        # proposed for closure; a young person at this age (SSP+ reaches 24/25) for review.
        "TIDLIG_INACTIVE_MONTHS": 12,
        "TIDLIG_AGE_CEILING": 25,
        # Shown with the duty-to-notify notice and on dead links; each municipality sets its own.
        "TIDLIG_NOTIFICATION_CHANNEL": "Børn og Unge – kommunens digitale underretning",
        "TIDLIG_SSP_CONTACT": "SSP-sekretariatet",
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "WTF_CSRF_ENABLED": True,
        # Referrer-Policy: no-referrer means browsers send no Referer; the token and
        # SameSite cookies carry the protection instead of the referrer check.
        "WTF_CSRF_SSL_STRICT": False,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the server-side session
        "WTF_I18N_ENABLED": True,
        "BABEL_DEFAULT_LOCALE": "da",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Copenhagen",
        "TIDLIG_LOCALES": ("da", "en"),
        "MAIL_SERVER": None,
        "MAIL_PORT": 25,
        "MAIL_USE_TLS": False,
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        "MAIL_SENDER": "tidlig@localhost",
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "JSON_SORT_KEYS": False,
    }


ENV_SETTINGS = {
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "TIDLIG_DATA_KEYS": str,
    "TIDLIG_INDEX_KEY": str,
    "TIDLIG_AUDIT_KEY": str,
    "TIDLIG_MODE": str,
    "TIDLIG_AUDIT_HEAD_FILE": str,
    "TIDLIG_MUNICIPALITY": str,
    "TIDLIG_BASE_URL": str,
    "TIDLIG_INVITATION_DAYS": int,
    "TIDLIG_ASSESSMENT_DUE_DAYS": int,
    "TIDLIG_INVITATION_SESSION_MINUTES": int,
    "TIDLIG_SERIOUS_WORRY": int,
    "TIDLIG_INACTIVE_MONTHS": int,
    "TIDLIG_AGE_CEILING": int,
    "TIDLIG_NOTIFICATION_CHANNEL": str,
    "TIDLIG_SSP_CONTACT": str,
    "RATELIMIT_STORAGE_URI": str,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USE_TLS": lambda v: v.lower() in {"1", "true", "yes"},
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_SENDER": str,
}


def settings_from_environment(environ: dict[str, str]) -> dict:
    return {name: cast(environ[name]) for name, cast in ENV_SETTINGS.items() if environ.get(name)}


def demo_settings(instance_path: Path) -> dict:
    """Demo mode: generate keys once into instance/ so restarts keep the data readable."""
    keyfile = instance_path / "demo-keys.env"
    if not keyfile.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        lines = [
            f"SECRET_KEY={secrets.token_urlsafe(48)}",
            f"TIDLIG_DATA_KEYS={Fernet.generate_key().decode()}",
            f"TIDLIG_INDEX_KEY={secrets.token_urlsafe(48)}",
            f"TIDLIG_AUDIT_KEY={secrets.token_urlsafe(48)}",
        ]
        fd = os.open(keyfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write("\n".join(lines) + "\n")
    values = dict(line.split("=", 1) for line in keyfile.read_text().splitlines() if "=" in line)
    return {
        **values,
        # The demo is served over plain http on 127.0.0.1: browsers refuse Secure cookies there.
        "SESSION_COOKIE_NAME": "tidlig_session",
        "SESSION_COOKIE_SECURE": False,
        "PREFERRED_URL_SCHEME": "http",
    }


def testing_settings() -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": secrets.token_urlsafe(32),
        "TIDLIG_DATA_KEYS": Fernet.generate_key().decode(),
        "TIDLIG_INDEX_KEY": secrets.token_urlsafe(32),
        "TIDLIG_AUDIT_KEY": secrets.token_urlsafe(32),
        "RATELIMIT_STORAGE_URI": "memory://",
    }


def load_settings(overrides: dict | None, instance_path: Path) -> dict:
    overrides = dict(overrides or {})
    environ_values = settings_from_environment(dict(os.environ))
    mode = overrides.get("TIDLIG_MODE") or environ_values.get("TIDLIG_MODE") or "production"
    settings = base_settings(instance_path)
    if mode == "demo":
        settings.update(demo_settings(instance_path))
    elif mode == "testing":
        settings.update(testing_settings())
    settings.update(environ_values)
    settings.update(overrides)
    settings["TIDLIG_MODE"] = mode
    check_secrets(settings)
    return settings


def check_secrets(settings: dict) -> None:
    missing = [name for name in REQUIRED_SECRETS if not settings.get(name)]
    if missing:
        raise ConfigurationError(
            "Tidlig will not start without its secrets. Missing: "
            + ", ".join(missing)
            + ". Set them in the environment (see README, 'Configuration'),"
            " or run with TIDLIG_MODE=demo for a local demo."
        )
    if len(str(settings["SECRET_KEY"])) < 32:
        raise ConfigurationError("SECRET_KEY must be at least 32 characters long.")
    for name in ("TIDLIG_INDEX_KEY", "TIDLIG_AUDIT_KEY"):
        if len(str(settings[name])) < 32:
            raise ConfigurationError(f"{name} must be at least 32 characters long.")
