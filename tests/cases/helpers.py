"""Rows the concern tests need: an area, and a valid concern input."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import func, select

from app.areas.models import Area, District
from app.audit.actor import Actor
from app.audit.models import AuditEvent
from app.cases.concerns import ConcernInput
from app.cases.persons import PersonInput

_numbers = itertools.count(1)


def make_area(session, name: str | None = None) -> Area:
    number = next(_numbers)
    district = District(code=f"D{number}", name=f"District {number}")
    session.add(district)
    session.flush()
    area = Area(code=f"A{number}", name=name or f"Area {number}", district_id=district.id,
                geometry="{}", youth_population=500)
    session.add(area)
    session.flush()
    return area


def actor_for(user) -> Actor:
    return Actor(user_id=user.id, organisation_id=user.organisation_id, role=user.role)


def new_person(first="Emil", last="Jensen", cpr=None, birth=dt.date(2011, 4, 17), **kw):
    return PersonInput(first_name=first, last_name=last, cpr=cpr,
                       birth_date=None if cpr else birth, **kw)


def concern_input(area_id: int, **overrides) -> ConcernInput:
    values = dict(
        occurred_on=dt.date.today() - dt.timedelta(days=3), area_id=area_id,
        reporter_type="school", categories=["violence"], narrative="Slog en anden elev.",
        legal_basis="s115", new_persons=[new_person()],
    )
    values.update(overrides)
    return ConcernInput(**values)


def audit_count(session, action: str | None = None) -> int:
    query = select(func.count()).select_from(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
    return session.scalar(query)


def row_counts(session) -> dict:
    from app.cases.models import Case, Concern, ConcernPerson, Person, PersonSearchToken

    return {model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Person, Concern, ConcernPerson, Case, PersonSearchToken)}
