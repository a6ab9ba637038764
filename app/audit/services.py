"""Writing and reading the audit trail."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import Select, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from app.audit.actor import Actor
from app.audit.chain import VerifyResult, compute_mac, verify_chain
from app.audit.models import AuditChainHead, AuditEvent
from app.auth.models import User
from app.crypto.keyring import keyring_for
from app.db import utcnow

OUTCOMES = ("ok", "denied", "failed")


def _audit_key(session: Session) -> bytes:
    return keyring_for(session.get_bind().dialect).audit_key


_HEAD = AuditChainHead.__table__
_LOCK_HEAD = select(_HEAD.c.seq, _HEAD.c.mac).where(_HEAD.c.id == 1).with_for_update()
_INSERT_EVENT = insert(AuditEvent.__table__)
_MOVE_HEAD = update(_HEAD).where(_HEAD.c.id == 1)


def take_chain_lock(session: Session) -> None:
    """Take the audit chain's lock now instead of at this transaction's first entry.

    Every audited write holds this lock until it commits, so audited writes already run one
    at a time. A service that must not interleave with another transaction on the same rows
    (two concerns opening one person's case) takes it before its first read: waiting for
    any other lock while holding this one, or for this one while holding another, could
    deadlock against the chain.
    """
    session.connection().execute(_LOCK_HEAD).one()


def record(
    session: Session,
    actor: Actor,
    action: str,
    *,
    object_type: str | None = None,
    object_id: object = None,
    purpose: str | None = None,
    outcome: str = "ok",
    details: dict | None = None,
) -> None:
    """Append one entry in the caller's transaction; it commits or rolls back with the act.

    Three statements on the session's connection, not ORM objects: every page that shows
    personal data writes one entry, and the unit of work cost more than the writes. The
    session's pending changes are flushed first, as the ORM query used to (autoflush).
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    session.flush()
    connection = session.connection()
    seq, prev_mac = connection.execute(_LOCK_HEAD).one()
    entry = {
        "seq": seq + 1,
        "occurred_at": utcnow(),
        "user_id": actor.user_id,
        "organisation_id": actor.organisation_id,
        "role": actor.role,
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "purpose": purpose,
        "outcome": outcome,
        "ip": actor.ip,
        "request_id": actor.request_id,
        "details": json.dumps(details, sort_keys=True, ensure_ascii=False) if details else None,
        "prev_mac": prev_mac,
    }
    entry["mac"] = compute_mac(_audit_key(session), prev_mac, SimpleNamespace(**entry))
    connection.execute(_INSERT_EVENT, entry)
    connection.execute(_MOVE_HEAD, {"seq": entry["seq"], "mac": entry["mac"]})
    # A head loaded earlier through this session (current_head) must not show the old seq.
    loaded = session.identity_map.get(identity_key(AuditChainHead, 1))
    if loaded is not None:
        session.expire(loaded)


def record_independently(session_factory, actor: Actor, action: str, **fields) -> None:
    """For refusals: the entry must survive although the request itself rolls back."""
    with session_factory() as session:
        record(session, actor, action, **fields)
        session.commit()


def verify(session: Session, head: dict | None = None) -> VerifyResult:
    result = session.execute(
        select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=2000)
    )
    try:
        return verify_chain(_audit_key(session), result.scalars(), head)
    finally:
        # verify stops at the first bad entry; the server-side cursor must not linger.
        result.close()


def current_head(session: Session) -> dict:
    head = session.get(AuditChainHead, 1)
    return {"seq": head.seq if head else 0, "mac": head.mac if head else "0" * 64}


@dataclass(frozen=True)
class AuditFilter:
    user_id: int | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    outcome: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    # Case views outside the viewer's assignment (privacy.md, 9): flagged in `details`.
    outside_assignment: bool = False


OUTSIDE_ASSIGNMENT_MARK = '%"outside_assignment": true%'


def _filtered(query: Select, criteria: AuditFilter) -> Select:
    if criteria.user_id is not None:
        query = query.where(AuditEvent.user_id == criteria.user_id)
    if criteria.action:
        query = query.where(AuditEvent.action == criteria.action)
    if criteria.object_type:
        query = query.where(AuditEvent.object_type == criteria.object_type)
    if criteria.object_id:
        query = query.where(AuditEvent.object_id == criteria.object_id)
    if criteria.outcome:
        query = query.where(AuditEvent.outcome == criteria.outcome)
    if criteria.date_from:
        start = dt.datetime.combine(criteria.date_from, dt.time.min, tzinfo=dt.UTC)
        query = query.where(AuditEvent.occurred_at >= start)
    if criteria.date_to:
        end = dt.datetime.combine(
            criteria.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC
        )
        query = query.where(AuditEvent.occurred_at < end)
    if criteria.outside_assignment:
        query = query.where(AuditEvent.details.like(OUTSIDE_ASSIGNMENT_MARK))
    return query


@dataclass(frozen=True)
class AuditPage:
    events: list[AuditEvent]
    total: int
    page: int
    per_page: int
    user_names: dict[int, str]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def search_events(
    session: Session, actor: Actor, criteria: AuditFilter, page: int = 1, per_page: int = 50
) -> AuditPage:
    """The auditor's view; looking at the trail is itself recorded."""
    page = max(1, page)
    total = session.scalar(_filtered(select(func.count()).select_from(AuditEvent), criteria)) or 0
    events = list(
        session.scalars(
            _filtered(select(AuditEvent), criteria)
            .order_by(AuditEvent.seq.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    user_ids = {event.user_id for event in events if event.user_id}
    user_names = (
        dict(session.execute(select(User.id, User.email).where(User.id.in_(user_ids))).all())
        if user_ids
        else {}
    )
    record(session, actor, "audit.search", object_type="audit", purpose="audit review")
    return AuditPage(events, total, page, per_page, user_names)


def distinct_actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
