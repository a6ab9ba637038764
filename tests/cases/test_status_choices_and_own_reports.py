"""The status form offers only the next steps; a reporter's list costs the same at any length."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from app.cases.case_forms import StatusForm
from app.cases.concerns import my_reports, report_concern
from app.cases.workflow import ALLOWED, Status
from tests.cases.helpers import actor_for, concern_input, make_area, new_person
from tests.factories import make_case, make_user


@pytest.fixture
def app_settings(app_settings):
    return {**app_settings, "BABEL_DEFAULT_LOCALE": "en"}


def offered(app, case) -> list[str]:
    with app.test_request_context():
        html = str(StatusForm.for_case(case).status())
    return re.findall(r'<option (?:selected )?value="([^"]*)"', html)


@pytest.mark.parametrize("status", [s for s in Status if s != Status.CLOSED])
def test_the_status_form_offers_a_placeholder_then_only_the_allowed_next_steps(
    app, db_session, status
):
    case = make_case(db_session, status=status.value)
    values = offered(app, case)
    assert values[0] == ""  # "Choose the new status", chosen until the user picks
    assert set(values[1:]) == {s.value for s in ALLOWED[status]}
    assert status.value not in values[1:]


def test_a_closed_case_is_offered_no_status(app, db_session):
    assert offered(app, make_case(db_session, status=Status.CLOSED.value)) == [""]


def test_the_placeholder_is_chosen_and_submitting_it_changes_nothing(app, db_session):
    case = make_case(db_session)
    with app.test_request_context():
        html = str(StatusForm.for_case(case).status())
    assert '<option selected value="">Choose the new status</option>' in html


def count_selects(session, call) -> int:
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", seen)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return len(statements)


def test_my_reports_loads_categories_in_one_query_however_many_reports(db_session):
    teacher = make_user(db_session, "assessor")
    area = make_area(db_session)
    actor = actor_for(teacher)

    def report(number: int) -> None:
        data = concern_input(
            area.id,
            categories=["violence", "weapons"],
            new_persons=[new_person(first=f"Barn{number}", cpr=None)],
        )
        report_concern(db_session, actor, data)

    report(0)
    db_session.commit()
    with_one = count_selects(db_session, lambda: my_reports(db_session, actor))
    db_session.rollback()
    for number in range(1, 7):
        report(number)
    db_session.commit()
    db_session.expire_all()
    reports: list = []
    with_seven = count_selects(db_session, lambda: reports.extend(my_reports(db_session, actor)))
    assert len(reports) == 7
    assert {key for r in reports for key in r.category_keys} == {"violence", "weapons"}
    assert with_seven == with_one
