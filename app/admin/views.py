"""Administrators create, change, deactivate and reset users; they never delete them."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from app.admin.forms import OrganisationForm, RoleForm, UserForm
from app.audit.services import record
from app.auth import accounts
from app.auth.forms import ConfirmForm
from app.auth.models import User
from app.auth.policy import requires
from app.auth.views import send_link
from app.core.errors import DomainError
from app.core.request_context import current_actor
from app.db import db
from app.mail.services import recent_messages

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


def _organisation_choices() -> list[SelectChoice]:
    return [SelectChoice(o.id, o.name) for o in accounts.list_organisations(db.session) if o.active]


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _form_error(form, error: DomainError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors.append(str(error.message))
    else:
        flash(str(error.message), "error")


@blueprint.route("/users")
@requires("users.manage")
def users():
    return render_template(
        "admin/users.html", users=accounts.list_users(db.session, current_actor())
    )


@blueprint.route("/users/new", methods=["GET", "POST"])
@requires("users.manage")
def new_user():
    form = UserForm()
    form.organisation_id.choices = _organisation_choices()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                db.session,
                current_actor(),
                email=form.email.data,
                full_name=form.full_name.data,
                role=form.role.data,
                organisation_id=form.organisation_id.data,
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            send_link(user, accounts.ACTIVATE)
            flash(_("The user has been created and an activation link has been sent."), "success")
            return redirect(url_for("admin.user", user_id=user.id))
    return render_template("admin/user_new.html", form=form)


@blueprint.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires("users.manage")
def user(user_id: int):
    target = accounts.view_user(db.session, current_actor(), user_id)
    if target is None:
        abort(404)
    form = RoleForm(obj=target)
    form.organisation_id.choices = _organisation_choices()
    if form.validate_on_submit():
        try:
            accounts.change_role(
                db.session, current_actor(), target, form.role.data, form.organisation_id.data
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            flash(_("The changes have been saved."), "success")
            return redirect(url_for("admin.user", user_id=target.id))
    return render_template("admin/user.html", target=target, form=form, action_form=ConfirmForm())


USER_ACTIONS = {
    "deactivate": (accounts.deactivate_user, _l("The user has been deactivated and logged out.")),
    "reactivate": (accounts.reactivate_user, _l("The user has been reactivated.")),
    "reset-mfa": (
        accounts.reset_second_factor,
        _l("The user must set up a new authenticator app at the next login."),
    ),
}


@blueprint.route(
    "/users/<int:user_id>/<any(deactivate, reactivate, 'reset-mfa', 'send-reset'):action>",
    methods=["POST"],
)
@requires("users.manage")
def user_action(user_id: int, action: str):
    target = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if action == "send-reset":
        if not target.active:
            flash(_("Reactivate the user before sending a reset link."), "error")
        else:
            send_link(target, accounts.RESET if target.password_hash else accounts.ACTIVATE)
            flash(_("A link to set a new password has been sent."), "success")
        return redirect(url_for("admin.user", user_id=target.id))
    service, message = USER_ACTIONS[action]
    try:
        service(db.session, current_actor(), target)
    except DomainError as error:
        flash(str(error.message), "error")
    else:
        flash(str(message), "success")
    return redirect(url_for("admin.user", user_id=target.id))


@blueprint.route("/organisations", methods=["GET", "POST"])
@requires("organisations.manage")
def organisations():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            accounts.create_organisation(
                db.session,
                current_actor(),
                name=form.name.data,
                type=form.type.data,
                is_section_115_party=form.is_section_115_party.data,
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            flash(_("The organisation has been created."), "success")
            return redirect(url_for("admin.organisations"))
    return render_template(
        "admin/organisations.html",
        form=form,
        organisations=accounts.list_organisations(db.session),
    )


@blueprint.route("/outbox")
@requires("outbox.read")
def outbox():
    # Bodies hold activation links: shown only where no real mail server delivers them.
    local_sink = not current_app.config["MAIL_SERVER"]
    record(db.session, current_actor(), "outbox.view", object_type="outbox")
    return render_template(
        "admin/outbox.html", messages=recent_messages(db.session), show_bodies=local_sink
    )
