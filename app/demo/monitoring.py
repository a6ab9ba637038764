"""Demo area monitoring: populations, two years of counted concerns, indicators, releases.

The demo's few hundred concerns about named (synthetic) young people are far fewer than a
municipality records in two years, so the rollups also get synthetic history: facts with
random person keys behind which there is no person at all. They exist only in the
rollups; `flask monitoring rebuild` on the demo database would count the real demo
concerns alone. Everything a board sees still comes from releases built by the real
release builder with its disclosure control.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.areas.models import Area, District
from app.audit.actor import Actor
from app.cases.monitoring_feed import all_facts
from app.core.errors import DomainError
from app.demo.indicators import seed_demo_indicators
from app.monitoring.models import ActionPlan, AreaPopulation, BoardMembership, PlanGoal
from app.monitoring.periods import last_complete
from app.monitoring.releases import publish_release
from app.monitoring.rollups import AGE_BANDS, ConcernFact, add_facts, rebuild

# Where the Danish reports place Odense's vulnerable housing areas; more concerns there.
BUSY_AREAS = ("Vollsmose", "Korsløkke", "Bolbro", "Tornbjerg", "Højby")
FACTS_PER_QUARTER = 700
QUARTERS_OF_HISTORY = 8
RELEASED_QUARTERS = 6
CATEGORY_WEIGHTS = {
    "violence": 18,
    "threats": 10,
    "theft_burglary": 12,
    "vandalism": 10,
    "weapons": 3,
    "drugs": 9,
    "group_association": 4,
    "unrest": 8,
    "online": 7,
    "radicalisation": 1,
    "school_absence": 12,
    "other": 6,
}
GENDER_WEIGHTS = {"male": 70, "female": 27, "other": 1, "unknown": 2}
AGE_WEIGHTS = {"0-11": 8, "12-14": 38, "15-17": 46, "18+": 8}


def seed_demo_monitoring(
    session: Session,
    rng: random.Random,
    today: dt.date,
    board_user_id: int | None,
    quarters: int = RELEASED_QUARTERS,
) -> None:
    """Everything the board pages need; the board member gets the Vollsmose district."""
    areas = list(session.scalars(select(Area).order_by(Area.code)))
    _populations(session, rng, areas, today.year)
    rebuild(session, all_facts(session))
    add_facts(session, _synthetic_history(rng, areas, today))
    seed_demo_indicators(session, rng, areas)
    board_district = _board_membership(session, areas, board_user_id)
    _publish(session, today, quarters)
    if board_district is not None:
        _plan(session, board_district)


def _populations(session: Session, rng: random.Random, areas: list[Area], year: int) -> None:
    for area in areas:
        base = area.youth_population or 500
        for offset in range(3, -1, -1):
            drift = 1 + rng.uniform(-0.04, 0.04) * offset
            population = round(base * drift)
            session.add(
                AreaPopulation(area_id=area.id, year=year - offset, youth_population=population)
            )
    session.flush()


def _weight(area: Area) -> float:
    busy = any(name in area.name for name in BUSY_AREAS)
    return (area.youth_population or 300) * (3.0 if busy else 1.0)


def _synthetic_history(rng: random.Random, areas: list[Area], today: dt.date):
    quarters = [last_complete("quarter", today)]
    quarters = [*quarters[0].previous(QUARTERS_OF_HISTORY - 1), quarters[0]]
    weights = [_weight(area) for area in areas]
    surge = next((a for a in areas if "Vollsmose" in a.name), areas[0])
    categories = list(CATEGORY_WEIGHTS)
    for number, quarter in enumerate(quarters):
        total = int(FACTS_PER_QUARTER * (0.85 + 0.04 * number))
        chosen = rng.choices(areas, weights, k=total)
        if number == len(quarters) - 1:
            chosen += [surge] * 45  # a rise the early warning should catch
        for serial, area in enumerate(chosen):
            days = (quarter.end - quarter.start).days + 1
            day = quarter.start + dt.timedelta(days=rng.randrange(days))
            count = 2 if rng.random() < 0.15 else 1
            picked = rng.choices(categories, list(CATEGORY_WEIGHTS.values()), k=count)
            key = hashlib.sha256(f"demo-history-{quarter.label}-{serial}".encode()).hexdigest()
            yield ConcernFact(
                person_key=key,
                area_id=area.id,
                occurred_on=day,
                categories=tuple(sorted(set(picked))),
                age_band=rng.choices(AGE_BANDS, list(AGE_WEIGHTS.values()))[0],
                gender=rng.choices(list(GENDER_WEIGHTS), list(GENDER_WEIGHTS.values()))[0],
            )


def _board_membership(
    session: Session, areas: list[Area], board_user_id: int | None
) -> District | None:
    vollsmose = next((a for a in areas if "Vollsmose" in a.name), None)
    if board_user_id is None or vollsmose is None:
        return None
    session.add(BoardMembership(user_id=board_user_id, district_id=vollsmose.district_id))
    session.flush()
    return session.get(District, vollsmose.district_id)


def _publish(session: Session, today: dt.date, quarters: int) -> None:
    actor = Actor.system("demo-seed")
    newest = last_complete("quarter", today)
    for quarter in [*newest.previous(quarters - 1), newest]:
        try:
            publish_release(session, actor, quarter.label, today, municipality="Odense Kommune")
        except DomainError:
            continue  # a refused period stays unpublished, as it would in real use


def _plan(session: Session, district: District) -> None:
    first_year = dt.date.today().year + 1
    plan = ActionPlan(
        district_id=district.id,
        title=f"Handleplan {first_year}-{first_year + 1} for {district.name}",
        first_year=first_year,
        last_year=first_year + 1,
        description=(
            "Fokus på fritidstilbud og skolefremmøde i de boligområder, hvor flest "
            "bekymringer registreres. Illustrativ demoplan."
        ),
    )
    session.add(plan)
    session.flush()
    session.add_all(
        [
            PlanGoal(
                plan_id=plan.id,
                position=1,
                text="Færre bekymringer pr. 1.000 unge i distriktet",
                metric="concerns_rate",
                target=20.0,
                direction="down",
            ),
            PlanGoal(
                plan_id=plan.id,
                position=2,
                text="Lavere skolefravær",
                metric="indicator",
                indicator_key="school_absence",
                target=0.08,
                direction="down",
            ),
        ]
    )
    session.flush()
