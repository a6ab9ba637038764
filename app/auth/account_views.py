"""The signed-in user's own account: sessions, password, language and API tokens."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import accounts
from app.auth.api_tokens import create_api_token, revoke_api_token, tokens_of
from app.auth.browser import bind_login
from app.auth.forms import ApiTokenForm, ChangePasswordForm, ConfirmForm
from app.auth.guard import session_limits
from app.auth.models import AuthSession
from app.auth.policy import authenticated, requires
from app.auth.sessions import active_sessions, end_session, start_session
from app.core.errors import DomainError
from app.core.request_context import current_actor
from app.db import db, utcnow
from app.extensions import client_ip

blueprint = Blueprint("account", __name__, url_prefix="/account")


@blueprint.route("/")
@authenticated
def overview():
    limits = session_limits()
    now = utcnow()
    sessions = [
        s
        for s in active_sessions(db.session, current_user.id)
        if now - s.last_seen_at <= limits.idle
    ]
    return render_template(
        "account/overview.html",
        sessions=sessions,
        current_session_id=current_user.auth_session.id if current_user.auth_session else None,
        end_form=ConfirmForm(),
    )


@blueprint.route("/sessions/<int:session_id>/end", methods=["POST"])
@authenticated
def end_other_session(session_id: int):
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    target = db.session.get(AuthSession, session_id)
    if target is None or target.user_id != current_user.id:
        abort(404)
    end_session(db.session, target, "ended_by_user")
    flash(_("The session has been ended."), "success")
    return redirect(url_for("account.overview"))


@blueprint.route("/password", methods=["GET", "POST"])
@authenticated
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                db.session,
                current_actor(),
                current_user,
                form.current_password.data,
                form.password.data,
            )
        except DomainError as error:
            getattr(form, error.field or "password").errors.append(str(error.message))
        else:
            # Every login ended with the change; this browser continues in a fresh one.
            user = current_user._get_current_object()
            auth_session, raw = start_session(
                db.session,
                user,
                ip=client_ip(),
                user_agent=request.user_agent.string,
                mfa_passed=True,
            )
            bind_login(user, auth_session, raw)
            flash(
                _("Your password has been changed. Other sessions have been logged out."), "success"
            )
            return redirect(url_for("account.overview"))
    return render_template("account/password.html", form=form)


@blueprint.route("/tokens", methods=["GET", "POST"])
@requires("api_tokens.own")
def api_tokens():
    form = ApiTokenForm()
    new_token = None
    if form.validate_on_submit():
        try:
            new_token = create_api_token(db.session, current_actor(), current_user, form.name.data)
        except DomainError as error:
            form.name.errors.append(str(error.message))
    return render_template(
        "account/tokens.html",
        form=form,
        new_token=new_token,
        tokens=tokens_of(db.session, current_user),
        revoke_form=ConfirmForm(),
    )


@blueprint.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@requires("api_tokens.own")
def revoke_token(token_id: int):
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        revoke_api_token(db.session, current_actor(), current_user, token_id)
    except DomainError:
        abort(404)
    flash(_("The token has been revoked."), "success")
    return redirect(url_for("account.api_tokens"))
