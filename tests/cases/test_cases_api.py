"""GET /api/v1/cases and /api/v1/cases/{id}: same policy, same audit, never a CPR."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest

from app.auth.roles import Role
from tests.cases.case_helpers import audit_rows, details, group_concern, new_person
from tests.factories import make_case, make_person, make_user
from tests.web.helpers import api_token_for, new_client

CPR = "170411-1235"
PURPOSE = "Forberedelse af mødet om skolens uro"


@pytest.fixture
def api(app):
    return new_client(app, ip="192.0.2.61")


def get(api, token, path, purpose=None):
    headers = {"Authorization": f"Bearer {token}"}
    if purpose is not None:
        headers["Tidlig-Purpose"] = quote(purpose)
    return api.get(path, headers=headers)


def test_the_list_is_filtered_paginated_and_has_no_cpr(app, api, db_session):
    person = make_person(db_session, first_name="Johanne", cpr=CPR, commit=False)
    make_case(db_session, person=person, status="in_follow_up")
    make_case(db_session, person=make_person(db_session, first_name="Viggo"))
    token = api_token_for(db_session, make_user(db_session, Role.COORDINATOR))
    body = get(api, token, "/api/v1/cases").get_json()
    assert body["total"] == 2 and body["page"] == 1 and body["per_page"] == 50
    assert {item["name"].split()[0] for item in body["items"]} == {"Johanne", "Viggo"}
    filtered = get(api, token, "/api/v1/cases?status=in_follow_up&overdue=false").get_json()
    assert [item["name"] for item in filtered["items"]] == ["Johanne Jensen"]
    raw = get(api, token, "/api/v1/cases").get_data(as_text=True)
    assert CPR not in raw and CPR.replace("-", "") not in raw and "cpr" not in raw
    rows = audit_rows(db_session, "case.list")
    assert rows and all(r.user_id is not None for r in rows)


@pytest.mark.parametrize("query", ["status=bogus", "area_id=x", "page=0", "overdue=maybe",
                                   "age_band=7", "category_id=-3", "inactive=soon",
                                   "over_age=25"])
def test_bad_filters_are_400(app, api, db_session, query):
    token = api_token_for(db_session, make_user(db_session, Role.COORDINATOR))
    response = get(api, token, f"/api/v1/cases?{query}")
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_filter"


def test_the_prompts_are_filters_of_the_api_too(app, api, db_session):
    """privacy.md 14: open cases without activity for 12 months, and young people of 25."""
    from sqlalchemy import update

    from app.cases.models import CaseEvent

    quiet = make_case(db_session, person=make_person(db_session, first_name="Sigvald"))
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=400)
    db_session.execute(
        update(CaseEvent).where(CaseEvent.case_id == quiet.id).values(occurred_at=long_ago)
    )
    grown_up = make_person(db_session, first_name="Valborg", commit=False)
    grown_up.birth_date = dt.date(dt.date.today().year - 25, 1, 1)
    grown_up.birth_year = grown_up.birth_date.year
    make_case(db_session, person=grown_up)
    token = api_token_for(db_session, make_user(db_session, Role.COORDINATOR))
    inactive = get(api, token, "/api/v1/cases?inactive=true").get_json()
    assert [item["name"].split()[0] for item in inactive["items"]] == ["Sigvald"]
    over_age = get(api, token, "/api/v1/cases?over_age=1").get_json()
    assert [item["name"].split()[0] for item in over_age["items"]] == ["Valborg"]
    documented = api.get("/api/v1/openapi.json").get_json()["paths"]["/cases"]["get"]
    assert {"inactive", "over_age"} <= {p["name"] for p in documented["parameters"]}


def test_one_case_without_cpr_and_audited(app, api, db_session):
    person = make_person(db_session, first_name="Johanne", cpr=CPR, commit=False)
    case = make_case(db_session, person=person, narrative="Kastede sten mod en bus.")
    token = api_token_for(db_session, make_user(db_session, Role.COORDINATOR))
    response = get(api, token, f"/api/v1/cases/{case.id}")
    body = response.get_json()
    assert response.status_code == 200
    assert body["name"] == "Johanne Jensen" and body["version"] == case.version
    assert body["concerns"][0]["narrative"] == "Kastede sten mod en bus."
    assert body["concerns"][0]["categories"] == ["violence"]
    raw = response.get_data(as_text=True)
    assert CPR not in raw and CPR.replace("-", "") not in raw and "cpr" not in raw
    assert body["age"] == dt.date.today().year - 2011 - (
        (dt.date.today().month, dt.date.today().day) < (4, 17))
    [row] = audit_rows(db_session, "case.view", case.id)
    assert row.outcome == "ok"
    assert get(api, token, "/api/v1/cases/987654").status_code == 404


def test_committee_tokens_need_a_purpose_outside_their_assignment(app, api, db_session):
    case = make_case(db_session, person=make_person(db_session, first_name="Johanne"))
    member = make_user(db_session, Role.COMMITTEE)
    token = api_token_for(db_session, member)
    assert get(api, token, "/api/v1/cases").get_json()["items"] == []
    refused = get(api, token, f"/api/v1/cases/{case.id}")
    assert refused.status_code == 428 and "Johanne" not in refused.get_data(as_text=True)
    assert get(api, token, f"/api/v1/cases/{case.id}", purpose="kort").status_code == 428
    # In the URL it counts for nothing: URLs end up in access logs.
    assert get(api, token, f"/api/v1/cases/{case.id}?purpose={PURPOSE}").status_code == 428
    allowed = get(api, token, f"/api/v1/cases/{case.id}", purpose=PURPOSE)
    assert allowed.status_code == 200 and allowed.get_json()["name"] == "Johanne Jensen"
    rows = audit_rows(db_session, "case.view", case.id)
    assert [(r.outcome, details(r)) for r in rows] == [
        ("denied", {"reason": "purpose_required"}),
        ("denied", {"reason": "purpose_required"}),
        ("denied", {"reason": "purpose_required"}),
        ("ok", {"outside_assignment": True}),
    ]
    assert rows[-1].purpose == PURPOSE


def test_a_group_concern_in_the_api_hides_the_peers(app, api, db_session):
    anna = new_person(db_session, "Annabella", "Skovgaard")
    peer = new_person(db_session, "Bertram", "Fjeldsted")
    _concern, (case, peer_case) = group_concern(db_session, [anna, peer])
    token = api_token_for(db_session, make_user(db_session, Role.COORDINATOR))
    raw = get(api, token, f"/api/v1/cases/{case.id}").get_data(as_text=True)
    assert "Annabella" in raw and '"group_concern":true' in raw.replace(" ", "")
    assert "Bertram" not in raw and "Fjeldsted" not in raw
    assert f'"id":{peer_case.id}' not in raw.replace(" ", "")


def test_the_openapi_document_describes_both_operations(app, api):
    paths = api.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"get"} <= set(paths["/cases"]) and {"get"} <= set(paths["/cases/{case_id}"])
    names = {p["name"] for p in paths["/cases"]["get"]["parameters"]}
    assert {"status", "area_id", "district_id", "age_band", "category_id", "overdue", "mine",
            "page"} <= names


def test_committee_tokens_see_the_cases_their_meetings_and_actions_assign(app, api, db_session):
    """The API honours the meeting's assignment rules, and taking a member off a planned
    meeting ends their access with the next request (SB-3.4)."""
    from app.audit.actor import Actor
    from app.auth.roles import OrganisationType
    from app.meetings import agenda
    from tests.factories import make_organisation

    police = make_organisation(db_session, type=OrganisationType.POLICE)
    member = make_user(db_session, Role.COMMITTEE, organisation=police)
    on_agenda = make_case(db_session, person=make_person(db_session, first_name="Alma"),
                          status="ready_for_review")
    elsewhere = make_case(db_session, person=make_person(db_session, first_name="Viggo"))
    coordinator = Actor(user_id=None, role="coordinator")
    meeting = agenda.plan_meeting(db_session, coordinator, today=dt.date.today())
    db_session.commit()
    token = api_token_for(db_session, member)

    listed = get(api, token, "/api/v1/cases").get_json()
    assert [item["id"] for item in listed["items"]] == [on_agenda.id]
    assert get(api, token, f"/api/v1/cases/{on_agenda.id}").status_code == 200
    assert get(api, token, f"/api/v1/cases/{elsewhere.id}").status_code == 428

    agenda.remove_member(db_session, coordinator, meeting, member.id)
    db_session.commit()
    assert get(api, token, f"/api/v1/cases/{on_agenda.id}").status_code == 428
    assert get(api, token, "/api/v1/cases").get_json()["items"] == []
