"""`flask monitoring areas-import` and `populations-import`: the upload pages' services."""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from app.audit.actor import Actor
from app.db import db
from app.monitoring.boundaries import import_boundaries
from app.monitoring.populations import import_populations
from app.monitoring.uploads import UploadRejected

# The services' messages are translatable; with no request to choose a language, the
# commands speak English like the app's other commands.
ENGLISH = partial(force_locale, "en")
FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _refused(refusal: UploadRejected) -> None:
    db.session.rollback()
    with ENGLISH():
        click.echo(f"Refused: {refusal.message}", err=True)
        for problem in refusal.problems:
            click.echo(f"- {problem}", err=True)
    sys.exit(1)


def register_area_commands(monitoring_group: click.Group) -> click.Group:
    """Add the area import commands to the `monitoring` command group."""

    @monitoring_group.command("areas-import")
    @click.argument("geojson", type=FILE)
    @click.option("--districts", type=FILE, help="CSV: area_code,district_code,district_name")
    @with_appcontext
    def areas_import(geojson: Path, districts: Path | None) -> None:
        """Import area boundaries (GeoJSON FeatureCollection), upserted by code."""
        try:
            with ENGLISH():
                result = import_boundaries(
                    db.session,
                    Actor.system("cli"),
                    geojson.read_bytes(),
                    districts.read_bytes() if districts else None,
                )
        except UploadRejected as refusal:
            _refused(refusal)
            return
        db.session.commit()
        click.echo(
            f"areas created {len(result.created)}, updated {len(result.updated)}, "
            f"not in the file (kept) {len(result.not_in_file)}; "
            f"districts created {len(result.grouping.districts_created)}"
        )
        for text in result.not_in_file:
            click.echo(f"not in the file: {text}")

    @monitoring_group.command("populations-import")
    @click.argument("csv_file", metavar="CSV", type=FILE)
    @with_appcontext
    def populations_import(csv_file: Path) -> None:
        """Import youth population per area and year (area_code,year,youth_population)."""
        try:
            with ENGLISH():
                result = import_populations(db.session, Actor.system("cli"), csv_file.read_bytes())
        except UploadRejected as refusal:
            _refused(refusal)
            return
        db.session.commit()
        years = ", ".join(str(year) for year in result.years)
        click.echo(f"figures added {result.created}, replaced {result.updated}; years {years}")

    return monitoring_group
