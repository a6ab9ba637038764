"""Releases: the frozen, disclosure-controlled figures the boards read, and publishing one."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.auth.policy import requires
from app.core.errors import DomainError
from app.core.request_context import current_actor
from app.db import db
from app.monitoring.release_forms import PublishForm
from app.monitoring.release_overview import release_rows
from app.monitoring.releases import publish_release

blueprint = Blueprint("releases", __name__, url_prefix="/monitoring/releases")


def _render(form: PublishForm, status: int = 200):
    rows = release_rows(db.session)
    return render_template("releases/index.html", form=form, rows=rows), status


@blueprint.route("/")
@requires("monitoring.publish")
def index():
    return _render(PublishForm().offer(dt.date.today()))


@blueprint.route("/publish", methods=["POST"])
@requires("monitoring.publish")
def publish():
    form = PublishForm().offer(dt.date.today())
    if not form.validate_on_submit():
        return _render(form, 422)
    try:
        release = publish_release(
            db.session,
            current_actor(),
            form.period.data,
            dt.date.today(),
            municipality=current_app.config["TIDLIG_MUNICIPALITY"],
        )
    except DomainError as error:
        db.session.rollback()
        form.period.errors = [str(error.message)]
        return _render(form, 422)
    flash(
        _(
            "%(period)s is published as version %(version)s.",
            period=release.label,
            version=release.version,
        ),
        "success",
    )
    return redirect(url_for("releases.index"))
