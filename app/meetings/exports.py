"""Who gets which version of the agenda and the minutes, and the audited services.

The fields each version holds are in app/meetings/minutes.py (RECIPIENT_FIELDS); here is
who may ask for which version, and the reading or export that the audit trail records.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.actor import Actor
from app.audit.services import record
from app.auth.models import Organisation
from app.meetings.minutes import (
    VERSIONS,
    MeetingDocument,
    Recipient,
    build_agenda,
    build_minutes,
)
from app.meetings.models import Action, Meeting, Recommendation
from app.meetings.policy import manages_meetings


class VersionRefused(Exception):
    """The reader may not have this version (someone else's extract, the coordinator's)."""


class VersionInvalid(Exception):
    """A version or organisation that does not exist; `status` is 400 or 404."""

    def __init__(self, message: object, status: int = 400) -> None:
        super().__init__(str(message))
        self.message = message
        self.status = status


# --- who may have which version ---------------------------------------------------------


def resolve_recipient(
    session: Session,
    actor: Actor,
    document: str,
    version: str | None,
    organisation: str | None,
) -> Recipient:
    """The version `actor` asked for (or their own), checked. The caller has already made
    sure the actor may see the meeting at all."""
    coordinator = manages_meetings(actor)
    version = version or ("coordinator" if coordinator else "committee")
    if version not in VERSIONS:
        raise VersionInvalid(_l("There is no such version of the document."))
    if version == "organisation" and document == "agenda":
        raise VersionInvalid(_l("The agenda has no extract for one organisation."), 404)
    if version == "coordinator" and not coordinator:
        raise VersionRefused()
    if version != "organisation":
        return Recipient(version)
    organisation_id = _organisation_id(actor, organisation, coordinator)
    if not coordinator and organisation_id != actor.organisation_id:
        raise VersionRefused()
    owner = session.get(Organisation, organisation_id)
    if owner is None:
        raise VersionInvalid(_l("There is no such organisation."), 404)
    return Recipient("organisation", owner.id, owner.name)


def _organisation_id(actor: Actor, organisation: str | None, coordinator: bool) -> int:
    if not organisation:
        if coordinator or actor.organisation_id is None:
            raise VersionInvalid(_l("Choose the organisation the extract is for."))
        return actor.organisation_id
    if not (organisation.isascii() and organisation.isdigit()) or not 0 < int(organisation) < 2**31:
        raise VersionInvalid(_l("There is no such organisation."), 404)
    return int(organisation)


def extract_organisations(session: Session, meeting: Meeting) -> list[Organisation]:
    """Organisations that were given actions at this meeting: the extracts there are."""
    return list(
        session.scalars(
            select(Organisation)
            .where(
                Organisation.id.in_(
                    select(Action.owner_organisation_id)
                    .join(Recommendation, Recommendation.id == Action.recommendation_id)
                    .where(Recommendation.meeting_id == meeting.id)
                )
            )
            .order_by(Organisation.name)
        )
    )


# --- services: read, audit, return ------------------------------------------------------


def _audit_details(recipient: Recipient, extra: dict) -> dict:
    details = {**extra, "version": recipient.version}
    if recipient.organisation_id is not None:
        details["organisation"] = recipient.organisation_id
    return details


def view_minutes(
    session: Session, actor: Actor, meeting: Meeting, recipient: Recipient, locale: str
) -> MeetingDocument:
    """The minutes page; the reading is audited like every look at personal data."""
    record(
        session,
        actor,
        "meeting.minutes_view",
        object_type="meeting",
        object_id=meeting.id,
        purpose="meeting minutes",
        details=_audit_details(recipient, {}),
    )
    return build_minutes(session, meeting, recipient, locale)


def export_document(
    session: Session,
    actor: Actor,
    meeting: Meeting,
    document: str,
    recipient: Recipient,
    locale: str,
) -> MeetingDocument:
    """The agenda or the minutes for a PDF download, logged as an export."""
    record(
        session,
        actor,
        "meeting.export",
        object_type="meeting",
        object_id=meeting.id,
        purpose=f"meeting {document} for the {recipient.version} (§ 115 crime prevention)",
        details=_audit_details(recipient, {"document": document, "format": "pdf"}),
    )
    build = build_agenda if document == "agenda" else build_minutes
    return build(session, meeting, recipient, locale)
