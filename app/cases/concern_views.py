"""Recording concerns (coordinator), reporting them (professionals), the inbox and own reports."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app.areas.models import Area
from app.auth.policy import requires
from app.cases import concerns, persons
from app.cases.concern_forms import (
    NEW_PERSON_ROWS,
    UNANSWERED,
    AcceptForm,
    ConcernForm,
    MergeForm,
    NotificationForm,
    ReportForm,
)
from app.cases.guardians import check_guardians
from app.cases.person_forms import guardian_row_used, guardian_rows, has_guardian_errors
from app.core.errors import DomainError
from app.core.request_context import current_actor
from app.db import db

blueprint = Blueprint("concerns", __name__, url_prefix="/concerns")


def _english() -> bool:
    return str(get_locale() or "da").startswith("en")


def _category_choices() -> list[dict]:
    english = _english()
    return [
        {
            "key": c.key,
            "label": c.label_en if english else c.label_da,
            "help": c.help_en if english else c.help_da,
        }
        for c in concerns.active_categories(db.session)
    ]


def _prepare(form) -> None:
    areas = [(a.id, a.name) for a in db.session.scalars(select(Area).order_by(Area.name))]
    form.area_id.choices = [(0, _("Choose an area"))] + areas
    for row in range(1, NEW_PERSON_ROWS + 1):
        form[f"p{row}_area_id"].choices = [(0, _("Not known"))] + areas
    form.categories.choices = [(c["key"], c["label"]) for c in _category_choices()]


def _row_used(form, row: int) -> bool:
    names = ("first_name", "last_name", "cpr", "birth_date", "institution")
    return any(form[f"p{row}_{name}"].data for name in names) or guardian_row_used(form, f"p{row}_")


def _new_person(form, row: int) -> persons.PersonInput:
    def value(name):
        return form[f"p{row}_{name}"].data

    return persons.PersonInput(
        first_name=value("first_name") or "",
        last_name=value("last_name") or "",
        cpr=value("cpr") or None,
        birth_date=value("birth_date"),
        gender=value("gender"),
        area_id=value("area_id") or None,
        institution=value("institution") or None,
        guardians=guardian_rows(form, f"p{row}_"),
    )


def _used_rows(form) -> list[int]:
    return [r for r in range(1, NEW_PERSON_ROWS + 1) if _row_used(form, r)]


def _concern_input(form, person_ids: list[int], rows: list[int]) -> concerns.ConcernInput:
    notification = form.notification.data
    return concerns.ConcernInput(
        occurred_on=form.occurred_on.data,
        area_id=form.area_id.data or None,
        reporter_type=form.reporter_type.data,
        categories=list(form.categories.data or ()),
        narrative=form.narrative.data or "",
        legal_basis=form.legal_basis.data,
        legal_basis_note=form.legal_basis_note.data,
        place=form.place.data,
        notification=None if notification == UNANSWERED else notification,
        person_ids=person_ids,
        new_persons=[_new_person(form, r) for r in rows],
    )


def _show_error(form, error: DomainError, rows: list[int]) -> None:
    index = getattr(error, "person_index", None)
    name = error.field
    if index is not None and index < len(rows):
        name = f"p{rows[index]}_{error.field}"
    elif name == "persons" and "person_ids" in form:
        name = "person_ids"
    field = form[name] if name and name in form else None
    if field is not None:
        field.errors = [*field.errors, str(error.message)]
    else:
        flash(str(error.message), "error")


def _duplicates(form, rows: list[int]) -> dict[int, list]:
    """Possible duplicates of each new person the coordinator has not confirmed as new."""
    confirmed = set(form.confirm_new.data or ())
    found = {}
    for row in rows:
        if row in confirmed:
            continue
        matches = persons.possible_duplicates(db.session, current_actor(), _new_person(form, row))
        if matches:
            found[row] = matches
    return found


def _guardians_ok(form, rows: list[int]) -> bool:
    """Bad guardian rows are refused before the duplicate search, which is audited: a 422
    rolls the request back, and nothing that must stay on record may have happened yet."""
    for index, row in enumerate(rows):
        try:
            check_guardians(guardian_rows(form, f"p{row}_"))
        except DomainError as error:
            error.person_index = index
            _show_error(form, error, rows)
            return False
    return True


def _search(form) -> list:
    actor = current_actor()
    try:
        if form.search_cpr.data:
            person = persons.find_by_cpr(db.session, actor, form.search_cpr.data)
            return [person] if person else []
        return persons.search_persons(
            db.session, actor, form.search_name.data or "", form.search_born.data
        )
    except DomainError as error:
        target = form.search_cpr if error.field == "cpr" else form.search_name
        target.errors = [*target.errors, str(error.message)]
        return []


def _chosen(form, status: int) -> list:
    ids, actor = list(form.person_ids.data or ()), current_actor()
    if status < 400:
        return persons.persons_by_ids(db.session, actor, ids)
    # A refused form rolls the request back: the read is audited in its own transaction
    # (the actor is taken before: reloading the user after the rollback would lock SQLite).
    db.session.rollback()
    with db.new_session() as session:
        chosen = persons.persons_by_ids(session, actor, ids)
        session.commit()
    return chosen


def _render_new(form, found=(), duplicates=None, searched=False):
    # Bad guardian rows are refused input (422); the other messages keep the page's 200.
    status = 422 if has_guardian_errors(form) else 200
    chosen = _chosen(form, status)
    chosen_ids = {p.id for p in chosen}
    return render_template(
        "concerns/new.html",
        form=form,
        categories=_category_choices(),
        chosen=chosen,
        found=[p for p in found if p.id not in chosen_ids],
        duplicates=duplicates or {},
        searched=searched,
        rows=range(1, NEW_PERSON_ROWS + 1),
        notification_unanswered=form.notification.data in (None, UNANSWERED),
    ), status


@blueprint.route("/new", methods=["GET", "POST"])
@requires("concerns.record")
def new():
    form = ConcernForm()
    _prepare(form)
    if request.method == "POST" and request.form.get("action") == "search":
        form.validate_on_submit()  # for CSRF; the concern's own fields are not checked yet
        for field in form:
            if not field.name.startswith("search_"):
                field.errors = []
        return _render_new(form, found=_search(form), searched=True)
    if not form.validate_on_submit():
        return _render_new(form)
    chosen = list(form.person_ids.data or ())
    rows = _used_rows(form)
    if not _guardians_ok(form, rows):
        return _render_new(form)
    duplicates = _duplicates(form, rows)
    for row, matches in list(duplicates.items()):
        if any(person.id in chosen for person in matches):
            rows.remove(row)  # the coordinator chose the registered person instead
            del duplicates[row]
    if duplicates:
        flash(
            _(
                "Some new persons may already be registered. Choose the registered person, "
                "or confirm that they are new."
            ),
            "warning",
        )
        return _render_new(form, duplicates=duplicates)
    try:
        concern = concerns.record_concern(
            db.session, current_actor(), _concern_input(form, chosen, rows)
        )
    except DomainError as error:
        _show_error(form, error, rows)
        return _render_new(form)
    flash(
        _(
            "The concern has been recorded and added to the case of each person named (%(count)d).",
            count=len(concern.links),
        ),
        "success",
    )
    if len(concern.links) == 1:  # one young person: the coordinator goes on with their case
        return redirect(url_for("cases.detail", case_id=concern.links[0].case_id))
    return redirect(url_for("concerns.new"))


@blueprint.route("/report", methods=["GET", "POST"])
@requires("concerns.report")
def report():
    form = ReportForm()
    _prepare(form)
    if form.validate_on_submit():
        rows = _used_rows(form)
        try:
            concerns.report_concern(db.session, current_actor(), _concern_input(form, [], rows))
        except DomainError as error:
            _show_error(form, error, rows)
        else:
            flash(_("Thank you. Your report has been sent to the SSP coordinator."), "success")
            return redirect(url_for("concerns.mine"))
    return render_template(
        "concerns/report.html",
        form=form,
        categories=_category_choices(),
        rows=range(1, NEW_PERSON_ROWS + 1),
        notification_unanswered=form.notification.data in (None, UNANSWERED),
    )


@blueprint.route("/inbox", methods=["GET", "POST"])
@requires("concerns.record")
def inbox():
    form = AcceptForm()
    if request.method == "POST":
        if form.validate_on_submit() and form.concern_id.data.isdigit():
            try:
                concerns.accept_report(db.session, current_actor(), int(form.concern_id.data))
            except DomainError as error:
                flash(str(error.message), "error")
            else:
                flash(_("The report has been accepted and added to the persons' cases."), "success")
        else:
            flash(_("Choose a report to accept."), "error")
        return redirect(url_for("concerns.inbox"))
    actor = current_actor()
    items = concerns.inbox(db.session, actor)
    duplicates = {
        person.id: [
            d
            for d in persons.possible_duplicates(
                db.session,
                actor,
                persons.PersonInput(
                    person.first_name, person.last_name, person.cpr, person.birth_date
                ),
            )
            if d.id != person.id
        ]
        for item in items
        for person in item.persons
    }
    return render_template(
        "concerns/inbox.html",
        items=items,
        duplicates=duplicates,
        accept_form=form,
        unanswered=concerns.unanswered_notifications(db.session, actor),
        notification_form=NotificationForm(),
        labels=_labels(),
    )


@blueprint.route("/merge", methods=["POST"])
@requires("concerns.record")
def merge():
    form = MergeForm()
    ids = (form.keep_id.data or "", form.merge_id.data or "")
    if form.validate_on_submit() and all(i.isdigit() for i in ids):
        try:
            persons.merge_persons_by_id(db.session, current_actor(), int(ids[0]), int(ids[1]))
        except DomainError as error:
            flash(str(error.message), "error")
        else:
            flash(_("The persons have been merged."), "success")
    else:
        flash(_("Choose the persons to merge."), "error")
    return redirect(url_for("concerns.inbox"))


@blueprint.route("/notification", methods=["POST"])
@requires("concerns.record")
def notification():
    form = NotificationForm()
    if form.validate_on_submit() and form.concern_id.data.isdigit():
        try:
            concerns.answer_notification(
                db.session, current_actor(), int(form.concern_id.data), form.notification.data
            )
        except DomainError as error:
            flash(str(error.message), "error")
        else:
            flash(_("The answer about the notification has been saved."), "success")
    else:
        flash(_("Choose an answer about the notification."), "error")
    return redirect(url_for("concerns.inbox"))


@blueprint.route("/mine")
@requires("concerns.report")
def mine():
    return render_template(
        "concerns/mine.html",
        reports=concerns.my_reports(db.session, current_actor()),
        labels=_labels(),
    )


def _labels() -> dict:
    return {
        "categories": {c["key"]: c["label"] for c in _category_choices()},
        "reporters": concerns.REPORTER_TYPES,
        "notifications": concerns.NOTIFICATIONS,
    }
