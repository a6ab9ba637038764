"""POST /api/v1/cases/{id}/assessment-requests and GET /api/v1/cases/{id}/assessments."""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from sqlalchemy import select

from app.assessments import answering
from app.assessments.models import AssessmentRequest
from app.audit.models import AuditEvent
from app.auth.roles import Role
from app.mail.models import OutboxMessage
from tests.assessments.helpers import (
    ask,
    complete_answers,
    invitation_of,
    submit_answers,
    teacher,
)
from tests.factories import make_case, make_user
from tests.web.helpers import api_token_for

ASSESSORS = [
    {
        "name": "Lærer Ene",
        "email": "ene@skole.example",
        "setting": "Tarup Skole, 7.b",
        "setting_kind": "school",
    },
    {
        "name": "Klubmedarbejder To",
        "email": "to@klub.example",
        "setting": "Klub Vollsmose",
        "setting_kind": "club",
    },
]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def document(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def conforms(document, path: str, method: str, response) -> None:
    document[path][method].validate_response(response)


def test_the_coordinator_asks_two_assessors_and_gets_no_link_back(
    app, client, db_session, document
):
    coordinator = make_user(db_session, Role.COORDINATOR)
    case = make_case(db_session)
    token = api_token_for(db_session, coordinator)
    due = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    response = client.post(
        f"/api/v1/cases/{case.id}/assessment-requests",
        json={"question": "Hvordan går det i skolen?", "due_on": due, "assessors": ASSESSORS},
        headers=bearer(token),
    )
    assert response.status_code == 201, response.get_json()
    conforms(document, "/cases/{case_id}/assessment-requests", "POST", response)
    items = response.get_json()["items"]
    assert [(i["round"], i["status"], i["due_on"]) for i in items] == [(1, "open", due)] * 2
    assert [i["assessor"]["setting_kind"] for i in items] == ["school", "club"]
    text = response.get_data(as_text=True)
    assert "/i/" not in text and "inv_" not in text and "token" not in text
    db_session.rollback()
    mails = db_session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [m.recipient for m in mails] == ["ene@skole.example", "to@klub.example"]
    audited = db_session.scalars(
        select(AuditEvent.object_id).where(
            AuditEvent.action == "assessment.request", AuditEvent.user_id == coordinator.id
        )
    ).all()
    assert sorted(audited) == sorted(str(i["id"]) for i in items)


def test_the_due_date_defaults_to_seven_days(app, client, db_session):
    token = api_token_for(db_session, make_user(db_session, Role.COORDINATOR))
    case = make_case(db_session)
    response = client.post(
        f"/api/v1/cases/{case.id}/assessment-requests",
        json={"question": "Hvordan?", "assessors": ASSESSORS[:1]},
        headers=bearer(token),
    )
    assert response.status_code == 201
    expected = dt.date.today() + dt.timedelta(days=7)
    assert response.get_json()["items"][0]["due_on"] == expected.isoformat()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (None, "body"),
        ({"assessors": ASSESSORS}, "question"),
        ({"question": "Hvordan?", "assessors": []}, "assessors"),
        ({"question": "Hvordan?", "assessors": ["x"]}, "assessors[0]"),
        ({"question": "Hvordan?", "due_on": "i morgen", "assessors": ASSESSORS}, "due_on"),
        ({"question": "Hvordan?", "due_on": "2001-01-01", "assessors": ASSESSORS}, "due_on"),
        (
            {"question": "Hvordan?", "assessors": [ASSESSORS[0], {**ASSESSORS[1], "email": "nej"}]},
            "assessors[1].email",
        ),
        (
            {"question": "Hvordan?", "assessors": [{**ASSESSORS[0], "setting_kind": "bar"}]},
            "assessors[0].setting_kind",
        ),
        (
            {"question": "Hvordan?", "assessors": [{"user_id": 99999, "setting": "Skole"}]},
            "assessors[0].user_id",
        ),
        ({"question": "   ", "assessors": ASSESSORS}, "question"),
    ],
)
def test_invalid_bodies_get_422_with_the_field_and_change_nothing(
    app, client, db_session, document, body, field
):
    token = api_token_for(db_session, make_user(db_session, Role.COORDINATOR))
    case = make_case(db_session)
    kwargs = {"json": body} if body is not None else {"data": "not json"}
    response = client.post(
        f"/api/v1/cases/{case.id}/assessment-requests", headers=bearer(token), **kwargs
    )
    assert response.status_code == 422
    conforms(document, "/cases/{case_id}/assessment-requests", "POST", response)
    assert field in response.get_json()["fields"], response.get_json()
    db_session.rollback()
    assert db_session.scalars(select(AssessmentRequest)).all() == []
    assert db_session.scalars(select(OutboxMessage)).all() == []


def test_a_user_as_assessor_and_a_closed_case(app, client, db_session):
    token = api_token_for(db_session, make_user(db_session, Role.COORDINATOR))
    colleague = make_user(db_session, Role.ASSESSOR, full_name="Lærke Lærer")
    case = make_case(db_session)
    response = client.post(
        f"/api/v1/cases/{case.id}/assessment-requests",
        json={
            "question": "Hvordan?",
            "assessors": [{"user_id": colleague.id, "setting": "Rosengårdskolen"}],
        },
        headers=bearer(token),
    )
    assert response.status_code == 201
    assert response.get_json()["items"][0]["assessor"]["user_id"] == colleague.id
    assert response.get_json()["items"][0]["assessor"]["name"] == "Lærke Lærer"
    closed = make_case(db_session, status="closed")
    response = client.post(
        f"/api/v1/cases/{closed.id}/assessment-requests",
        json={"question": "Hvordan?", "assessors": ASSESSORS},
        headers=bearer(token),
    )
    assert response.status_code == 422 and "assessors" in response.get_json()["fields"]


def test_who_may_ask_and_an_unknown_case(app, client, db_session):
    case = make_case(db_session)
    coordinator = api_token_for(db_session, make_user(db_session, Role.COORDINATOR))
    body = {"question": "Hvordan?", "assessors": ASSESSORS}
    response = client.post(
        "/api/v1/cases/99999/assessment-requests", json=body, headers=bearer(coordinator)
    )
    assert response.status_code == 404
    for role in (Role.COMMITTEE, Role.ASSESSOR, Role.ADMIN):
        token = api_token_for(db_session, make_user(db_session, role))
        response = client.post(
            f"/api/v1/cases/{case.id}/assessment-requests", json=body, headers=bearer(token)
        )
        assert response.status_code == 403, role
    db_session.rollback()
    assert db_session.scalars(select(AssessmentRequest)).all() == []


def _answered_case(db_session):
    """A case with one submitted, one declined and one open request."""
    case = make_case(db_session)
    answered, declined, waiting = ask(db_session, case, teacher(1), teacher(2), teacher(3))
    submit_answers(
        db_session,
        answered,
        overrides={
            "R2-answer": "dont_know",
            "R2-unknown_reason": "no_insight",
            "worry": "4",
            "worry_reason": "Fravær.",
        },
    )
    answering.decline(
        db_session,
        answering_actor(),
        invitation_of(db_session, declined),
        "not_my_setting",
        "https://localhost/cases/1",
    )
    db_session.commit()
    return case, answered, declined, waiting


def answering_actor():
    from tests.assessments.helpers import SYSTEM

    return SYSTEM


def test_the_list_shows_statuses_and_the_answers_by_domain_key(app, client, db_session, document):
    case, answered, declined, waiting = _answered_case(db_session)
    coordinator = make_user(db_session, Role.COORDINATOR)
    token = api_token_for(db_session, coordinator)
    response = client.get(f"/api/v1/cases/{case.id}/assessments", headers=bearer(token))
    assert response.status_code == 200
    conforms(document, "/cases/{case_id}/assessments", "GET", response)
    body = response.get_json()
    assert body["case_id"] == case.id
    by_id = {item["id"]: item for item in body["items"]}
    assert by_id[waiting.request.id]["status"] == "open"
    assert by_id[waiting.request.id]["assessment"] is None
    assert by_id[declined.request.id]["status"] == "declined"
    assert by_id[declined.request.id]["decline_reason"] == "not_my_setting"
    assessment = by_id[answered.request.id]["assessment"]
    assert by_id[answered.request.id]["status"] == "submitted"
    assert assessment["instrument_version"] == 1 and assessment["version"] == 1
    assert assessment["coverage"] == {"known": 13, "total": 14}
    assert assessment["domains"]["R1"] == {
        "state": "1",
        "rating": 1,
        "unknown_reason": None,
        "source": "own_observation",
        "confidence": "medium",
        "evidence": "Iagttaget 3/11 (R1).",
    }
    assert assessment["domains"]["R2"]["state"] == "dont_know"
    assert assessment["domains"]["R2"]["rating"] is None
    assert (assessment["worry"], assessment["worry_reason"]) == (4, "Fravær.")
    assert "score" not in response.get_data(as_text=True)
    db_session.rollback()
    rows = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "assessment.list")
    ).all()
    assert [(r.user_id, r.object_type, r.object_id) for r in rows] == [
        (coordinator.id, "case", str(case.id))
    ]


def test_a_committee_member_outside_the_assignment_needs_a_purpose(app, client, db_session):
    case, *_ = _answered_case(db_session)
    member = make_user(db_session, Role.COMMITTEE)
    token = api_token_for(db_session, member)
    path = f"/api/v1/cases/{case.id}/assessments"
    assert client.get(path, headers=bearer(token)).status_code == 428
    response = client.get(
        path, headers={**bearer(token), "Tidlig-Purpose": "Forberedelse%20af%20m%C3%B8de"}
    )
    assert response.status_code == 200 and len(response.get_json()["items"]) == 3
    db_session.rollback()
    row = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "assessment.list"))
    assert row.user_id == member.id and row.purpose == "Forberedelse af møde"
    for role in (Role.ASSESSOR, Role.BOARD, Role.AUDITOR, Role.ADMIN):
        other = api_token_for(db_session, make_user(db_session, role))
        assert client.get(path, headers=bearer(other)).status_code == 403, role


def test_a_correction_is_listed_as_the_latest_version(app, client, db_session):
    from app.assessments.models import Assessment

    case, answered, *_ = _answered_case(db_session)
    first = db_session.scalar(
        select(Assessment).where(Assessment.request_id == answered.request.id)
    )
    document = complete_answers(db_session, risk="2")
    from app.assessments import content

    correction = Assessment(
        request_id=answered.request.id,
        version=2,
        status="submitted",
        instrument_version_id=first.instrument_version_id,
        content=content.dumps(
            content.from_form(answering.request_instrument(db_session, answered.request), document)
        ),
        submitted_at=dt.datetime.now(dt.UTC),
    )
    db_session.add(correction)
    db_session.commit()
    token = api_token_for(db_session, make_user(db_session, Role.COORDINATOR))
    body = client.get(f"/api/v1/cases/{case.id}/assessments", headers=bearer(token)).get_json()
    listed = next(i for i in body["items"] if i["id"] == answered.request.id)["assessment"]
    assert listed["version"] == 2 and listed["domains"]["R1"]["rating"] == 2
