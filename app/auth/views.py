"""Login with password and TOTP, logout, and the reset/activation links."""

from __future__ import annotations

import hashlib

import segno
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from app.audit.services import record
from app.auth import accounts
from app.auth import login as credentials
from app.auth.browser import bind_login, restart_cookie
from app.auth.forms import CodeForm, ForgotPasswordForm, LoginForm, NewPasswordForm
from app.auth.passwords import verify_password
from app.auth.policy import pending_mfa, public
from app.auth.sessions import end_session, renew_token, start_session
from app.core.errors import DomainError
from app.core.forms import clean_text, safe_next
from app.core.logging import security_event
from app.core.request_context import current_actor
from app.db import db
from app.extensions import client_ip, limiter
from app.mail.services import queue_mail

blueprint = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["TIDLIG_LOGIN_LIMIT"]


def _login_ip_limit() -> str:
    return current_app.config["TIDLIG_LOGIN_IP_LIMIT"]


def _account_key() -> str:
    # The same cleaning as the form's, so control characters cannot mint fresh keys.
    email = credentials.normalise_email(clean_text(request.form.get("email", "")))
    return "login:" + hashlib.sha256(email.encode()).hexdigest()


def _mfa_key() -> str:
    return f"mfa:{current_user.id}" if current_user.is_authenticated else f"mfa-ip:{client_ip()}"


def _failed(response) -> bool:
    return response.status_code != 302


def _begin_login(user) -> None:
    auth_session, raw = start_session(
        db.session,
        user,
        ip=client_ip(),
        user_agent=request.user_agent.string,
        mfa_passed=not current_app.config["TIDLIG_MFA_REQUIRED"],
    )
    bind_login(user, auth_session, raw)


@blueprint.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, key_func=_account_key, methods=["POST"], deduct_when=_failed)
@limiter.limit(_login_ip_limit, methods=["POST"], deduct_when=_failed)
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("main.home"))
    form = LoginForm(next=request.args.get("next"))
    if form.validate_on_submit():
        user = credentials.authenticate(
            db.session, current_actor(), form.email.data, form.password.data
        )
        if user is not None:
            target = safe_next(form.next.data)
            _begin_login(user)
            session["next"] = target
            if not current_app.config["TIDLIG_MFA_REQUIRED"]:
                return redirect(session.pop("next", "/"))
            return redirect(url_for("auth.second_factor"))
        security_event("login_failed", "failed")
        form.password.errors.append(_("The e-mail address or password is not correct."))
    return render_template("auth/login.html", form=form)


@blueprint.route("/login/code", methods=["GET", "POST"])
@pending_mfa
@limiter.limit(_login_limit, key_func=_mfa_key, methods=["POST"], deduct_when=_failed)
def second_factor():
    if current_user.auth_session and current_user.auth_session.mfa_passed:
        return redirect(url_for("main.home"))
    if not current_user.totp_secret:
        return redirect(url_for("auth.enrol"))
    form = CodeForm()
    if form.validate_on_submit():
        if credentials.verify_second_factor(
            db.session, current_actor(), current_user, form.code.data
        ):
            return _complete_second_factor()
        security_event("mfa_failed", "failed")
        form.code.errors.append(_("The code is not correct. Use the newest code from your app."))
    return render_template("auth/code.html", form=form)


@blueprint.route("/login/enrol", methods=["GET", "POST"])
@pending_mfa
@limiter.limit(_login_limit, key_func=_mfa_key, methods=["POST"], deduct_when=_failed)
def enrol():
    if current_user.totp_secret:
        return redirect(url_for("auth.second_factor"))
    secret = session.get("pending_totp") or credentials.new_totp_secret()
    session["pending_totp"] = secret
    form = CodeForm()
    if form.validate_on_submit():
        if credentials.enrol_second_factor(
            db.session, current_actor(), current_user, secret, form.code.data
        ):
            session.pop("pending_totp", None)
            return _complete_second_factor()
        security_event("mfa_failed", "failed")
        form.code.errors.append(
            _("The code is not correct. Check the time on your phone and try again.")
        )
    uri = credentials.provisioning_uri(secret, current_user.email)
    qr_svg = segno.make(uri, error="m").svg_inline(scale=4, title="QR")
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return render_template("auth/enrol.html", form=form, qr_svg=qr_svg, secret=grouped)


def _complete_second_factor():
    auth_session = current_user.auth_session
    auth_session.mfa_passed = True
    raw = renew_token(db.session, auth_session)
    target = session.pop("next", "/")
    bind_login(current_user._get_current_object(), auth_session, raw)
    return redirect(safe_next(target))


@blueprint.route("/logout", methods=["POST"])
@pending_mfa
def logout():
    if current_user.auth_session is not None:
        end_session(db.session, current_user.auth_session, "logout")
    logout_user()
    restart_cookie()
    flash(_("You have been logged out."), "info")
    return redirect(url_for("auth.login"))


@blueprint.route("/password/forgot", methods=["GET", "POST"])
@public
@limiter.limit("5 per 15 minutes", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = credentials.find_user_by_email(db.session, form.email.data)
        # The same work and the same answer whether or not the address is known.
        verify_password(None, form.email.data)
        if user is not None and user.active:
            send_link(user, accounts.RESET)
        else:
            # Written either way, so a known address does not answer measurably slower.
            record(
                db.session, current_actor(), "user.reset_link", object_type="user", outcome="failed"
            )
        return render_template("auth/forgot_sent.html")
    return render_template("auth/forgot.html", form=form)


def send_link(user, purpose: str) -> None:
    hours = current_app.config[
        "TIDLIG_RESET_TOKEN_HOURS" if purpose == accounts.RESET else "TIDLIG_ACTIVATION_TOKEN_HOURS"
    ]
    raw = accounts.issue_link_token(db.session, current_actor(), user, purpose, hours)
    link = current_app.config["TIDLIG_BASE_URL"].rstrip("/") + url_for(
        "auth.redeem_link", token=raw
    )
    if purpose == accounts.RESET:
        subject = _("Set a new password for Tidlig")
        body = _(
            "Use this link within %(hours)d hours to set a new password:\n\n%(link)s\n\n"
            "If you did not ask for this, you can ignore this e-mail.",
            hours=hours,
            link=link,
        )
    else:
        subject = _("Your account in Tidlig")
        body = _(
            "An account has been created for you in Tidlig. Use this link within "
            "%(hours)d hours to choose your password:\n\n%(link)s",
            hours=hours,
            link=link,
        )
    queue_mail(db.session, to=user.email, subject=subject, body=body, kind=f"auth.{purpose}")


@blueprint.route("/password/reset/<token>")
@public
@limiter.limit("20 per minute")
def redeem_link(token: str):
    """Swap the link's token for the session and continue on a URL without it."""
    if accounts.find_link_token(db.session, token) is None:
        security_event("link_token_rejected", "denied")
        abort(410)
    session["link_token"] = token
    return redirect(url_for("auth.set_password"), code=303)


@blueprint.route("/password/new", methods=["GET", "POST"])
@public
def set_password():
    raw = session.get("link_token")
    if not raw or accounts.find_link_token(db.session, raw) is None:
        abort(410)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.set_password_with_link(db.session, current_actor(), raw, form.password.data)
        except DomainError as error:
            form.password.errors.append(str(error.message))
        else:
            session.pop("link_token", None)
            flash(_("Your password has been set. Log in with it now."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/new_password.html", form=form)
