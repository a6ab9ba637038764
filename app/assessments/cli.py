"""`flask reminders send` and `flask instrument load|list`: thin commands over the services."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.assessments.instrument import InstrumentError, load_file, parse_definition
from app.assessments.models import InstrumentVersion
from app.assessments.reminders import send_reminders
from app.assessments.settings import link_settings
from app.audit.actor import Actor
from app.audit.services import record
from app.db import db
from app.mail.cli import configured_smtp
from app.mail.services import deliver_pending

reminders_cli = AppGroup("reminders", help="Reminders and overdue notices for assessments.")
instrument_cli = AppGroup("instrument", help="The assessment instrument's versions.")


@reminders_cli.command("send")
def send_command() -> None:
    """Queue today's reminders and overdue notices, then deliver the outbox.

    A timer runs this once a day (e.g. a systemd timer at 07:00). The mails are queued in
    the outbox in the same transaction as the flags that stop them being sent twice; they
    are then delivered like `flask mail send` when MAIL_SERVER is set.
    """
    summary = send_reminders(
        db.session, Actor.system("reminders"), dt.date.today(), link_settings()
    )
    db.session.commit()
    click.echo(
        f"reminders {summary.reminders}, overdue notices {summary.overdue_notices}, "
        f"skipped {summary.skipped}"
    )
    smtp = configured_smtp()
    if smtp is None:
        click.echo("MAIL_SERVER is not set: messages stay in the outbox.")
        return
    try:
        sent, failed = deliver_pending(db.session, smtp)
    except OSError as error:  # refused, unreachable, TLS: the timer's log should say so
        reason = type(error).__name__
        click.echo(f"Mail server not reached ({reason}): mail stays queued.", err=True)
        sys.exit(1)
    click.echo(f"sent {sent}, failed {failed}")


@instrument_cli.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load_command(path: Path) -> None:
    """Load a new instrument version from a JSON file. A version never changes once loaded."""
    try:
        row, created = load_file(db.session, path)
    except InstrumentError as error:
        db.session.rollback()
        click.echo(f"Refused: {error}", err=True)
        sys.exit(1)
    if not created:
        click.echo(f"Version {row.version} is already loaded with this content; nothing changed.")
        return
    record(
        db.session,
        Actor.system("cli"),
        "instrument.load",
        object_type="instrument_version",
        object_id=row.id,
        details={"version": row.version, "content_hash": row.content_hash},
    )
    db.session.commit()
    click.echo(f"Loaded instrument version {row.version}.")


@instrument_cli.command("list")
def list_command() -> None:
    """The loaded versions; the newest is what new requests use."""
    rows = db.session.scalars(select(InstrumentVersion).order_by(InstrumentVersion.version)).all()
    if not rows:
        click.echo("No instrument version is loaded.")
        return
    for row in rows:
        domains = len(parse_definition(json.loads(row.definition)).domains)
        current = "  (current)" if row is rows[-1] else ""
        click.echo(
            f"version {row.version}  {row.introduced_at:%Y-%m-%d}  {domains} domains  "
            f"sha256 {row.content_hash[:12]}{current}"
        )
