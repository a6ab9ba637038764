"""Home page by role, language choice and a health check."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, session
from flask_login import current_user

from app.auth.accounts import set_preferred_language
from app.auth.forms import LanguageForm
from app.auth.policy import authenticated, public
from app.core.forms import safe_next
from app.core.home import home_for
from app.db import db

blueprint = Blueprint("main", __name__)


@blueprint.route("/")
@authenticated
def home():
    return render_template("home.html", home=home_for(db.session, current_user))


@blueprint.route("/language", methods=["POST"])
@public
def language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            set_preferred_language(db.session, current_user, form.locale.data)
    return redirect(safe_next(form.next.data))


@blueprint.route("/healthz")
@public
def health():
    return {"status": "ok"}
