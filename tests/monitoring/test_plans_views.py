"""A board member writes an action plan in the browser and follows its goals."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.audit.actor import Actor
from app.audit.models import AuditEvent
from app.auth.roles import Role
from app.monitoring import plan_goals, plans
from app.monitoring.models import ActionPlan, BoardMembership
from app.monitoring.plan_goals import GoalInput
from app.monitoring.plans import PlanInput
from tests.factories import make_user
from tests.monitoring.factories import make_area, make_district, make_release
from tests.support import TestClient, login

UNITS = [
    {"code": "ALL", "name": "Kommunen", "level": "municipality"},
    {"code": "D1", "name": "Nord", "level": "district", "youth_population": 2000},
    {
        "code": "A1",
        "name": "Tarup",
        "level": "area",
        "member_codes": '["A1"]',
        "youth_population": 400,
    },
]


def english(client) -> None:
    assert client.submit("/language", {"locale": "en", "next": "/"}, page="/").status_code == 302


def setup(db_session):
    nord = make_district(db_session, "D1", "Nord")
    syd = make_district(db_session, "D2", "Syd")
    make_area(db_session, nord, "A1", "Tarup")
    make_area(db_session, syd, "B1", "Dalum")
    board = make_user(db_session, Role.BOARD)
    db_session.add(BoardMembership(user_id=board.id, district_id=nord.id))
    db_session.commit()
    return nord, syd, board


def plan_form(district_id, **changes):
    return {
        "district_id": str(district_id),
        "title": "Tryg i Tarup",
        "first_year": "2026",
        "last_year": "2027",
        "description": "Fokus på Tarup.",
        "focus_areas": ["A1"],
        **changes,
    }


def test_a_board_member_writes_a_plan_and_adds_a_goal_with_a_baseline_from_a_release(
    client, db_session
):
    nord, syd, board = setup(db_session)
    base = make_release(
        db_session,
        "2026-Q1",
        units=UNITS,
        cells=[{"measure": "concerns", "unit_code": "A1", "value": 20, "status": "shown"}],
    )
    make_release(
        db_session,
        "2026-Q2",
        units=UNITS,
        cells=[{"measure": "concerns", "unit_code": "A1", "value": None, "status": "primary"}],
    )
    make_release(
        db_session,
        "2026-Q3",
        units=UNITS,
        cells=[{"measure": "concerns", "unit_code": "A1", "value": 12, "status": "shown"}],
    )
    db_session.commit()
    login(client, db_session, board)
    english(client)

    page = client.get("/monitoring/plans/new").get_data(as_text=True)
    assert ">Nord</option>" in page and ">Syd</option>" not in page  # only their district
    refused = client.submit("/monitoring/plans/new", plan_form(nord.id, last_year="2029"))
    assert refused.status_code == 422
    assert "An action plan covers two years: the last year is 2027." in refused.get_data(
        as_text=True
    )
    assert db_session.scalar(select(ActionPlan.id)) is None

    saved = client.submit("/monitoring/plans/new", plan_form(nord.id))
    assert saved.status_code == 303
    plan_path = saved.headers["Location"]
    plan_id = int(plan_path.rsplit("/", 1)[1])

    goal = client.submit(
        f"/monitoring/plans/{plan_id}/goals/new",
        {
            "version": "1",
            "text": "Færre bekymringer i Tarup",
            "metric": "concerns",
            "indicator_key": "",
            "category": "",
            "unit_code": "A1",
            "baseline_release_id": str(base.id),
            "baseline": "",
            "target": "15",
            "direction": "down",
        },
    )
    assert goal.status_code == 303
    html = client.get(plan_path).get_data(as_text=True)
    assert "Tryg i Tarup" in html and "2026–2027" in html and "Tarup" in html
    assert re.search(r'data-testid="baseline">20 \(2026-Q1\)<', html)
    rows = re.findall(r'<th scope="row">(.*?)</th>\s*<td data-testid="value">(.*?)</td>', html)
    assert rows == [("2026-Q2", "&lt;5"), ("2026-Q3", "12")]
    assert 'data-testid="status-unknown">Not published<' in html
    assert 'data-testid="status-reached">Target reached<' in html
    actions = db_session.scalars(select(AuditEvent.action)).all()
    assert "plan.create" in actions and "plan_goal.create" in actions


def test_a_suppressed_baseline_is_left_empty_and_said_so(client, db_session):
    nord, _syd, board = setup(db_session)
    release = make_release(
        db_session,
        "2026-Q1",
        units=UNITS,
        cells=[{"measure": "concerns", "unit_code": "A1", "value": None, "status": "primary"}],
    )
    plan = plans.create_plan(
        db_session,
        Actor(board.id, role=Role.BOARD),
        PlanInput(nord.id, "Plan", 2026, 2027, "", ("A1",)),
    )
    db_session.commit()
    login(client, db_session, board)
    english(client)
    response = client.submit(
        f"/monitoring/plans/{plan.id}/goals/new",
        {
            "version": "1",
            "text": "Færre",
            "metric": "concerns",
            "unit_code": "A1",
            "baseline_release_id": str(release.id),
            "target": "3",
            "direction": "down",
        },
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "is not published" in html and "the goal has no baseline" in html
    assert re.search(r'data-testid="baseline">– \(2026-Q1\)<', html)


def test_a_stale_save_shows_both_inputs_and_saves_nothing(client, db_session):
    nord, _syd, board = setup(db_session)
    coordinator = Actor(make_user(db_session).id, role=Role.COORDINATOR)
    plan = plans.create_plan(
        db_session, coordinator, PlanInput(nord.id, "Første titel", 2026, 2027, "", ())
    )
    db_session.commit()
    login(client, db_session, board)
    english(client)
    form = client.get(f"/monitoring/plans/{plan.id}/edit").get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in form or 'value="1"' in form
    plans.update_plan(
        db_session,
        coordinator,
        plan,
        1,
        PlanInput(nord.id, "Koordinatorens titel", 2026, 2027, "", ()),
    )
    db_session.commit()

    response = client.submit(
        f"/monitoring/plans/{plan.id}/edit",
        {**plan_form(nord.id, title="Min titel"), "version": "1"},
        page=f"/monitoring/plans/{plan.id}",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert 'data-testid="conflict"' in html
    assert 'data-testid="mine-title">Min titel<' in html
    assert 'data-testid="current-title">Koordinatorens titel<' in html
    db_session.expire_all()
    assert db_session.get(ActionPlan, plan.id).title == "Koordinatorens titel"
    assert db_session.scalar(
        select(AuditEvent.outcome).where(
            AuditEvent.action == "plan.update", AuditEvent.outcome == "failed"
        )
    )


def test_other_districts_plans_are_not_found_and_goals_are_removed_with_the_version(
    client, db_session
):
    nord, syd, board = setup(db_session)
    coordinator = Actor(make_user(db_session).id, role=Role.COORDINATOR)
    other = plans.create_plan(db_session, coordinator, PlanInput(syd.id, "Syd", 2026, 2027, "", ()))
    own = plans.create_plan(db_session, coordinator, PlanInput(nord.id, "Nord", 2026, 2027, "", ()))
    goal, _found = plan_goals.add_goal(
        db_session,
        coordinator,
        own,
        1,
        GoalInput("Færre", "concerns_rate", None, None, "D1", 10.0, 8.0, "down"),
    )
    db_session.commit()
    login(client, db_session, board)
    english(client)

    listing = client.get("/monitoring/plans/").get_data(as_text=True)
    assert f'data-testid="plan-{own.id}"' in listing
    assert f'data-testid="plan-{other.id}"' not in listing
    assert client.get(f"/monitoring/plans/{other.id}").status_code == 404
    assert client.get(f"/monitoring/plans/{other.id}/edit").status_code == 404

    stale = client.submit(
        f"/monitoring/plans/{own.id}/goals/{goal.id}/remove",
        {"version": "1"},
        page=f"/monitoring/plans/{own.id}",
        follow_redirects=True,
    )
    assert "nothing was removed" in stale.get_data(as_text=True)
    removed = client.submit(
        f"/monitoring/plans/{own.id}/goals/{goal.id}/remove",
        {"version": "2"},
        page=f"/monitoring/plans/{own.id}",
        follow_redirects=True,
    )
    assert 'data-testid="no-goals"' in removed.get_data(as_text=True)


def test_a_committee_member_has_no_plans(app, db_session):
    client = TestClient(app, app.response_class)
    login(client, db_session, make_user(db_session, Role.COMMITTEE))
    assert client.get("/monitoring/plans/").status_code == 403


def test_a_goal_keeps_its_area_in_the_plan_and_a_stale_goal_edit_shows_both_inputs(
    client, db_session
):
    nord, _syd, board = setup(db_session)
    coordinator = Actor(make_user(db_session).id, role=Role.COORDINATOR)
    plan = plans.create_plan(
        db_session, coordinator, PlanInput(nord.id, "Nord", 2026, 2027, "", ("A1",))
    )
    goal, _found = plan_goals.add_goal(
        db_session,
        coordinator,
        plan,
        1,
        GoalInput("Færre i Tarup", "concerns", None, None, "A1", 20.0, 15.0, "down"),
    )
    db_session.commit()
    login(client, db_session, board)
    english(client)

    refused = client.submit(
        f"/monitoring/plans/{plan.id}/edit", {**plan_form(nord.id, focus_areas=[]), "version": "2"}
    )
    assert refused.status_code == 422
    assert "follows A1; change or remove that goal first" in refused.get_data(as_text=True)

    page = client.get(f"/monitoring/plans/{plan.id}/goals/{goal.id}/edit").get_data(as_text=True)
    assert "Færre i Tarup" in page and 'value="20"' in page
    plans.update_plan(
        db_session, coordinator, plan, 2, PlanInput(nord.id, "Nord 2", 2026, 2027, "", ("A1",))
    )
    db_session.commit()
    response = client.submit(
        f"/monitoring/plans/{plan.id}/goals/{goal.id}/edit",
        {
            "version": "2",
            "text": "Min formulering",
            "metric": "concerns",
            "unit_code": "A1",
            "baseline": "20",
            "target": "12",
            "direction": "down",
        },
        page=f"/monitoring/plans/{plan.id}",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert 'data-testid="mine-text">Min formulering<' in html
    assert 'data-testid="current-text">Færre i Tarup<' in html
    assert 'data-testid="current-target">15.0<' in html
