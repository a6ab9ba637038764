"""The agenda and the minutes, as pages and as PDF, cut to what the reader may see."""

from __future__ import annotations

from flask import Blueprint, abort, make_response, render_template, request
from flask_babel import lazy_gettext as _l

from app.audit.services import record_independently
from app.auth.policy import requires
from app.cases.queries import locale_code
from app.core.request_context import current_actor, request_id
from app.db import db
from app.meetings import documents, exports
from app.meetings.exports import VersionInvalid, VersionRefused
from app.meetings.minutes import VERSION_LABELS, VERSIONS, Recipient
from app.meetings.policy import load_meeting_or_deny, manages_meetings

blueprint = Blueprint("meeting_exports", __name__, url_prefix="/meetings")

ERROR_TITLES = {400: _l("Bad request"), 404: _l("Page not found")}


def _recipient(meeting_id: int, document: str, audit_action: str) -> Recipient:
    """The version asked for in ?version=&organisation=, or the reader's own.

    A version the reader may not have is refused like any other look at someone else's
    data: 403, with the attempt in the audit trail."""
    actor = current_actor()
    version = request.args.get("version") or None
    try:
        return exports.resolve_recipient(
            db.session, actor, document, version, request.args.get("organisation") or None
        )
    except VersionRefused:
        db.session.rollback()
        record_independently(
            db.new_session,
            actor,
            audit_action,
            object_type="meeting",
            object_id=meeting_id,
            outcome="denied",
            details={"document": document, "version": version},
        )
        abort(403)


def _invalid(error: VersionInvalid):
    return render_template(
        "errors/error.html",
        status=error.status,
        title=ERROR_TITLES.get(error.status, ERROR_TITLES[400]),
        text=error.message,
        request_id=request_id(),
    ), error.status


@blueprint.route("/<int:meeting_id>/minutes")
@requires("meetings.view")
def minutes(meeting_id: int):
    actor = current_actor()
    meeting = load_meeting_or_deny(actor, meeting_id)
    try:
        recipient = _recipient(meeting.id, "minutes", "meeting.minutes_view")
    except VersionInvalid as error:
        return _invalid(error)
    doc = exports.view_minutes(db.session, actor, meeting, recipient, locale_code())
    coordinator = manages_meetings(actor)
    pdf_args = {"version": recipient.version}
    if recipient.organisation_id:
        pdf_args["organisation"] = recipient.organisation_id
    own_extract = None
    if not coordinator and actor.organisation_id and recipient.version != "organisation":
        own_extract = {"version": "organisation", "organisation": actor.organisation_id}
    return render_template(
        "meeting_docs/minutes.html",
        doc=doc,
        meeting_id=meeting.id,
        version_labels=VERSION_LABELS,
        version_choices=[(v, str(VERSION_LABELS[v])) for v in VERSIONS] if coordinator else None,
        organisations=exports.extract_organisations(db.session, meeting) if coordinator else [],
        pdf_args=pdf_args,
        agenda_args=None if recipient.version == "organisation" else {"version": recipient.version},
        own_extract_args=own_extract,
    )


def _pdf(meeting_id: int, document: str):
    actor = current_actor()
    meeting = load_meeting_or_deny(actor, meeting_id)
    try:
        recipient = _recipient(meeting.id, document, "meeting.export")
    except VersionInvalid as error:
        return _invalid(error)
    doc = exports.export_document(db.session, actor, meeting, document, recipient, locale_code())
    response = make_response(documents.render_pdf(doc))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{documents.pdf_filename(doc)}"'
    )
    return response


@blueprint.route("/<int:meeting_id>/agenda.pdf")
@requires("meetings.export")
def agenda_pdf(meeting_id: int):
    return _pdf(meeting_id, "agenda")


@blueprint.route("/<int:meeting_id>/minutes.pdf")
@requires("meetings.export")
def minutes_pdf(meeting_id: int):
    return _pdf(meeting_id, "minutes")
