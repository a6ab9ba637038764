"""What each role sees first: its purpose in Tidlig, its work and its own security facts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.auth.models import AuthSession, Organisation, User
from app.auth.roles import Role
from app.mail.models import OutboxMessage

ROLE_PURPOSE = {
    Role.ADMIN: _l("You manage users and organisations. You do not see case content."),
    Role.COORDINATOR: _l(
        "You record concerns, request assessments from professionals and prepare the AVA "
        "committee's weekly meeting."
    ),
    Role.COMMITTEE: _l(
        "You take part in the AVA committee: you see the cases on your meetings' agendas and "
        "the actions your organisation owns."
    ),
    Role.ASSESSOR: _l(
        "You are asked for structured assessments of children you know through your work. "
        "You see only what your own assessment needs."
    ),
    Role.BOARD: _l(
        "You see anonymised figures for your local board's areas, never a person and never a "
        "count small enough to point at one."
    ),
    Role.AUDITOR: _l(
        "You review the audit trail: who used which personal data, when and for what purpose."
    ),
}


@dataclass(frozen=True)
class Figure:
    label: object
    value: int
    endpoint: str | None = None  # the list behind the number
    params: dict = field(default_factory=dict)  # that list's filter


@dataclass(frozen=True)
class HomeView:
    purpose: object
    previous_login: AuditEvent | None
    failed_logins_since: int
    active_sessions: int
    figures: list[Figure] = field(default_factory=list)


def home_for(session: Session, user: User) -> HomeView:
    """The home page facts for one user; figures only where the role has a use for them."""
    logins = list(
        session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.user_id == user.id,
                AuditEvent.action == "auth.login",
                AuditEvent.outcome == "ok",
            )
            .order_by(AuditEvent.seq.desc())
            .limit(2)
        )
    )
    previous = logins[1] if len(logins) > 1 else None
    since = previous.occurred_at if previous else dt.datetime.min.replace(tzinfo=dt.UTC)
    failed = (
        session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.object_type == "user",
                AuditEvent.object_id == str(user.id),
                AuditEvent.action == "auth.login",
                AuditEvent.outcome == "failed",
                AuditEvent.occurred_at > since,
            )
        )
        or 0
    )
    active = (
        session.scalar(
            select(func.count())
            .select_from(AuthSession)
            .where(AuthSession.user_id == user.id, AuthSession.ended_at.is_(None))
        )
        or 0
    )
    if user.role == Role.ADMIN:
        figures = _admin_figures(session)
    else:
        from app.audit.actor import Actor
        from app.core.work_figures import work_figures

        actor = Actor(user_id=user.id, organisation_id=user.organisation_id, role=user.role)
        figures = work_figures(session, actor, dt.date.today())
    return HomeView(ROLE_PURPOSE.get(Role(user.role), ""), previous, failed, active, figures)


def _admin_figures(session: Session) -> list[Figure]:
    def count(query) -> int:
        return session.scalar(query) or 0

    return [
        Figure(
            _l("Active users"), count(select(func.count()).select_from(User).where(User.active))
        ),
        Figure(
            _l("Users waiting for activation"),
            count(
                select(func.count())
                .select_from(User)
                .where(User.password_hash.is_(None), User.active)
            ),
        ),
        Figure(_l("Organisations"), count(select(func.count()).select_from(Organisation))),
        Figure(
            _l("Unsent e-mails"),
            count(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.sent_at.is_(None))
            ),
        ),
    ]
