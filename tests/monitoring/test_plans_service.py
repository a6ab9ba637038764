"""Action plans and goals as services: scope, two-year rule, versions, baselines, progress."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.actor import Actor
from app.audit.models import AuditEvent
from app.auth.roles import Role
from app.core.errors import DomainError
from app.monitoring import plan_goals, plans
from app.monitoring.models import ActionPlan, BoardMembership, IndicatorDefinition, IndicatorValue
from app.monitoring.plan_goals import GoalInput
from app.monitoring.plan_progress import plan_progress
from app.monitoring.plans import PlanInput
from tests.factories import make_user
from tests.monitoring.factories import make_area, make_district, make_release


def units(*codes):
    rows = [{"code": "ALL", "name": "Kommunen", "level": "municipality"}]
    for code in codes:
        level = "district" if code.startswith("D") else "area"
        members, population = ("[]", 2000) if level == "district" else (f'["{code}"]', 400)
        rows.append(
            dict(
                code=code, name=code, level=level, member_codes=members, youth_population=population
            )
        )
    return rows


def concerns(unit, value, status="shown", rate=None, category="*"):
    value = value if status == "shown" else None
    return dict(
        measure="concerns", unit_code=unit, category=category, value=value, status=status, rate=rate
    )


@pytest.fixture
def world(db_session):
    nord = make_district(db_session, "D1", "Nord")
    syd = make_district(db_session, "D2", "Syd")
    tarup = make_area(db_session, nord, "A1", "Tarup")
    make_area(db_session, nord, "A2", "Pårup")
    make_area(db_session, syd, "B1", "Dalum")
    board = make_user(db_session, Role.BOARD)
    db_session.add(BoardMembership(user_id=board.id, district_id=nord.id))
    db_session.commit()
    actor = Actor(user_id=board.id, role=Role.BOARD)
    return {
        "nord": nord,
        "syd": syd,
        "tarup": tarup,
        "board": actor,
        "coordinator": Actor(user_id=make_user(db_session).id, role=Role.COORDINATOR),
    }


def plan_input(district, **changes):
    values = dict(
        district_id=district.id,
        title="Handleplan 2027-28",
        first_year=2027,
        last_year=2028,
        description="Tryghed i Tarup.",
        focus_areas=("A1",),
    )
    return PlanInput(**{**values, **changes})


def goal_input(**changes):
    values = dict(
        text="Færre bekymringer",
        metric="concerns_rate",
        indicator_key=None,
        category=None,
        unit_code="D1",
        baseline=None,
        target=8.0,
        direction="down",
    )
    return GoalInput(**{**values, **changes})


def test_a_board_member_writes_plans_only_for_their_districts_and_for_two_years(db_session, world):
    board = world["board"]
    with pytest.raises(DomainError) as refused:
        plans.create_plan(db_session, board, plan_input(world["syd"]))
    assert refused.value.field == "district_id"
    with pytest.raises(DomainError) as refused:
        plans.create_plan(db_session, board, plan_input(world["nord"], district_id=None))
    assert refused.value.field == "district_id"
    with pytest.raises(DomainError) as refused:
        plans.create_plan(db_session, board, plan_input(world["nord"], last_year=2029))
    assert refused.value.field == "last_year"
    with pytest.raises(DomainError) as refused:
        plans.create_plan(db_session, board, plan_input(world["nord"], focus_areas=("B1",)))
    assert refused.value.field == "focus_areas"

    plan = plans.create_plan(db_session, board, plan_input(world["nord"]))
    db_session.commit()
    assert plans.focus_codes(plan) == ["A1"]
    assert db_session.scalar(
        select(AuditEvent.object_id).where(AuditEvent.action == "plan.create")
    ) == str(plan.id)


def test_plans_are_listed_by_district_scope(db_session, world):
    coordinator = world["coordinator"]
    own = plans.create_plan(db_session, coordinator, plan_input(world["nord"], title="Nord"))
    other = plans.create_plan(
        db_session, coordinator, plan_input(world["syd"], title="Syd", focus_areas=())
    )
    whole = plans.create_plan(
        db_session, coordinator, plan_input(world["nord"], title="Alle", district_id=None)
    )
    db_session.commit()
    assert set(plans.visible_plans(db_session, world["board"])) == {own, whole}
    assert set(plans.visible_plans(db_session, coordinator)) == {own, other, whole}
    with pytest.raises(plans.PlanNotFound):
        plans.plan_or_not_found(db_session, world["board"], other.id)
    assert not plans.may_edit(db_session, world["board"], whole)  # the municipality's plan


def test_a_stale_save_is_refused_and_changes_nothing(db_session, world):
    plan = plans.create_plan(db_session, world["board"], plan_input(world["nord"]))
    db_session.commit()
    plans.update_plan(
        db_session, world["coordinator"], plan, 1, plan_input(world["nord"], title="Ny titel")
    )
    db_session.commit()
    assert plan.version == 2

    with pytest.raises(plans.PlanConflict):
        plans.update_plan(
            db_session, world["board"], plan, 1, plan_input(world["nord"], title="Min titel")
        )
    db_session.rollback()
    assert db_session.get(ActionPlan, plan.id).title == "Ny titel"
    with pytest.raises(plans.PlanConflict):
        plan_goals.add_goal(db_session, world["board"], plan, 1, goal_input())
    db_session.rollback()
    assert db_session.get(ActionPlan, plan.id).goals == []


def test_a_baseline_from_a_release_is_its_published_value_or_empty_when_suppressed(
    db_session, world
):
    plan = plans.create_plan(db_session, world["board"], plan_input(world["nord"]))
    release = make_release(
        db_session,
        "2026-H1",
        units=units("D1", "A1"),
        cells=[
            concerns("D1", 30, rate=15.0),
            concerns("A1", None, status="primary"),
            concerns("D1", 12, category="violence"),
        ],
    )
    goal, found = plan_goals.add_goal(
        db_session, world["board"], plan, 1, goal_input(baseline_release_id=release.id)
    )
    assert (goal.baseline, goal.baseline_period, found.suppressed) == (15.0, "2026-H1", False)

    small, found = plan_goals.add_goal(
        db_session,
        world["board"],
        plan,
        2,
        goal_input(metric="concerns", unit_code="A1", baseline_release_id=release.id),
    )
    assert small.baseline is None and found.suppressed

    category, _found = plan_goals.add_goal(
        db_session,
        world["board"],
        plan,
        3,
        goal_input(category="violence", baseline_release_id=release.id),
    )
    assert category.baseline == 6.0  # 12 per 2,000 young people, per 1,000

    with pytest.raises(DomainError) as refused:
        plan_goals.add_goal(db_session, world["board"], plan, 4, goal_input(unit_code="B1"))
    assert refused.value.field == "unit_code"
    with pytest.raises(DomainError) as refused:
        plan_goals.add_goal(
            db_session,
            world["board"],
            plan,
            4,
            goal_input(baseline=3.0, baseline_release_id=release.id),
        )
    assert refused.value.field == "baseline"


def test_progress_shows_each_later_release_without_a_number_below_k(app, db_session, world):
    plan = plans.create_plan(db_session, world["board"], plan_input(world["nord"]))
    base = make_release(db_session, "2026-Q1", units=units("D1", "A1"), cells=[concerns("A1", 20)])
    plan_goals.add_goal(
        db_session,
        world["board"],
        plan,
        1,
        goal_input(metric="concerns", unit_code="A1", target=10, baseline_release_id=base.id),
    )
    make_release(db_session, "2026-Q2", units=units("D1", "A1"), cells=[concerns("A1", 15)])
    make_release(
        db_session,
        "2026-Q3",
        units=units("D1", "A1"),
        cells=[concerns("A1", None, status="primary")],
    )
    make_release(
        db_session,
        "2026-Q4",
        units=units("D1", "A1"),
        cells=[concerns("A1", None, status="secondary")],
    )
    make_release(db_session, "2027-Q1", units=units("D1", "A1"), cells=[concerns("A1", 9)])
    make_release(db_session, "2026-H2", units=units("D1", "A1"), cells=[concerns("A1", 40)])
    make_release(db_session, "2025-Q4", units=units("D1", "A1"), cells=[concerns("A1", 50)])
    db_session.commit()

    with app.test_request_context():
        (progress,) = plan_progress(db_session, plan, "en")
    rows = [(r.release_label, r.figure.text, r.status) for r in progress.rows]
    assert rows == [
        ("2026-Q2", "15", "improving"),
        ("2026-Q3", "<5", "unknown"),
        ("2026-Q4", "–", "unknown"),
        ("2027-Q1", "9", "reached"),
    ]
    assert progress.baseline == "20 (2026-Q1)"


def test_an_indicator_goal_shows_each_member_area_and_hides_small_denominators(
    app, db_session, world
):
    indicator = IndicatorDefinition(key="absence", name_da="Fravær", name_en="Absence")
    db_session.add(indicator)
    db_session.flush()
    tarup_value = IndicatorValue(
        indicator_id=indicator.id,
        area_id=world["tarup"].id,
        period="2026",
        value=0.12,
        denominator=300,
    )
    parup = db_session.scalar(select(plans.Area).where(plans.Area.code == "A2"))
    small = IndicatorValue(
        indicator_id=indicator.id, area_id=parup.id, period="2026-Q3", value=0.5, denominator=2
    )
    db_session.add_all([tarup_value, small])
    plan = plans.create_plan(
        db_session, world["board"], plan_input(world["nord"], first_year=2026, last_year=2027)
    )  # a typed baseline: from 2026 on
    plan_goals.add_goal(
        db_session,
        world["board"],
        plan,
        1,
        goal_input(metric="indicator", indicator_key="absence", baseline=0.15, target=0.1),
    )
    make_release(
        db_session,
        "2026-Q3",
        units=[
            {"code": "ALL", "name": "Kommunen", "level": "municipality"},
            {"code": "D1", "name": "Nord", "level": "district", "member_codes": '["A1", "A2"]'},
        ],
    )
    db_session.commit()

    with app.test_request_context():
        (progress,) = plan_progress(db_session, plan, "en")
    rows = [(r.release_label, r.figure.text, r.status) for r in progress.rows]
    assert rows == [("2026-Q3: Pårup", "–", "unknown"), ("2026-Q3: Tarup", "0,12", "improving")]
    assert progress.measure == "Absence"


def test_removing_a_goal_is_audited_and_needs_the_current_version(db_session, world):
    plan = plans.create_plan(db_session, world["board"], plan_input(world["nord"]))
    goal, _found = plan_goals.add_goal(db_session, world["board"], plan, 1, goal_input())
    db_session.commit()
    with pytest.raises(plans.PlanConflict):
        plan_goals.remove_goal(db_session, world["board"], goal, 1)
    db_session.rollback()
    plan_goals.remove_goal(db_session, world["board"], goal, 2)
    db_session.commit()
    assert db_session.get(ActionPlan, plan.id).goals == []
    assert db_session.scalar(
        select(AuditEvent.action).where(AuditEvent.action == "plan_goal.delete")
    )
