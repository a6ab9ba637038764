"""Which districts a reader of monitoring sees: the one policy for board scoping."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.areas.models import District
from app.audit.actor import Actor
from app.auth.roles import Role
from app.monitoring.models import BoardMembership


def district_scope(session: Session, actor: Actor) -> list[District] | None:
    """A board member's districts; None means the whole municipality.

    A board member with no membership sees the municipality as a whole: every published
    figure is already disclosure-controlled, so the scope is about focus, not secrecy.
    """
    if actor.role != Role.BOARD or actor.user_id is None:
        return None
    districts = session.scalars(
        select(District)
        .join(BoardMembership, BoardMembership.district_id == District.id)
        .where(BoardMembership.user_id == actor.user_id)
        .order_by(District.name)
    ).all()
    return list(districts) or None
