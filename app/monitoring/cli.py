"""`flask monitoring …`: rebuild the rollups, publish a release, import areas and indicators."""

from __future__ import annotations

import datetime as dt

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from app.audit.actor import Actor
from app.core.errors import DomainError
from app.db import db
from app.monitoring.area_cli import register_area_commands
from app.monitoring.feeds import FEEDS
from app.monitoring.indicator_cli import register_indicator_commands
from app.monitoring.releases import publish_release
from app.monitoring.rollups import rebuild

monitoring_cli = AppGroup("monitoring", help="Area monitoring for the SSP local boards.")


@monitoring_cli.command("rebuild")
def rebuild_command() -> None:
    """Count every recorded concern into the rollups again (published releases stay)."""
    if FEEDS.concern_facts is None:
        raise click.ClickException("no concern feed is registered")
    session = db.session
    counted = rebuild(session, FEEDS.concern_facts(session))
    session.commit()
    click.echo(f"Rollups rebuilt from {counted} concern facts.")


@monitoring_cli.command("release")
@click.argument("period")
def release_command(period: str) -> None:
    """Freeze a release for PERIOD (2026-Q3, 2026-H2 or 2026), if it discloses nothing."""
    session = db.session
    try:
        release = publish_release(
            session,
            Actor.system("monitoring-cli"),
            period,
            dt.date.today(),
            municipality=current_app.config["TIDLIG_MUNICIPALITY"],
        )
    except DomainError as error:
        session.rollback()
        with force_locale("en"):  # the command line speaks English, like the other commands
            raise click.ClickException(str(error.message)) from None
    session.commit()
    click.echo(f"Published {release.label} version {release.version} (release {release.id}).")


register_area_commands(monitoring_cli)
register_indicator_commands(monitoring_cli)
