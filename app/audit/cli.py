"""`flask audit verify` and `flask audit export-head`."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.audit.services import current_head, verify
from app.db import db, utcnow

audit_cli = AppGroup("audit", help="Check and anchor the audit trail.")


def _head_path(path: str | None) -> Path:
    return Path(path or current_app.config["TIDLIG_AUDIT_HEAD_FILE"])


@audit_cli.command("verify")
@click.option(
    "--head",
    "head_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Exported head to check the tail against (default: TIDLIG_AUDIT_HEAD_FILE).",
)
def verify_command(head_file: str | None) -> None:
    """Walk the chain; exit 1 naming the first bad entry."""
    path = _head_path(head_file)
    head = json.loads(path.read_text()) if path.exists() else None
    result = verify(db.session, head)
    if result.ok:
        anchored = f", tail anchored at entry {head['seq']}" if head else ", no exported head found"
        click.echo(f"audit trail OK: {result.checked} entries{anchored}")
        return
    click.echo(f"audit trail BROKEN at entry {result.first_bad_seq}: {result.reason}", err=True)
    sys.exit(1)


@audit_cli.command("export-head")
@click.option("--file", "head_file", type=click.Path(dir_okay=False), default=None)
def export_head_command(head_file: str | None) -> None:
    """Write the newest (seq, mac) outside the database; run daily from a timer."""
    path = _head_path(head_file)
    head = {**current_head(db.session), "exported_at": utcnow().isoformat()}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(head))
    os.replace(tmp, path)
    click.echo(f"exported head: entry {head['seq']} to {path}")
