"""Shared pieces for the web-layer battery: roles, extra clients, log capture, secrets."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select
from werkzeug.routing import AnyConverter

from app.audit.actor import Actor
from app.auth.accounts import RESET, issue_link_token
from app.auth.api_tokens import create_api_token
from app.auth.models import ApiToken, User
from app.auth.roles import Role
from app.auth.sessions import start_session
from app.core.logging import SafeFormatter
from tests.factories import make_case, make_organisation, make_user
from tests.support import TestClient

ROLES = [role.value for role in Role]
TEST_ACTOR = Actor.system("tests")

# Every API token secret created by tests in this package; test_zz_debug_log.py greps the
# suite-wide debug log for them at the end.
CREATED_SECRETS: list[str] = []


def remember_secret(secret: str) -> str:
    CREATED_SECRETS.append(secret)
    return secret


def new_client(app, *, ip: str = "192.0.2.10", user_agent: str | None = None) -> TestClient:
    """Another browser (own cookie jar) talking to the same app, from its own address."""
    app.test_client_class = TestClient
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    if user_agent is not None:
        client.environ_base["HTTP_USER_AGENT"] = user_agent
    return client


def api_token_for(db_session, user, name: str = "tests") -> str:
    raw = create_api_token(db_session, TEST_ACTOR, user, name)
    db_session.commit()
    return remember_secret(raw)


def is_login_redirect(response) -> bool:
    location = urlsplit(response.headers.get("Location", ""))
    return response.status_code == 302 and location.path == "/login"


def redirect_target(response) -> str:
    """The Location as a browser on https://localhost resolves it: path?query, or the full URL."""
    location = response.headers["Location"]
    parts = urlsplit(location)
    if parts.scheme in ("", "https") and parts.netloc in ("", "localhost"):
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return location


class LineCollector(logging.Handler):
    """Formats records exactly as the app's own handler does (SafeFormatter) and keeps them."""

    def __init__(self, formatter: logging.Formatter) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(formatter)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def events(self, name: str) -> list[str]:
        return [line for line in self.lines if f"event={name} " in line]


def app_formatter() -> logging.Formatter:
    for handler in logging.getLogger("tidlig").handlers:
        if isinstance(handler.formatter, SafeFormatter):
            return handler.formatter
    raise AssertionError("the app did not install its SafeFormatter on the 'tidlig' logger")


@contextmanager
def captured_logs(*names: str) -> Iterator[LineCollector]:
    """What the named loggers write while the block runs, as formatted production lines.

    The suite runs with `-p no:logging`, so this stands in for caplog.
    """
    collector = LineCollector(app_formatter())
    loggers = [logging.getLogger(name) for name in (names or ("tidlig",))]
    previous = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(collector)
        logger.setLevel(min(logger.level or logging.DEBUG, logging.INFO))
    try:
        yield collector
    finally:
        for logger, level in zip(loggers, previous, strict=True):
            logger.removeHandler(collector)
            logger.setLevel(level)


@dataclass
class World:
    """Rows that make every URL of the app resolvable for one acting user."""

    user: User | None
    victim: User
    link_token: str
    session_id: int
    api_token_id: int
    api_token: str | None
    case_id: int | None = None
    meeting_id: int | None = None
    item_id: int | None = None
    recommendation_id: int | None = None
    action_id: int | None = None
    person_id: int | None = None
    # An open assessment request's link, and another request that has been answered.
    invitation_token: str | None = None
    request_id: int | None = None
    # Area monitoring: a published release, a district with an area, a plan and its goal,
    # an indicator, a classification rule, a board membership.
    release_id: int | None = None
    district_id: int | None = None
    area_id: int | None = None
    plan_id: int | None = None
    goal_id: int | None = None
    indicator_id: int | None = None
    rule_id: int | None = None
    membership_id: int | None = None


def build_meeting_world(db_session, organisation, case) -> dict:
    """A planned meeting (every committee member invited) with the case on its agenda and a
    recommendation whose action the world's organisation owns."""
    import datetime as dt

    from app.meetings import agenda
    from app.meetings.models import Action, ActionType, Recommendation

    meeting = agenda.plan_meeting(db_session, TEST_ACTOR, today=dt.date.today())
    item = agenda.add_case(db_session, TEST_ACTOR, meeting, case.id)
    recommendation = Recommendation(case_id=case.id, meeting_id=meeting.id, text="Mentor.")
    db_session.add(recommendation)
    db_session.flush()
    action = Action(
        recommendation_id=recommendation.id, case_id=case.id,
        action_type_id=db_session.scalar(select(ActionType.id).limit(1)),
        owner_organisation_id=organisation.id, deadline=dt.date.today(), status="open",
    )
    db_session.add(action)
    db_session.commit()
    return dict(meeting_id=meeting.id, item_id=item.id, recommendation_id=recommendation.id,
                action_id=action.id, person_id=case.person_id)


def build_assessment_world(db_session, case) -> dict:
    from tests.assessments.helpers import ask, submit_answers, teacher, token_of

    waiting, answered = ask(db_session, case, teacher(1), teacher(2))
    submit_answers(db_session, answered)
    db_session.commit()
    return dict(invitation_token=token_of(waiting), request_id=answered.request.id)


def build_monitoring_world(db_session, user) -> dict:
    from app.monitoring.models import (
        ActionPlan,
        BoardMembership,
        ClassificationRule,
        IndicatorDefinition,
        IndicatorValue,
        PlanGoal,
    )
    from tests.monitoring.factories import make_area, make_district, make_release

    district = make_district(db_session, code="DW", name="Verdensdistrikt")
    area = make_area(db_session, district, "W1", "Verdensområde")
    release = make_release(
        db_session, "2026-Q3",
        units=[{"code": "ALL", "name": "Kommunen", "level": "municipality"},
               {"code": "DW", "name": district.name, "level": "district", "parent_code": "ALL"},
               {"code": "W1", "name": area.name, "level": "area", "parent_code": "DW",
                "member_codes": '["W1"]', "youth_population": 1000,
                "geometry": area.geometry}],
        cells=[{"measure": "concerns", "unit_code": code, "value": 12, "status": "shown"}
               for code in ("ALL", "DW", "W1")],
    )
    plan = ActionPlan(district_id=district.id, title="Handleplan 2027-2028", first_year=2027,
                      last_year=2028, created_by_id=user.id if user else None)
    db_session.add(plan)
    db_session.flush()
    goal = PlanGoal(plan_id=plan.id, text="Færre bekymringer", metric="concerns_rate",
                    target=5.0, direction="down")
    indicator = IndicatorDefinition(key="school_absence", name_da="Skolefravær",
                                    name_en="School absence", unit="share")
    rule = ClassificationRule(class_key="risk_area", label_da="Risikoområde",
                              label_en="Risk area", conditions="[]", min_conditions=1)
    membership = BoardMembership(user_id=(user.id if user else None) or 1,
                                 district_id=district.id)
    db_session.add_all([goal, indicator, rule, membership])
    db_session.flush()
    db_session.add(IndicatorValue(indicator_id=indicator.id, area_id=area.id, period="2026",
                                  value=0.12, denominator=400))
    db_session.commit()
    return dict(release_id=release.id, district_id=district.id, area_id=area.id,
                plan_id=plan.id, goal_id=goal.id, indicator_id=indicator.id, rule_id=rule.id,
                membership_id=membership.id)


def build_world(db_session, role: str | None) -> World:
    organisation = make_organisation(db_session)
    user = make_user(db_session, role, organisation=organisation) if role else None
    victim = make_user(db_session, Role.COORDINATOR, organisation=organisation)
    link_holder = make_user(db_session, Role.ASSESSOR, organisation=organisation)
    owner = user or victim
    other_session, _raw = start_session(db_session, owner, ip="192.0.2.99",
                                        user_agent="matrix", mfa_passed=True)
    link_token = issue_link_token(db_session, TEST_ACTOR, link_holder, RESET, 24)
    db_session.commit()
    api_token = api_token_for(db_session, owner, "matrix")
    token_id = db_session.scalar(select(ApiToken.id).where(ApiToken.user_id == owner.id))
    case = make_case(db_session)
    meeting_rows = build_meeting_world(db_session, organisation, case)
    assessment_rows = build_assessment_world(db_session, case)
    monitoring_rows = build_monitoring_world(db_session, owner)
    return World(user, victim, link_token, other_session.id, token_id,
                 api_token if user else None, case_id=case.id, **meeting_rows,
                 **assessment_rows, **monitoring_rows)


@cache
def first_static_file(folder: str) -> str:
    """Listing static/ takes ~10 ms; a walk asked for it once per route (~200 times)."""
    static_files = sorted(p for p in Path(folder).rglob("*") if p.is_file())
    return static_files[0].relative_to(folder).as_posix()


def parameter_values(app, rule, world: World) -> list[dict]:
    """Every combination of values for the rule's URL parameters (all choices of `any`)."""
    fillers = {
        "filename": [first_static_file(app.static_folder)],
        "token": [world.link_token],
        "session_id": [world.session_id],
        "token_id": [world.api_token_id],
        "user_id": [world.victim.id],
        "case_id": [world.case_id],
        "meeting_id": [world.meeting_id],
        "item_id": [world.item_id],
        "recommendation_id": [world.recommendation_id],
        "action_id": [world.action_id],
        "person_id": [world.person_id],
        "invitation": [world.invitation_token],
        "request_id": [world.request_id],
        "release_id": [world.release_id],
        "district_id": [world.district_id],
        "area_id": [world.area_id],
        "plan_id": [world.plan_id],
        "goal_id": [world.goal_id],
        "indicator_id": [world.indicator_id],
        "rule_id": [world.rule_id],
        "membership_id": [world.membership_id],
        "unit_code": ["W1"],
    }
    choices = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, AnyConverter):
            choices[name] = sorted(converter.items)
        elif name in fillers:
            choices[name] = fillers[name]
        else:
            raise AssertionError(
                f"{rule.rule}: no test value for URL parameter {name!r}; "
                "add one to parameter_values()"
            )
    names = sorted(choices)
    combos = itertools.product(*(choices[n] for n in names))
    return [dict(zip(names, combo, strict=True)) for combo in combos]


def walk(app, world: World):
    """(rule, method, path) for every route, method and parameter choice; logout comes last."""
    adapter = app.url_map.bind("localhost", url_scheme="https")
    steps = []
    for rule in app.url_map.iter_rules():
        for values in parameter_values(app, rule, world):
            path = adapter.build(rule.endpoint, values)
            for method in sorted(rule.methods or ()):
                steps.append((rule, method, path))
    steps.sort(key=lambda step: step[0].endpoint == "auth.logout")
    return steps


def send(client, method: str, path: str, *, csrf: str | None, token: str | None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = {"csrf_token": csrf} if method == "POST" and csrf else None
    response = client.open(path, method=method, data=data, headers=headers)
    response.get_data()
    response.close()  # static files are streamed from an open file
    return response
