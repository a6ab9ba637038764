"""The effect facts from real cases, meetings, concerns and assessment rounds."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select

from app.assessments.models import Assessment, AssessmentRequest
from app.cases.models import Concern, ConcernPerson
from app.meetings.effect_feed import effect_facts
from app.meetings.models import Action, Meeting, Recommendation
from app.monitoring.effects import EffectFact
from tests.assessments.helpers import ask, submit_answers, teacher
from tests.factories import make_case, make_organisation
from tests.meetings.helpers import action_type_id
from tests.monitoring.factories import make_area, make_district

HELD_ON = dt.date(2025, 3, 5)


def recommend(session, case, organisation, held_on, *keys):
    meeting = Meeting(held_on=held_on, start_time=dt.time(14), status="held")
    session.add(meeting)
    session.flush()
    recommendation = Recommendation(case_id=case.id, meeting_id=meeting.id, text="Mentor.")
    session.add(recommendation)
    session.flush()
    for key in keys:
        session.add(
            Action(
                recommendation_id=recommendation.id,
                case_id=case.id,
                action_type_id=action_type_id(session, key),
                owner_organisation_id=organisation.id,
                deadline=held_on + dt.timedelta(days=30),
                status="open",
            )
        )
    session.flush()


def later_concern(session, case, occurred_on, status="recorded"):
    concern = Concern(
        occurred_on=occurred_on,
        area_id=case.area_id,
        reporter_type="school",
        narrative="Igen.",
        legal_basis="s115",
        status=status,
    )
    session.add(concern)
    session.flush()
    session.add(ConcernPerson(concern_id=concern.id, person_id=case.person_id))
    session.flush()


def answer_round(session, case, submitted_on, *, risk, resilience, round_number=None):
    issued = ask(session, case, teacher(1), teacher(2))
    for item in issued:
        if round_number:
            item.request.round = round_number
        submit_answers(session, item, risk=risk, resilience=resilience)
    session.flush()
    ids = [item.request.id for item in issued]
    for assessment in session.scalars(select(Assessment).where(Assessment.request_id.in_(ids))):
        assessment.submitted_at = dt.datetime.combine(submitted_on, dt.time(9), tzinfo=dt.UTC)
    session.flush()


def world(db_session):
    district = make_district(db_session, "D1", "Nord")
    area = make_area(db_session, district, "A1", "Tarup")
    organisation = make_organisation(db_session)
    return area, organisation


def test_each_recommended_action_type_is_one_fact_with_later_concerns_and_changes(db_session):
    area, organisation = world(db_session)
    case = make_case(db_session, area_id=area.id, commit=False)
    answer_round(db_session, case, HELD_ON - dt.timedelta(days=20), risk="2", resilience="0")
    recommend(db_session, case, organisation, HELD_ON, "mentor", "family_support", "mentor")
    answer_round(
        db_session,
        case,
        HELD_ON + dt.timedelta(days=90),
        risk="1",
        resilience="1",
        round_number=2,
    )
    later_concern(db_session, case, HELD_ON + dt.timedelta(days=200))  # within 12 months
    later_concern(db_session, case, HELD_ON + dt.timedelta(days=30), status="draft")
    db_session.commit()

    facts = effect_facts(
        db_session, dt.date(2024, 1, 1), dt.date(2025, 12, 31), as_of=dt.date(2026, 6, 1)
    )

    assert sorted(f.measure for f in facts) == ["family_support", "mentor"]
    mentor = next(f for f in facts if f.measure == "mentor")
    assert mentor == EffectFact(
        area_id=area.id,
        measure="mentor",
        recommended_on=HELD_ON,
        new_concern_6m=False,
        new_concern_12m=True,
        risk_change=-1.0,
        resilience_change=1.0,
    )
    before_the_second_round = effect_facts(
        db_session, HELD_ON, HELD_ON, as_of=HELD_ON + dt.timedelta(days=30)
    )
    assert {f.risk_change for f in before_the_second_round} == {None}
    # Nothing but an area, a measure, a date and numbers leaves the feed.
    assert {f.name for f in dataclasses.fields(EffectFact)} == {
        "area_id",
        "measure",
        "recommended_on",
        "new_concern_6m",
        "new_concern_12m",
        "risk_change",
        "resilience_change",
    }


def test_windows_not_yet_passed_and_missing_rounds_are_unknown(db_session):
    area, organisation = world(db_session)
    case = make_case(db_session, area_id=area.id, commit=False)
    recommend(db_session, case, organisation, HELD_ON, "mentor")
    later_concern(db_session, case, HELD_ON + dt.timedelta(days=10))
    answer_round(db_session, case, HELD_ON + dt.timedelta(days=60), risk="1", resilience="1")
    db_session.commit()

    (fact,) = effect_facts(db_session, HELD_ON, HELD_ON, as_of=HELD_ON + dt.timedelta(days=200))

    assert fact.new_concern_6m is True
    assert fact.new_concern_12m is None  # a year has not passed
    assert fact.risk_change is None and fact.resilience_change is None  # no round before


def test_recommendations_outside_the_window_and_cases_without_an_area_are_left_out(db_session):
    area, organisation = world(db_session)
    placed = make_case(db_session, area_id=area.id, commit=False)
    unplaced = make_case(db_session, commit=False)
    unplaced.area_id = None
    recommend(db_session, placed, organisation, HELD_ON - dt.timedelta(days=400), "mentor")
    recommend(db_session, unplaced, organisation, HELD_ON, "mentor")
    db_session.commit()

    assert effect_facts(db_session, HELD_ON - dt.timedelta(days=30), HELD_ON, as_of=HELD_ON) == []
    assert db_session.scalar(select(AssessmentRequest.id)) is None
