"""The board's pages: the dashboard, a district's trend and breakdowns, cross-tables.

Thin views: read the query form (invalid choices fall back to the defaults), call one
service, render. Every figure comes from a frozen release; nothing here is written, so
nothing is audited (exports are, elsewhere).
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from app.auth.policy import requires
from app.core.request_context import current_actor
from app.db import db
from app.monitoring import trends
from app.monitoring.board_forms import CrossForm, CrosstabForm, DashboardForm, as_choices
from app.monitoring.board_options import (
    board_options,
    chosen_release,
    layer_choices,
    release_choices,
    scope_choices,
)
from app.monitoring.dashboard import DashboardQuery, build_dashboard

blueprint = Blueprint("board", __name__, url_prefix="/monitoring")


def no_release_page():
    return render_template("board/no_release.html")


@blueprint.route("/")
@requires("monitoring.view")
def dashboard():
    options = board_options(db.session, current_actor())
    if options is None:
        return no_release_page()
    form = DashboardForm(request.args, release=str(options.default_release.id))
    form.release.choices = as_choices(release_choices(options))
    form.layer.choices = as_choices(layer_choices(db.session))
    form.scope.choices = as_choices(scope_choices(options))
    corrected = form.settle()
    query = DashboardQuery(
        chosen_release(options, form.release.data),
        form.layer.data,
        form.scope.data,
        form.sort.data,
    )
    page = build_dashboard(db.session, options, query)
    return render_template("board/dashboard.html", form=form, page=page, corrected=corrected)


@blueprint.route("/district/<int:district_id>")
@requires("monitoring.view")
def district(district_id: int):
    options = board_options(db.session, current_actor())
    if options is None:
        return no_release_page()
    form = CrossForm(request.args, release=str(options.default_release.id))
    form.release.choices = as_choices(release_choices(options))
    corrected = form.settle()
    page = trends.district_page(
        db.session,
        options,
        district_id,
        chosen_release(options, form.release.data),
        form.rows.data,
        form.cols.data,
    )
    return render_template("board/district.html", form=form, page=page, corrected=corrected)


@blueprint.route("/crosstab")
@requires("monitoring.view")
def crosstab():
    options = board_options(db.session, current_actor())
    if options is None:
        return no_release_page()
    release = chosen_release(options, request.args.get("release"))
    form = CrosstabForm(request.args, release=str(options.default_release.id))
    form.release.choices = as_choices(release_choices(options))
    form.unit.choices = as_choices(trends.crosstab_units(db.session, options, release))
    corrected = form.settle()
    table = trends.cross_table(db.session, release, form.unit.data, form.rows.data, form.cols.data)
    return render_template(
        "board/crosstab.html", form=form, release=release, table=table, corrected=corrected
    )
