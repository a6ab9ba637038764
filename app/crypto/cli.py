"""`flask keys check|rotate|generate`."""

from __future__ import annotations

import secrets
import sys

import click
from cryptography.fernet import Fernet
from flask.cli import AppGroup

from app.crypto.keyring import keyring_for
from app.crypto.services import KeyMismatchError, rotate_keys, verify_key_check
from app.db import db

keys_cli = AppGroup("keys", help="Encryption keys: check, rotate, generate.")


@keys_cli.command("check")
def check_command() -> None:
    """Refuse (exit 1) when the database was encrypted under keys that are not configured."""
    try:
        verify_key_check(db.session)
        db.session.commit()
    except KeyMismatchError as error:
        click.echo(f"KEY CHECK FAILED: {error}", err=True)
        sys.exit(1)
    click.echo("keys OK")


@keys_cli.command("rotate")
@click.option("--batch-size", default=500, show_default=True)
def rotate_command(batch_size: int) -> None:
    """Re-encrypt every field under the first key of TIDLIG_DATA_KEYS; safe to rerun."""
    keyring = keyring_for(db.engine.dialect)
    report = rotate_keys(db.session, keyring, batch_size=batch_size)
    click.echo(f"rotated: {report.rows_rewritten} rows in {report.tables} tables")


@keys_cli.command("generate")
def generate_command() -> None:
    """Print fresh secrets for a new installation's environment file."""
    click.echo(f"SECRET_KEY={secrets.token_urlsafe(48)}")
    click.echo(f"TIDLIG_DATA_KEYS={Fernet.generate_key().decode()}")
    click.echo(f"TIDLIG_INDEX_KEY={secrets.token_urlsafe(48)}")
    click.echo(f"TIDLIG_AUDIT_KEY={secrets.token_urlsafe(48)}")
