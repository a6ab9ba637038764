"""`indicators-import CSV` and `classify YEAR`: thin commands over the indicator services."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from app.audit.actor import Actor
from app.db import db
from app.monitoring.classification import classify
from app.monitoring.indicator_import import MAX_UPLOAD_BYTES, ImportRefused, import_values


def _import_command(csv_file: Path) -> None:
    """Import area indicator values from a CSV file (all rows or none)."""
    if csv_file.stat().st_size > MAX_UPLOAD_BYTES:
        click.echo("Refused: the file is larger than 5 MB.", err=True)
        sys.exit(1)
    try:
        summary = import_values(db.session, Actor.system("cli"), csv_file.read_bytes())
    except ImportRefused as refused:
        db.session.rollback()
        click.echo(f"Refused: {refused.message}", err=True)
        for problem in refused.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(
        f"Imported {summary.rows} values: {summary.created} new, {summary.updated} replaced."
    )


def _classify_command(year: int) -> None:
    """Classify every area for YEAR by the rules, replacing that year's classes."""
    results = classify(db.session, Actor.system("cli"), year)
    db.session.commit()
    counts: dict[str, int] = {}
    for row in results:
        counts[row.class_key] = counts.get(row.class_key, 0) + 1
    summary = ", ".join(f"{key} {n}" for key, n in sorted(counts.items()))
    click.echo(f"Classified {len(results)} areas for {year}: {summary or 'no areas'}.")


def register_indicator_commands(group: click.Group) -> None:
    """Add the indicator commands to a command group (e.g. `flask monitoring`)."""

    # with_appcontext: also right under a plain click.Group (an AppGroup adds it itself).
    @group.command("indicators-import")
    @click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @with_appcontext
    def indicators_import(csv_file: Path) -> None:
        """Import area indicator values from a CSV file (all rows or none)."""
        with force_locale("en"):  # messages for the terminal, not a visitor's language
            _import_command(csv_file)

    @group.command("classify")
    @click.argument("year", type=click.IntRange(1900, 2999))
    @with_appcontext
    def classify_year(year: int) -> None:
        """Classify every area for YEAR by the rules, replacing that year's classes."""
        with force_locale("en"):
            _classify_command(year)
