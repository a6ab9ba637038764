"""Demo concerns over the last 18 months: single and group concerns, cases in every status."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.audit.actor import Actor
from app.cases.models import Case, CaseEvent, Concern, ConcernCategory, ConcernPerson, Person
from app.cases.workflow import CloseReason, Status, open_or_attach

CONCERN_COUNT = 250
INBOX_COUNT = 6
REPORTER_WEIGHTS = {
    "police": 5,
    "school": 4,
    "club": 3,
    "parent": 2,
    "other_professional": 2,
    "anonymous": 1,
}
NARRATIVES = [
    "Var med i en slåskamp ved indkøbscentret en fredag aften.",
    "Har flere gange truet medelever på vej hjem fra skole.",
    "Blev set sammen med ældre unge ved stationen sent om aftenen.",
    "Havde en kniv med i skole, siger selv at det var for at beskytte sig.",
    "Har været involveret i hærværk mod busskure i området.",
    "Skolen oplever stort fravær og uro i timerne de seneste måneder.",
    "Klubben har set tegn på salg af hash blandt de unge.",
    "Har delt krænkende billeder af en klassekammerat på sociale medier.",
    "Politiet har standset en gruppe efter indbrud i et kolonihavehus.",
    "Forældrene er bekymrede for nye venner og sene aftener.",
]
STATUS_WEIGHTS = {
    Status.NEW: 4,
    Status.ASSESSMENTS_REQUESTED: 3,
    Status.READY_FOR_REVIEW: 3,
    Status.ON_AGENDA: 2,
    Status.RECOMMENDATION_MADE: 2,
    Status.IN_FOLLOW_UP: 4,
    Status.CLOSED: 4,
}


def _groups(rng: random.Random, persons: list[Person]) -> list[list[Person]]:
    """Who each concern names: mostly one person, some groups of 2–4 from the same area."""
    # About half the young people ever get a concern; some get several.
    pool = rng.sample(persons[1:], k=min(len(persons) - 1, 210))
    by_area: dict[int | None, list[Person]] = {}
    for person in pool:
        by_area.setdefault(person.area_id, []).append(person)
    groups = [[persons[0]]]  # the canary has a case, so greps for it reach case pages
    while len(groups) < CONCERN_COUNT:
        first = rng.choice(pool)
        if rng.random() < 0.15:
            neighbours = [p for p in by_area[first.area_id] if p is not first]
            size = min(len(neighbours), rng.randint(1, 3))
            groups.append([first, *rng.sample(neighbours, k=size)])
        else:
            groups.append([first])
    return groups


def _concern(
    rng: random.Random,
    occurred: dt.date,
    categories: list[ConcernCategory],
    area_id: int | None,
    status: str = "recorded",
) -> Concern:
    created = dt.datetime.combine(
        occurred + dt.timedelta(days=rng.randint(0, 4)),
        dt.time(9 + rng.randint(0, 7), rng.randint(0, 59)),
        tzinfo=dt.UTC,
    )
    legal = rng.choices(["s115", "consent", "other"], [8, 2, 1])[0]
    return Concern(
        occurred_on=occurred,
        area_id=area_id,
        status=status,
        created_at=created,
        reporter_type=rng.choices(list(REPORTER_WEIGHTS), list(REPORTER_WEIGHTS.values()))[0],
        narrative=rng.choice(NARRATIVES),
        legal_basis=legal,
        legal_basis_note="Barnets lov § 49 b" if legal == "other" else None,
        notification=rng.choices(["made", "needed", "not_needed", None], [2, 2, 5, 1])[0],
        categories=rng.sample(categories, k=rng.choices([1, 2, 3], [6, 3, 1])[0]),
    )


def add_demo_concerns(
    session: Session,
    rng: random.Random,
    actor: Actor,
    coordinator_id: int | None,
    reporter_ids: list[int],
) -> None:
    categories = list(session.scalars(select(ConcernCategory).where(ConcernCategory.active)))
    if not categories:
        return  # a schema built without the migrations' reference data
    persons = list(session.scalars(select(Person).where(Person.is_demo).order_by(Person.id)))
    today = dt.date.today()
    dated = [
        (today - dt.timedelta(days=rng.randrange(0, 548)), group) for group in _groups(rng, persons)
    ]
    for occurred, group in sorted(dated, key=lambda item: item[0]):
        concern = _concern(rng, occurred, categories, group[0].area_id)
        session.add(concern)
        session.flush()
        for person in group:
            link = ConcernPerson(concern_id=concern.id, person_id=person.id)
            session.add(link)
            session.flush()
            case = open_or_attach(session, actor, person, concern, link)
            if case.opened_at > concern.created_at:
                case.opened_at = concern.created_at
        session.flush()
        session.execute(
            update(CaseEvent)
            .where(CaseEvent.concern_id == concern.id)
            .values(occurred_at=concern.created_at)
        )
    _vary_statuses(session, rng, today, coordinator_id)
    for number in range(INBOX_COUNT):
        person = rng.choice(persons[1:])
        concern = _concern(
            rng, today - dt.timedelta(days=number + 1), categories, person.area_id, status="inbox"
        )
        concern.reported_by_id = reporter_ids[number % len(reporter_ids)] if reporter_ids else None
        concern.notification = None
        session.add(concern)
        session.flush()
        session.add(ConcernPerson(concern_id=concern.id, person_id=person.id))
    session.flush()


def _vary_statuses(
    session: Session, rng: random.Random, today: dt.date, coordinator_id: int | None
) -> None:
    reasons = list(CloseReason)
    for case in session.scalars(select(Case).order_by(Case.id)):
        status = rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
        case.status = status.value
        case.closed_reason = rng.choice(reasons).value if status == Status.CLOSED else None
        if status in (Status.IN_FOLLOW_UP, Status.RECOMMENDATION_MADE):
            case.next_review_on = today + dt.timedelta(days=rng.randint(-20, 60))
        if coordinator_id and rng.random() < 0.7:
            case.assigned_to_id = coordinator_id
    session.flush()
