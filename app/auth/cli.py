"""`flask tokens create` and `flask users create-admin`."""

from __future__ import annotations

import sys

import click
from flask import current_app, url_for
from flask.cli import AppGroup
from sqlalchemy import select

from app.audit.actor import Actor
from app.auth import accounts
from app.auth.api_tokens import create_api_token
from app.auth.login import find_user_by_email
from app.auth.models import Organisation
from app.auth.roles import OrganisationType, Role
from app.core.errors import DomainError
from app.db import db

tokens_cli = AppGroup("tokens", help="Personal API tokens for integrations and operations.")
users_cli = AppGroup("users", help="Bootstrap accounts from the command line.")

CLI_ACTOR = Actor.system("cli")


@tokens_cli.command("create")
@click.option("--user", "email", required=True, help="E-mail of the token's owner.")
@click.option("--name", default="cli", show_default=True)
def create_token_command(email: str, name: str) -> None:
    """Create a token; it is printed once, on the last line."""
    user = find_user_by_email(db.session, email)
    if user is None or not user.active:
        click.echo(f"No active user with e-mail {email!r}.", err=True)
        sys.exit(1)
    raw = create_api_token(db.session, CLI_ACTOR, user, name)
    db.session.commit()
    click.echo(f"Token for {user.email} ({name}); store it now, it is not shown again:")
    click.echo(raw)


@users_cli.command("create-admin")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--organisation", default="SSP-sekretariatet", show_default=True)
def create_admin_command(email: str, full_name: str, organisation: str) -> None:
    """Create the first administrator and print an activation link."""
    org = db.session.scalar(select(Organisation).where(Organisation.name == organisation))
    try:
        if org is None:
            org = accounts.create_organisation(
                db.session,
                CLI_ACTOR,
                name=organisation,
                type=OrganisationType.SSP_SECRETARIAT.value,
                is_section_115_party=True,
            )
        user = accounts.create_user(
            db.session,
            CLI_ACTOR,
            email=email,
            full_name=full_name,
            role=Role.ADMIN.value,
            organisation_id=org.id,
        )
    except DomainError as error:
        click.echo(str(error.message), err=True)
        sys.exit(1)
    hours = current_app.config["TIDLIG_ACTIVATION_TOKEN_HOURS"]
    raw = accounts.issue_link_token(db.session, CLI_ACTOR, user, accounts.ACTIVATE, hours)
    db.session.commit()
    with current_app.test_request_context(base_url=current_app.config["TIDLIG_BASE_URL"]):
        link = url_for("auth.redeem_link", token=raw, _external=True)
    click.echo(f"Administrator {email} created. Activation link (valid {hours} h):")
    click.echo(link)
