"""`flask privacy record`: the record of processing, generated from the field register."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.privacy.registry import record_of_processing

privacy_cli = AppGroup("privacy", help="Data-protection documentation.")


@privacy_cli.command("record")
def record_command() -> None:
    click.echo(record_of_processing())
