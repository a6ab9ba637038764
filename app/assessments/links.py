"""Invitation links: issued with a request, swapped on first visit for a short session.

Only hashes are stored. A link works until the assessment is submitted or declined, the
link expires or the coordinator revokes it; each visit before that gives a new session and
ends the one before, so the link in one browser at a time holds the draft.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.assessments.models import AssessmentRequest, Invitation
from app.audit.actor import Actor
from app.audit.services import record
from app.auth.models import User
from app.core.tokens import new_token, token_hash
from app.db import utcnow

LINK_PREFIX = "inv_"


@dataclass(frozen=True)
class Contact:
    """Whom an assessor with a dead link should contact: the coordinator who asked."""

    name: str
    email: str


class LinkGone(Exception):
    """The link or its session no longer opens the form: 'expired', 'used', 'revoked',
    'replaced' (a newer link was sent) or 'session' (the short session ended)."""

    def __init__(self, reason: str, contact: Contact | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.contact = contact


class LinkUnknown(Exception):
    """No such link (mistyped or invented): counts towards the bad-token rate limit."""


def issue_link(
    session: Session, request: AssessmentRequest, valid_for: dt.timedelta, now: dt.datetime
) -> str:
    raw, hashed = new_token(LINK_PREFIX)
    session.add(Invitation(request_id=request.id, token_hash=hashed, expires_at=now + valid_for))
    session.flush()
    return raw


def contact_for(session: Session, request: AssessmentRequest) -> Contact | None:
    user = session.get(User, request.requested_by_id) if request.requested_by_id else None
    return Contact(user.full_name, user.email) if user else None


def gone_reason(invitation: Invitation, now: dt.datetime) -> str | None:
    if invitation.request.status == "revoked":
        return "revoked"
    if invitation.revoked_at is not None:
        # The coordinator sent a new link for the same request: the assessor should use it.
        return "replaced" if invitation.request.status == "open" else "used"
    if invitation.used_at is not None or invitation.request.status != "open":
        return "used"
    if invitation.expires_at <= now:
        return "expired"
    return None


def link_actor(request: AssessmentRequest, base: Actor) -> Actor:
    """The assessor as the audit trail sees them: the invited user if known, by link."""
    return Actor(
        user_id=request.assessor_user_id,
        role="assessor_link",
        ip=base.ip,
        request_id=base.request_id,
    )


def open_link(
    session: Session,
    actor: Actor,
    raw_token: str,
    session_length: dt.timedelta,
    now: dt.datetime | None = None,
) -> tuple[Invitation, str]:
    """Swap a link token for a session token; the link itself is kept until submission."""
    now = now or utcnow()
    invitation = session.scalar(
        select(Invitation).where(Invitation.token_hash == token_hash(raw_token))
    )
    if invitation is None:
        raise LinkUnknown()
    request = invitation.request
    reason = gone_reason(invitation, now)
    if reason:
        record(
            session,
            link_actor(request, actor),
            "assessment.link_open",
            object_type="assessment_request",
            object_id=request.id,
            outcome="denied",
            details={"reason": reason},
        )
        raise LinkGone(reason, contact_for(session, request))
    raw_session, hashed = new_token(LINK_PREFIX)
    invitation.session_hash = hashed
    invitation.session_expires_at = min(now + session_length, invitation.expires_at)
    invitation.opened_at = invitation.opened_at or now
    record(
        session,
        link_actor(request, actor),
        "assessment.link_open",
        object_type="assessment_request",
        object_id=request.id,
    )
    return invitation, raw_session


def resolve_session(
    session: Session,
    raw_session: str | None,
    session_length: dt.timedelta,
    now: dt.datetime | None = None,
) -> Invitation:
    """The invitation behind a link session; LinkGone once it no longer opens the form.

    Each use moves the session's end forward (never past the link's own expiry), so an
    assessor who keeps working keeps their session.
    """
    now = now or utcnow()
    if not raw_session:
        raise LinkGone("session", None)
    invitation = session.scalar(
        select(Invitation).where(Invitation.session_hash == token_hash(raw_session))
    )
    if invitation is None:
        raise LinkGone("session", None)
    reason = gone_reason(invitation, now)
    if reason is None and (invitation.session_expires_at or now) <= now:
        reason = "session"
    if reason:
        raise LinkGone(reason, contact_for(session, invitation.request))
    invitation.session_expires_at = min(now + session_length, invitation.expires_at)
    return invitation


def use_link(session: Session, invitation: Invitation, now: dt.datetime, outcome: str) -> bool:
    """Mark the link used and the request `outcome` ("submitted" or "declined"), atomically:
    of two simultaneous submissions exactly one gets True."""
    used = session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(used_at=now, session_hash=None)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:
        return False
    closed = session.execute(
        update(AssessmentRequest)
        .where(AssessmentRequest.id == invitation.request_id, AssessmentRequest.status == "open")
        .values(status=outcome, closed_at=now)
        .execution_options(synchronize_session=False)
    )
    if closed.rowcount != 1:
        return False
    # Every other link to the same request dies with it.
    session.execute(
        update(Invitation)
        .where(Invitation.request_id == invitation.request_id, Invitation.used_at.is_(None))
        .values(used_at=now, session_hash=None)
        .execution_options(synchronize_session=False)
    )
    session.expire(invitation)
    session.expire(invitation.request)
    return True


def revoke_links(session: Session, request: AssessmentRequest, now: dt.datetime) -> None:
    session.execute(
        update(Invitation)
        .where(Invitation.request_id == request.id, Invitation.revoked_at.is_(None))
        .values(revoked_at=now, session_hash=None)
        .execution_options(synchronize_session=False)
    )
