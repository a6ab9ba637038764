"""Which districts each local-board member reads (none: the whole municipality)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.areas.models import District
from app.audit.actor import Actor
from app.audit.services import record
from app.auth.models import User
from app.auth.roles import Role
from app.core.errors import DomainError
from app.monitoring.models import BoardMembership


@dataclass(frozen=True)
class BoardMember:
    user: User
    districts: list[District]


def board_members(session: Session) -> list[BoardMember]:
    users = session.scalars(
        select(User).where(User.role == Role.BOARD.value).order_by(User.full_name, User.id)
    ).all()
    chosen = districts_by_user(session)
    return [BoardMember(user, chosen.get(user.id, [])) for user in users]


def districts_by_user(session: Session) -> dict[int, list[District]]:
    rows = session.execute(
        select(BoardMembership.user_id, District)
        .join(District, District.id == BoardMembership.district_id)
        .order_by(District.name)
    )
    chosen: dict[int, list[District]] = {}
    for user_id, district in rows:
        chosen.setdefault(user_id, []).append(district)
    return chosen


def all_districts(session: Session) -> list[District]:
    return list(session.scalars(select(District).order_by(District.name)))


def set_districts(
    session: Session, actor: Actor, user: User, district_ids: list[int]
) -> list[District]:
    """Replace the member's districts with exactly these; audited with the codes."""
    if user.role != Role.BOARD.value:
        raise DomainError(_l("Only local board members are given districts."))
    wanted = set(district_ids)
    districts = {d.id: d for d in all_districts(session)}
    if not wanted <= set(districts):
        raise DomainError(_l("Choose among the districts shown."), "district_ids")
    memberships = session.scalars(
        select(BoardMembership).where(BoardMembership.user_id == user.id)
    ).all()
    before = sorted(districts[m.district_id].code for m in memberships)
    for membership in memberships:
        if membership.district_id not in wanted:
            session.delete(membership)
    held = {membership.district_id for membership in memberships}
    for district_id in sorted(wanted - held):
        session.add(BoardMembership(user_id=user.id, district_id=district_id))
    session.flush()
    after = sorted(districts[district_id].code for district_id in wanted)
    if before != after:
        record(
            session,
            actor,
            "monitoring.membership.update",
            object_type="user",
            object_id=user.id,
            details={"before": before, "after": after},
        )
    return sorted((districts[i] for i in wanted), key=lambda d: d.name)
