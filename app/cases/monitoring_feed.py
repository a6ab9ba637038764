"""What the monitoring rollups may know of concerns: plain facts, no names, no dates of birth.

This is the one place that turns concerns about persons into `ConcernFact`s. The monitoring
package never imports the cases package; the cases package pushes facts to it.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.cases.models import Concern, ConcernCategory, Person
from app.crypto.keyring import keyring_for
from app.monitoring.feeds import FEEDS, CategoryLabel
from app.monitoring.rollups import ConcernFact, add_facts, age_band

RECORDED = "recorded"  # only concerns taken in by the coordinator count


def person_key(session: Session, person_id: int) -> str:
    return keyring_for(session.get_bind().dialect).blind_index("monitoring-person", str(person_id))


def _facts(session: Session, concern: Concern, persons: dict[int, Person]) -> list[ConcernFact]:
    categories = tuple(category.key for category in concern.categories)
    facts = []
    for link in concern.links:
        person = persons[link.person_id]
        area_id = concern.area_id or person.area_id
        if area_id is None:
            continue  # no area to count it in; monitoring shows only placed concerns
        facts.append(
            ConcernFact(
                person_key=person_key(session, person.id),
                area_id=area_id,
                occurred_on=concern.occurred_on,
                categories=categories,
                age_band=age_band(person.birth_date, concern.occurred_on),
                gender=person.gender,
            )
        )
    return facts


def count_concern(session: Session, concern: Concern) -> None:
    """Add a newly recorded concern to the rollups, in the same transaction."""
    if concern.status != RECORDED:
        return
    session.flush()
    ids = [link.person_id for link in concern.links]
    persons = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))}
    add_facts(session, _facts(session, concern, persons))


def all_facts(session: Session, batch_size: int = 2_000) -> Iterator[ConcernFact]:
    persons: dict[int, Person] = {}
    last_id = 0
    while True:
        concerns = session.scalars(
            select(Concern)
            .where(Concern.status == RECORDED, Concern.id > last_id)
            .order_by(Concern.id)
            .limit(batch_size)
            .options(selectinload(Concern.categories), selectinload(Concern.links))
        ).all()
        if not concerns:
            return
        wanted = {link.person_id for c in concerns for link in c.links} - persons.keys()
        if wanted:
            persons.update(
                (p.id, p) for p in session.scalars(select(Person).where(Person.id.in_(wanted)))
            )
        for concern in concerns:
            yield from _facts(session, concern, persons)
        last_id = concerns[-1].id
        if len(persons) > 50_000:
            persons.clear()


def category_labels(session: Session) -> list[CategoryLabel]:
    rows = session.scalars(select(ConcernCategory).order_by(ConcernCategory.position))
    return [CategoryLabel(row.key, row.label_da, row.label_en) for row in rows]


def register_feeds() -> None:
    FEEDS.concern_facts = all_facts
    FEEDS.category_labels = category_labels
