"""`flask seed-demo` and `flask demo-code`: demo mode only."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
import pyotp
from flask import current_app
from flask.cli import with_appcontext

from app.auth.login import find_user_by_email
from app.crypto.keyring import keyring_for
from app.db import db
from app.demo.monitoring import RELEASED_QUARTERS
from app.demo.seed import RealDataPresent, seed_demo

DEMO_MODES = ("demo", "testing")


def refuse_outside_demo() -> None:
    if current_app.config["TIDLIG_MODE"] not in DEMO_MODES:
        click.echo("Demo commands run only with TIDLIG_MODE=demo.", err=True)
        sys.exit(1)


@click.command("seed-demo")
@click.option("--seed", default=2026, show_default=True, help="Random seed for the generated data.")
# Hidden: the demo always has its six quarters; the tests that only need a seeded
# installation (its accounts) publish one and save the other five LP audits.
@click.option("--quarters", default=RELEASED_QUARTERS, hidden=True, type=click.IntRange(1, 8))
@with_appcontext
def seed_demo_command(seed: int, quarters: int) -> None:
    """Fill an empty database with the demo municipality and print the demo logins."""
    refuse_outside_demo()
    try:
        logins = seed_demo(
            db.session, keyring_for(db.engine.dialect), seed=seed, quarters=quarters
        )
    except RealDataPresent as error:
        click.echo(f"Refusing to seed: {error}.", err=True)
        sys.exit(1)
    if not logins:
        click.echo("The demo data is already in place; nothing was changed.")
        return
    db.session.commit()
    path = Path(current_app.instance_path) / "demo-logins.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        for login in logins:
            handle.write(
                f"{login.role:<12} {login.email:<28} {login.password}  totp:{login.totp_secret}\n"
            )
    click.echo(f"Demo data created. Logins written to {path}")


@click.command("demo-code")
@click.argument("email")
@with_appcontext
def demo_code_command(email: str) -> None:
    """Print the current one-time code of a demo account (never of a real one)."""
    refuse_outside_demo()
    user = find_user_by_email(db.session, email)
    if user is None or not user.is_demo or not user.totp_secret:
        click.echo("Only demo accounts have codes printed here.", err=True)
        sys.exit(1)
    click.echo(pyotp.TOTP(user.totp_secret).now())
