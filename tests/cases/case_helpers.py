"""Rows and helpers for the case list, case page and case policy tests."""

from __future__ import annotations

import itertools
import json

from sqlalchemy import select

from app.areas.models import Area, District
from app.audit.actor import Actor
from app.audit.models import AuditEvent
from app.cases.models import Case, Concern, ConcernCategory, ConcernPerson
from app.cases.workflow import open_or_attach
from tests.factories import make_person

_numbers = itertools.count(1)


def district_with_areas(session, count: int = 1) -> tuple[District, list[Area]]:
    number = next(_numbers)
    district = District(code=f"CD{number}", name=f"Case district {number}")
    session.add(district)
    session.flush()
    areas = []
    for index in range(count):
        area = Area(code=f"CA{number}-{index}", name=f"Case area {number}.{index}",
                    district_id=district.id, geometry="{}", youth_population=500)
        session.add(area)
        areas.append(area)
    session.flush()
    return district, areas


def actor_for(user) -> Actor:
    return Actor(user_id=user.id, organisation_id=user.organisation_id, role=user.role)


def group_concern(session, persons, *, narrative: str = "Uro ved butikscentret.",
                  categories=("unrest",)) -> tuple[Concern, list[Case]]:
    """One concern naming several persons; each gets (or keeps) their own case."""
    import datetime as dt

    concern = Concern(
        occurred_on=dt.date(2026, 11, 9), reporter_type="police", narrative=narrative,
        legal_basis="s115",
        categories=list(session.scalars(
            select(ConcernCategory).where(ConcernCategory.key.in_(categories)))),
    )
    session.add(concern)
    session.flush()
    cases = []
    for person in persons:
        link = ConcernPerson(concern_id=concern.id, person_id=person.id)
        session.add(link)
        session.flush()
        cases.append(open_or_attach(session, Actor.system("tests"), person, concern, link))
    session.commit()
    return concern, cases


def new_person(session, first: str, last: str = "Testesen", **kwargs):
    return make_person(session, first_name=first, last_name=last, **kwargs)


def audit_rows(session, action: str, case_id: int | None = None) -> list[AuditEvent]:
    session.rollback()
    query = select(AuditEvent).where(AuditEvent.action == action)
    if case_id is not None:
        query = query.where(AuditEvent.object_type == "case",
                            AuditEvent.object_id == str(case_id))
    return list(session.scalars(query.order_by(AuditEvent.seq)))


def details(event: AuditEvent) -> dict:
    return json.loads(event.details) if event.details else {}


def in_english(client) -> None:
    """The UI defaults to Danish; these tests read the English source texts."""
    client.submit("/language", {"locale": "en", "next": "/account/"}, page="/account/")
