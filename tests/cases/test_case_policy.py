"""Who may open which case: the policy without HTTP, then IDOR attempts through the app."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth.roles import Role
from app.cases import policy
from app.cases.models import Case
from app.cases.policy import (
    CaseDenied,
    CaseNotFound,
    PurposeRequired,
    check_case_access,
    visible_cases,
)
from tests.cases.case_helpers import actor_for, audit_rows, details
from tests.factories import make_case, make_person, make_user
from tests.support import fresh, login
from tests.web.helpers import api_token_for, new_client

NON_CASE_ROLES = [Role.ADMIN, Role.BOARD, Role.AUDITOR, Role.ASSESSOR]
PURPOSE = "Forberedelse af mødet om skolens uro"


def visible_ids(session, actor) -> set[int]:
    return set(session.scalars(visible_cases(actor).with_only_columns(Case.id)))


def test_the_coordinator_sees_every_case_and_others_see_none_by_assignment(db_session):
    cases = [make_case(db_session, person=make_person(db_session, first_name=f"P{n}"))
             for n in range(3)]
    coordinator = make_user(db_session, Role.COORDINATOR)
    assert visible_ids(db_session, actor_for(coordinator)) == {c.id for c in cases}
    for role in [Role.COMMITTEE, *NON_CASE_ROLES]:
        assert visible_ids(db_session, actor_for(make_user(db_session, role))) == set()


def test_an_assignment_rule_plugs_in_for_committee_members(db_session, monkeypatch):
    assigned, other = (make_case(db_session, person=make_person(db_session, first_name=n))
                       for n in ("Asta", "Bo"))
    member = make_user(db_session, Role.COMMITTEE)
    monkeypatch.setattr(policy, "ASSIGNMENT_RULES", [lambda actor: Case.id == assigned.id])
    actor = actor_for(member)
    assert visible_ids(db_session, actor) == {assigned.id}
    access = check_case_access(db_session, actor, assigned.id)
    assert not access.outside_assignment and access.purpose is None
    with pytest.raises(PurposeRequired):
        check_case_access(db_session, actor, other.id)
    # The rule never widens other roles' view.
    assert visible_ids(db_session, actor_for(make_user(db_session, Role.BOARD))) == set()


def test_committee_outside_assignment_needs_a_purpose_of_ten_characters(db_session):
    case = make_case(db_session)
    actor = actor_for(make_user(db_session, Role.COMMITTEE))
    for purpose in (None, "", "   kort   ", "x" * 9):
        with pytest.raises(PurposeRequired):
            check_case_access(db_session, actor, case.id, purpose)
    access = check_case_access(db_session, actor, case.id, "  " + PURPOSE + " ")
    assert access.outside_assignment and access.purpose == PURPOSE


@pytest.mark.parametrize("role", NON_CASE_ROLES)
def test_roles_without_case_access_are_denied_even_with_a_purpose(db_session, role):
    case = make_case(db_session)
    actor = actor_for(make_user(db_session, role))
    with pytest.raises(CaseDenied):
        check_case_access(db_session, actor, case.id, PURPOSE)
    with pytest.raises(CaseDenied):
        check_case_access(db_session, actor, case.id + 999, PURPOSE)


def test_unknown_ids_are_not_found(db_session):
    actor = actor_for(make_user(db_session, Role.COORDINATOR))
    with pytest.raises(CaseNotFound):
        check_case_access(db_session, actor, 987654)


# --- through the app ------------------------------------------------------------------------

def test_committee_gets_the_purpose_form_then_the_case_for_that_request_only(
        app, client, db_session):
    case = make_case(db_session, person=make_person(db_session, first_name="Frederikke"))
    member = make_user(db_session, Role.COMMITTEE)
    login(client, db_session, member)

    page = client.get(f"/cases/{case.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Frederikke" not in html
    assert f'action="/cases/{case.id}/purpose"' in html
    denied = audit_rows(db_session, "case.view", case.id)
    assert [(e.outcome, details(e)) for e in denied] == [
        ("denied", {"reason": "purpose_required"})]

    short = client.submit(f"/cases/{case.id}/purpose", {"purpose": "fordi"},
                          page=f"/cases/{case.id}")
    assert short.status_code == 200 and "Frederikke" not in short.get_data(as_text=True)

    shown = client.submit(f"/cases/{case.id}/purpose", {"purpose": PURPOSE},
                          page=f"/cases/{case.id}")
    assert shown.status_code == 200 and "Frederikke" in shown.get_data(as_text=True)
    ok = [e for e in audit_rows(db_session, "case.view", case.id) if e.outcome == "ok"]
    assert len(ok) == 1
    assert ok[0].purpose == PURPOSE and details(ok[0]) == {"outside_assignment": True}
    assert ok[0].user_id == member.id and ok[0].organisation_id == member.organisation_id

    again = client.get(f"/cases/{case.id}")
    assert "Frederikke" not in again.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.BOARD, Role.ASSESSOR, Role.ADMIN, Role.AUDITOR])
def test_other_roles_cannot_reach_a_case_by_url_form_or_api(app, client, db_session, role):
    case = make_case(db_session, person=make_person(db_session, first_name="Valdemar"))
    user = make_user(db_session, role)
    login(client, db_session, user)
    attempts = [
        client.get(f"/cases/{case.id}"),
        client.get(f"/cases/{case.id}/edit"),
        client.get("/cases"),
        client.submit(f"/cases/{case.id}/purpose", {"purpose": PURPOSE}, page="/account/"),
        client.submit(f"/cases/{case.id}/edit", {"version": "1", "parents_view": "x"},
                      page="/account/"),
        client.submit(f"/cases/{case.id}/status", {"version": "1", "status": "closed",
                                                  "reason": "moved_away"}, page="/account/"),
    ]
    for response in attempts:
        assert response.status_code == 403
        assert "Valdemar" not in response.get_data(as_text=True)
    token = api_token_for(db_session, user)
    api = new_client(app, ip="192.0.2.77")
    for path, purpose in ((f"/api/v1/cases/{case.id}", None), ("/api/v1/cases", None),
                          (f"/api/v1/cases/{case.id}", "Forberedelse%20af%20m%C3%B8de")):
        headers = {"Authorization": f"Bearer {token}"}
        if purpose:
            headers["Tidlig-Purpose"] = purpose
        response = api.get(path, headers=headers)
        assert response.status_code == 403 and "Valdemar" not in response.get_data(as_text=True)
    db_session.rollback()
    denials = audit_rows(db_session, "access.denied")
    assert len([e for e in denials if e.user_id == user.id]) >= 9
    assert fresh(db_session, Case, case.id).status == "new"
    assert not [e for e in audit_rows(db_session, "case.view") if e.outcome == "ok"]


def test_committee_cannot_edit_or_move_a_case_through_forms(app, client, db_session):
    case = make_case(db_session)
    member = make_user(db_session, Role.COMMITTEE)
    login(client, db_session, member)
    edit = client.submit(f"/cases/{case.id}/edit", {"version": str(case.version),
                                                    "parents_view": "Overskrevet"},
                         page="/account/")
    status = client.submit(f"/cases/{case.id}/status",
                           {"version": str(case.version), "status": "closed",
                            "reason": "moved_away"}, page="/account/")
    assert edit.status_code == 403 and status.status_code == 403
    current = fresh(db_session, Case, case.id)
    assert current.status == "new" and current.parents_view is None


def test_unknown_case_ids_give_404_to_case_roles(app, client, db_session):
    login(client, db_session, make_user(db_session, Role.COMMITTEE))
    assert client.get("/cases/987654").status_code == 404
    assert client.submit("/cases/987654/purpose", {"purpose": PURPOSE},
                         page="/cases").status_code == 404


def test_the_auditor_lists_access_outside_assignment(app, client, db_session):
    case = make_case(db_session)
    member = make_user(db_session, Role.COMMITTEE)
    login(client, db_session, member)
    client.submit(f"/cases/{case.id}/purpose", {"purpose": PURPOSE}, page=f"/cases/{case.id}")
    coordinator = make_user(db_session, Role.COORDINATOR)
    other = new_client(app, ip="192.0.2.31")
    login(other, db_session, coordinator)
    other.get(f"/cases/{case.id}")

    auditor = make_user(db_session, Role.AUDITOR)
    audit_client = new_client(app, ip="192.0.2.32")
    login(audit_client, db_session, auditor)
    page = audit_client.get("/audit/?outside_assignment=y")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert PURPOSE in html and member.email in html
    assert coordinator.email not in html
    everything = audit_client.get("/audit/?action=case.view").get_data(as_text=True)
    assert coordinator.email in everything
    db_session.rollback()
    assert db_session.scalar(select(Case.status).where(Case.id == case.id)) == "new"
