"""What the effect view may know of cases after a recommendation: facts without a person.

The one place that turns recommendations, later concerns and assessment rounds into
`EffectFact`s. The monitoring package never imports cases, meetings or assessments; the
release builder calls this function and hands the facts to `app.monitoring.effects`.
Only an area, an action type key, a date, yes/no answers and mean changes leave here.
"""

from __future__ import annotations

import datetime as dt
from statistics import mean

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.assessments.instrument import KINDS
from app.assessments.profile import RoundProfile, build_profile
from app.assessments.requests import requests_for_case
from app.cases.models import Case, Concern, ConcernPerson
from app.meetings.models import Action, ActionType, Meeting, Recommendation
from app.monitoring.effects import EffectFact

SIX_MONTHS = dt.timedelta(days=183)
TWELVE_MONTHS = dt.timedelta(days=365)
RECORDED = "recorded"  # only concerns taken in by the coordinator count


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _recommended(
    session: Session, cohort_start: dt.date, cohort_end: dt.date
) -> dict[tuple[int, str], dt.date]:
    """(case id, action type key) → the first date it was recommended in the window.

    A recommendation's date is its meeting's; one recorded outside a meeting counts from
    the day it was written.
    """
    rows = session.execute(
        select(Recommendation.case_id, ActionType.key, Meeting.held_on, Recommendation.created_at)
        .join(Action, Action.recommendation_id == Recommendation.id)
        .join(ActionType, ActionType.id == Action.action_type_id)
        .outerjoin(Meeting, Meeting.id == Recommendation.meeting_id)
        .where(
            or_(
                Meeting.held_on.between(cohort_start, cohort_end),
                and_(
                    Recommendation.meeting_id.is_(None),
                    Recommendation.created_at >= _midnight(cohort_start - dt.timedelta(days=1)),
                    Recommendation.created_at < _midnight(cohort_end + dt.timedelta(days=2)),
                ),
            )
        )
    )
    first: dict[tuple[int, str], dt.date] = {}
    for case_id, action_type, held_on, created_at in rows:
        day = held_on or created_at.date()
        if cohort_start <= day <= cohort_end:
            pair = (case_id, action_type)
            first[pair] = min(day, first.get(pair, day))
    return first


def _later_concern(
    concern_days: list[dt.date], day: dt.date, window: dt.timedelta, as_of: dt.date
) -> bool | None:
    if as_of < day + window:
        return None  # the window has not passed: not yet known
    return any(day < occurred <= day + window for occurred in concern_days)


def _round_day(round_profile: RoundProfile, latest: bool) -> dt.date | None:
    days = [a.submitted_at.date() for a in round_profile.assessors if a.submitted_at]
    if not days:
        return None
    return max(days) if latest else min(days)


def _mean_rating(round_profile: RoundProfile, kind: str) -> float | None:
    """The mean of the known ratings of all assessors in a round; unknowns never count."""
    ratings = [
        cell.rating
        for assessor in round_profile.assessors
        for cell in assessor.rows[kind]
        if cell.rating is not None
    ]
    return mean(ratings) if ratings else None


def _changes(rounds: list[RoundProfile], day: dt.date) -> dict[str, float | None]:
    """Mean in the first round wholly after `day` minus the mean in the last one before it.

    A round counts as before when all its answers came on or before the day, and as after
    when all came later; a round answered on both sides of the day is neither.
    """
    before = [r for r in rounds if (_round_day(r, latest=True) or dt.date.max) <= day]
    after = [r for r in rounds if (_round_day(r, latest=False) or dt.date.min) > day]
    result: dict[str, float | None] = dict.fromkeys(KINDS)
    if not before or not after:
        return result
    for kind in KINDS:
        earlier, later = _mean_rating(before[-1], kind), _mean_rating(after[0], kind)
        if earlier is not None and later is not None:
            result[kind] = later - earlier
    return result


def effect_facts(
    session: Session, cohort_start: dt.date, cohort_end: dt.date, as_of: dt.date
) -> list[EffectFact]:
    """One fact per case and action type recommended for it in the cohort window."""
    by_case: dict[int, list[tuple[str, dt.date]]] = {}
    for (case_id, action_type), day in sorted(
        _recommended(session, cohort_start, cohort_end).items()
    ):
        by_case.setdefault(case_id, []).append((action_type, day))
    # Plain columns only: the person (names, birth date) is never loaded here.
    placed = session.execute(
        select(Case.id, Case.area_id, Case.person_id).where(
            Case.id.in_(sorted(by_case)), Case.area_id.is_not(None)
        )
    ).all()
    facts = []
    for case_id, area_id, person_id in placed:
        concern_days = list(
            session.scalars(
                select(Concern.occurred_on)
                .join(ConcernPerson, ConcernPerson.concern_id == Concern.id)
                .where(ConcernPerson.person_id == person_id, Concern.status == RECORDED)
            )
        )
        rounds = [
            # Only rounds complete by `as_of`: a release built later reads the same.
            r
            for r in build_profile(session, requests_for_case(session, case_id), "en").rounds
            if (_round_day(r, latest=True) or dt.date.max) <= as_of
        ]
        for action_type, day in by_case[case_id]:
            changes = _changes(rounds, day)
            facts.append(
                EffectFact(
                    area_id=area_id,
                    measure=action_type,
                    recommended_on=day,
                    new_concern_6m=_later_concern(concern_days, day, SIX_MONTHS, as_of),
                    new_concern_12m=_later_concern(concern_days, day, TWELVE_MONTHS, as_of),
                    risk_change=changes["risk"],
                    resilience_change=changes["resilience"],
                )
            )
    return sorted(facts, key=lambda fact: (fact.recommended_on, fact.area_id, fact.measure))
