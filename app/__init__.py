"""Tidlig: early, coordinated prevention for children and young people at risk of crime."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from app.config import default_instance_path, load_settings, project_root
from app.crypto.keyring import KeyRing, attach_keyring
from app.db import db
from app.extensions import babel, csrf, limiter, login_manager


def create_app(overrides: dict | None = None) -> Flask:
    instance_path = Path((overrides or {}).get("INSTANCE_PATH") or default_instance_path())
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        template_folder=str(project_root() / "templates"),
        static_folder=str(project_root() / "static"),
    )
    app.config.update(load_settings(overrides, instance_path))
    register_extensions(app)
    register_blueprints(app)
    register_feeds()
    register_web_layer(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from app.core.i18n import select_locale
    from app.core.web import refuse_nameless_form_fields

    db.init_app(app)
    attach_keyring(
        db_engine(app),
        KeyRing(
            app.config["TIDLIG_DATA_KEYS"],
            app.config["TIDLIG_INDEX_KEY"],
            app.config["TIDLIG_AUDIT_KEY"],
        ),
    )
    # Before the CSRF check, which cannot read such a form (and after an upload's own
    # body limit, which app/monitoring/area_views.py puts first of all).
    app.before_request(refuse_nameless_form_fields)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(project_root() / "translations"),
    )
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    if app.config.get("TIDLIG_PROXY_HOPS"):
        hops = int(app.config["TIDLIG_PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def db_engine(app: Flask):
    return app.extensions["tidlig_db"].engine


class DatabaseIdConverter(IntegerConverter):
    """`<int:…>` in every route: only ids a database integer column can hold, else 404."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseIdConverter
    from app.admin.views import blueprint as admin
    from app.api import (
        assessment_endpoints,  # noqa: F401  (adds the assessment routes to the API)
        case_endpoints,  # noqa: F401  (adds the case routes to the API)
        concern_endpoints,  # noqa: F401  (adds POST /concerns to the API)
        monitoring_endpoints,  # noqa: F401  (adds the monitoring releases to the API)
    )
    from app.api.views import blueprint as api
    from app.assessments.form_views import blueprint as assessment_form
    from app.assessments.overview_views import blueprint as assessment_overview
    from app.assessments.views import blueprint as assessments
    from app.audit.views import blueprint as audit
    from app.auth.account_views import blueprint as account
    from app.auth.views import blueprint as auth
    from app.cases.case_views import blueprint as cases
    from app.cases.concern_views import blueprint as concerns
    from app.cases.person_views import blueprint as persons
    from app.core.views import blueprint as main
    from app.meetings.action_views import blueprint as actions
    from app.meetings.export_views import blueprint as meeting_exports
    from app.meetings.mode_views import blueprint as meeting_mode
    from app.meetings.views import blueprint as meetings
    from app.monitoring.area_views import blueprint as monitoring_admin
    from app.monitoring.board_views import blueprint as board
    from app.monitoring.effect_views import blueprint as effects
    from app.monitoring.export_views import blueprint as monitoring_exports
    from app.monitoring.indicator_views import blueprint as indicators
    from app.monitoring.plan_views import blueprint as plans
    from app.monitoring.release_views import blueprint as releases

    for blueprint in (
        main,
        auth,
        account,
        admin,
        audit,
        cases,
        concerns,
        persons,
        assessments,
        assessment_overview,
        # Meeting mode before planning: the access-matrix walk follows registration order,
        # and planning's "remove from agenda" would otherwise empty the agenda it walks.
        meeting_mode,
        meeting_exports,
        actions,
        meetings,
        board,
        effects,
        monitoring_exports,
        plans,
        releases,
        monitoring_admin,
        indicators,
        # Last before the API: a browser that opens an assessment link holds its session
        # from then on, and the access-matrix walk (registration order) comes here last.
        assessment_form,
        api,
    ):
        app.register_blueprint(blueprint)
    csrf.exempt(api)


def register_feeds() -> None:
    """Hand monitoring its plain-data providers; it never imports cases or meetings."""
    from app.cases.monitoring_feed import register_feeds as register_case_feeds
    from app.meetings.effect_feed import effect_facts
    from app.monitoring.feeds import FEEDS

    register_case_feeds()
    FEEDS.effect_facts = effect_facts


def register_web_layer(app: Flask) -> None:
    from app.auth.guard import register_guard
    from app.core.logging import configure_logging
    from app.core.request_context import assign_request_id
    from app.core.templating import register_templating
    from app.core.transactions import register_transactions
    from app.core.web import register_web

    configure_logging(app)
    app.before_request(assign_request_id)
    register_guard(app)
    register_transactions(app)
    register_web(app)
    register_templating(app)


def register_commands(app: Flask) -> None:
    from app.cli import register_cli

    register_cli(app)
