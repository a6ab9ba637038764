"""The coordinator asks for assessments from the case page: the form, its refusals, and the
buttons that withdraw, resend and repeat. CSRF is on; the case is loaded through its policy."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.assessments import answering
from app.assessments.models import AssessmentRequest
from app.auth.roles import Role
from app.mail.models import OutboxMessage
from tests.assessments.helpers import SYSTEM, ask, invitation_of, submit_answers
from tests.assessments.profile_helpers import answered, teacher
from tests.factories import make_case, make_user
from tests.support import login


@pytest.fixture
def app_settings(app_settings):
    return {**app_settings, "BABEL_DEFAULT_LOCALE": "en"}


@pytest.fixture
def coordinator(client, db_session):
    user = make_user(db_session, Role.COORDINATOR)
    login(client, db_session, user)
    return user


def requests_count(db_session) -> int:
    db_session.rollback()
    return db_session.scalar(select(func.count()).select_from(AssessmentRequest))


def row(n: int, **values) -> dict:
    fields = {"user_id": "", "name": "", "email": "", "setting": "", "setting_kind": "school"}
    fields.update(values)
    return {f"assessors-{n}-{key}": value for key, value in fields.items()}


def form_data(**overrides) -> dict:
    data = {
        "question": "Hvordan trives Emil i klassen og i klubben?",
        "due_on": (dt.date.today() + dt.timedelta(days=7)).isoformat(),
        **row(0, name="Lærer Hansen", email="hansen@skole.example", setting="Tarup Skole, 7.b"),
        **row(1),
        **row(2),
        **row(3),
    }
    data.update(overrides)
    return data


def test_the_form_suggests_a_due_date_a_week_ahead(client, db_session, coordinator):
    case = make_case(db_session)
    html = client.get(f"/cases/{case.id}/assessments/request").get_data(as_text=True)
    week = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    assert f'value="{week}"' in html
    assert html.count('data-testid="assessor-row"') == 4


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"assessors-0-email": "hansen-at-skole"}, "Write a valid e-mail address."),
        ({"question": "   "}, "Write the question."),
        (
            {"due_on": (dt.date.today() - dt.timedelta(days=1)).isoformat()},
            "The due date must be after today and within 60 days.",
        ),
        (
            {"assessors-0-name": "", "assessors-0-email": "", "assessors-0-setting": ""},
            "Name at least one assessor.",
        ),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_saved(
    client, db_session, coordinator, overrides, message
):
    case = make_case(db_session)
    url = f"/cases/{case.id}/assessments/request"
    response = client.submit(url, form_data(**overrides))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert requests_count(db_session) == 0
    assert db_session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_assessors_are_asked_by_name_or_as_users(client, db_session, coordinator):
    case = make_case(db_session)
    colleague = make_user(db_session, Role.ASSESSOR, full_name="Klubmedarbejder Ole")
    data = form_data(**row(2, user_id=str(colleague.id), setting="Klubben", setting_kind="club"))
    response = client.submit(f"/cases/{case.id}/assessments/request", data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/cases/{case.id}#assessments")
    db_session.rollback()
    asked = db_session.scalars(select(AssessmentRequest).order_by(AssessmentRequest.id)).all()
    assert [(r.assessor_name, r.setting_kind, r.assessor_user_id) for r in asked] == [
        ("Lærer Hansen", "school", None),
        ("Klubmedarbejder Ole", "club", colleague.id),
    ]
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert html.count('data-testid="request-row"') == 2 and "Assessments requested" in html


def test_withdraw_and_resend_an_open_request_but_not_an_answered_one(
    client, db_session, coordinator
):
    case = make_case(db_session)
    waiting, done = ask(db_session, case, teacher(1), teacher(2))
    submit_answers(db_session, done)
    db_session.commit()
    base = f"/cases/{case.id}/assessments"

    assert (
        client.submit(f"{base}/{waiting.request.id}/resend", page=f"/cases/{case.id}").status_code
        == 303
    )
    refused = client.submit(f"{base}/{done.request.id}/revoke", page=f"/cases/{case.id}")
    assert refused.status_code == 303
    page = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "The request is no longer open." in page
    assert (
        client.submit(f"{base}/{waiting.request.id}/revoke", page=f"/cases/{case.id}").status_code
        == 303
    )
    db_session.rollback()
    statuses = dict(
        db_session.execute(select(AssessmentRequest.id, AssessmentRequest.status)).all()
    )
    assert statuses == {waiting.request.id: "revoked", done.request.id: "submitted"}
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'data-status="revoked"' in html and "Withdrawn" in html


def test_a_request_of_another_case_is_not_found(client, db_session, coordinator):
    case, other = make_case(db_session), make_case(db_session)
    (issued,) = answered(db_session, other, (teacher(1), {}))
    db_session.commit()
    rid = issued.request.id
    assert client.get(f"/cases/{case.id}/assessments/{rid}").status_code == 404
    assert client.get(f"/cases/{case.id}/assessments/{rid}/correct").status_code == 404
    page = f"/cases/{case.id}"
    assert client.submit(f"/cases/{case.id}/assessments/{rid}/revoke", page=page).status_code == 404
    assert client.get(f"/cases/{other.id}/assessments/{rid}").status_code == 200


def test_repeat_asks_the_same_assessors_again_in_a_new_round(client, db_session, coordinator):
    case = make_case(db_session)
    page = f"/cases/{case.id}"
    refused = client.submit(f"/cases/{case.id}/assessments/repeat", page=page)
    assert refused.status_code == 303  # nothing to repeat yet: said in words, not a 404
    assert "There is no earlier round to repeat." in client.get(page).get_data(as_text=True)

    answered(db_session, case, (teacher(1), {}), (teacher(2), {}))
    (declining,) = ask(db_session, case, teacher(3))
    declining.request.round = 1  # asked in the same round, and said no
    db_session.flush()
    answering.decline(
        db_session, SYSTEM, invitation_of(db_session, declining), "not_my_setting", "https://x/"
    )
    db_session.commit()
    html = client.get(page).get_data(as_text=True)
    assert 'data-testid="repeat-round"' in html
    assert "Declined: Not their setting" in html

    response = client.submit(f"/cases/{case.id}/assessments/repeat", page=page)
    assert response.status_code == 303
    db_session.rollback()
    again = db_session.scalars(select(AssessmentRequest).where(AssessmentRequest.round == 2)).all()
    assert [r.assessor_email for r in again] == ["laerer1@skole.example", "laerer2@skole.example"]
    assert {r.due_on for r in again} == {dt.date.today() + dt.timedelta(days=7)}
    assert {r.question for r in again} == {"Hvordan har Emil det i skolen?"}
