"""The named neighbour an area is published with while under the minimum population."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.areas.models import Area
from app.audit.actor import Actor
from app.audit.services import record
from app.core.errors import DomainError


def neighbour_choices(session: Session, area: Area) -> list[Area]:
    """The areas `area` may be published with: the others of its district."""
    return list(
        session.scalars(
            select(Area)
            .where(Area.district_id == area.district_id, Area.id != area.id)
            .order_by(Area.name)
        )
    )


def set_neighbour(session: Session, actor: Actor, area: Area, neighbour_id: int | None) -> None:
    """Name the neighbour (None: chosen automatically, the longest shared border)."""
    if neighbour_id is not None and neighbour_id not in {
        other.id for other in neighbour_choices(session, area)
    }:
        raise DomainError(
            _l("Choose an area in the same district, or automatic."), "publish_with_id"
        )
    if area.publish_with_id == neighbour_id:
        return
    before = area.publish_with_id
    area.publish_with_id = neighbour_id
    session.flush()
    codes = {row.id: row.code for row in session.execute(select(Area.id, Area.code))}
    record(
        session,
        actor,
        "monitoring.area.neighbour",
        object_type="area",
        object_id=area.id,
        details={"before": codes.get(before), "after": codes.get(neighbour_id)},
    )
