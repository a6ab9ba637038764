"""A person's record: corrections as new versions with a reason, and guardians.

A person is reached through their case and the case policy: whoever may not edit that case
may not correct its person. A refused or conflicting save rolls the request back, so the
page's read is then audited in its own transaction.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.areas.models import Area
from app.audit.services import record_independently
from app.auth.policy import requires
from app.cases import person_corrections
from app.cases.guardians import RELATIONS
from app.cases.models import Case, Person
from app.cases.person_forms import GENDER_LABELS, PersonForm, form_for
from app.cases.persons import is_possible_id
from app.cases.policy import PurposeRequired, can_edit_case, load_case_or_deny
from app.core.errors import DomainError
from app.core.request_context import current_actor
from app.db import db

blueprint = Blueprint("persons", __name__, url_prefix="/persons")

FIELD_LABELS = {
    "first_name": _l("First name"),
    "last_name": _l("Last name"),
    "cpr": _l("CPR number"),
    "birth_date": _l("Birth date"),
    "gender": _l("Gender"),
    "area_id": _l("Area of residence"),
    "institution": _l("School or institution"),
    "guardians": _l("Guardians"),
}


def _deny(actor, person_id: int) -> None:
    db.session.rollback()
    record_independently(
        db.new_session,
        actor,
        "person.read",
        object_type="person",
        object_id=person_id,
        outcome="denied",
        details={"reason": "not_permitted"},
    )
    abort(403)


def load_person_or_deny(actor, person_id: int) -> tuple[Person, int | None]:
    """The person and their case id: 404 for unknown ids, 403 (audited) without case rights."""
    person = db.session.get(Person, person_id) if is_possible_id(person_id) else None
    if person is None:
        abort(404)
    case_id = db.session.scalar(select(Case.id).where(Case.person_id == person.id))
    if case_id is not None:
        try:
            load_case_or_deny(actor, case_id)  # 403 and its audit row come from the case policy
        except PurposeRequired:
            abort(403)  # already recorded as denied; a correction is never a look with a purpose
    if not can_edit_case(actor):
        _deny(actor, person_id)
    return person, case_id


def _areas(form: PersonForm) -> dict[int, str]:
    areas = {a.id: a.name for a in db.session.scalars(select(Area).order_by(Area.name))}
    form.area_id.choices = [(0, _("Not known"))] + list(areas.items())
    return areas


def _history(actor, person_id: int, status: int) -> list:
    if status < 400:
        return person_corrections.open_for_correction(db.session, actor, person_id)
    db.session.rollback()
    with db.new_session() as session:
        history = person_corrections.open_for_correction(session, actor, person_id)
        session.commit()
    return history


def _render_edit(person: Person, case_id: int | None, form: PersonForm, status: int = 200):
    history = _history(current_actor(), person.id, status)
    return render_template(
        "persons/edit.html",
        person_id=person.id,
        case_id=case_id,
        form=form,
        history=history,
        field_labels=FIELD_LABELS,
    ), status


def _render_conflict(person: Person, case_id: int | None, form: PersonForm, areas: dict):
    actor = current_actor()
    person_id = person.id
    db.session.rollback()  # nothing of this request is saved; the refusal is recorded alone
    record_independently(
        db.new_session,
        actor,
        "person.correct",
        object_type="person",
        object_id=person_id,
        outcome="failed",
        details={"reason": "conflict"},
    )
    person = db.session.get(Person, person_id)
    current = person_corrections.current_values(person)
    mine = form.entered()
    form.version.data = str(person.version)  # saving again now is a deliberate choice
    rows = [
        (name, FIELD_LABELS[name], mine[name], current[name], mine[name] != current[name])
        for name in person_corrections.EDITABLE
    ]
    return render_template(
        "persons/conflict.html",
        person_id=person_id,
        case_id=case_id,
        form=form,
        rows=rows,
        areas=areas,
        genders=GENDER_LABELS,
        relations=RELATIONS,
    ), 409


def _show_error(form: PersonForm, error: DomainError) -> None:
    field = form[error.field] if error.field and error.field in form else None
    if field is not None:
        field.errors = [*field.errors, str(error.message)]
    else:
        flash(str(error.message), "error")


@blueprint.route("/<int:person_id>/edit", methods=["GET", "POST"])
@requires("cases.edit")
def edit(person_id: int):
    actor = current_actor()
    person, case_id = load_person_or_deny(actor, person_id)
    if person.merged_into_id is not None:
        flash(
            _("This person was merged into another record. Correct that record instead."), "warning"
        )
        return redirect(url_for("persons.edit", person_id=person.merged_into_id), 303)
    form = PersonForm() if request.method == "POST" else form_for(person)
    areas = _areas(form)
    if request.method == "GET":
        return _render_edit(person, case_id, form)
    if not form.validate_on_submit():
        return _render_edit(person, case_id, form, 422)
    try:
        person_corrections.correct_person(
            db.session, actor, person, form.seen_version(), form.person_input(), form.reason.data
        )
    except person_corrections.EditConflict:
        return _render_conflict(person, case_id, form, areas)
    except DomainError as error:
        _show_error(form, error)
        return _render_edit(person, case_id, form, 422)
    flash(_("The personal details have been corrected. The earlier values are kept."), "success")
    if case_id is not None:
        return redirect(url_for("cases.detail", case_id=case_id), 303)
    return redirect(url_for("persons.edit", person_id=person.id), 303)
