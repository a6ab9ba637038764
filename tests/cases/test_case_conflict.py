"""Optimistic locking on the case form, and status changes that are refused with a message."""

from __future__ import annotations

import datetime as dt

import pytest

from app.auth.roles import Role
from app.cases import case_services
from app.cases.models import Case
from app.core.errors import DomainError
from tests.cases.case_helpers import actor_for, audit_rows, details, in_english
from tests.factories import make_case, make_user
from tests.support import extract_csrf, fresh, login
from tests.web.helpers import new_client

CHANGES = dict(assigned_to_id=None, next_review_on=None, parents_informed=None,
               parents_view=None, young_person_informed=None, young_person_view=None)


def form_data(page_html: str, **values) -> dict:
    version = page_html.split('name="version"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    data = {"csrf_token": extract_csrf(page_html), "version": version, "assigned_to_id": "",
            "next_review_on": "", "parents_informed": "", "parents_view": "",
            "young_person_informed": "", "young_person_view": ""}
    data.update(values)
    return data


def test_a_stale_version_is_a_conflict_and_saves_nothing(db_session):
    case = make_case(db_session)
    actor = actor_for(make_user(db_session, Role.COORDINATOR))
    seen = case.version
    case_services.update_case(db_session, actor, case, seen,
                              {**CHANGES, "parents_view": "Første"})
    db_session.commit()
    with pytest.raises(case_services.EditConflict):
        case_services.update_case(db_session, actor, case, seen,
                                  {**CHANGES, "parents_view": "Anden"})
    db_session.rollback()
    assert fresh(db_session, Case, case.id).parents_view == "Første"


def test_two_sessions_save_the_same_version_and_the_second_sees_both_inputs(
        app, client, db_session):
    case = make_case(db_session)
    first_user = make_user(db_session, Role.COORDINATOR, full_name="Første Koordinator")
    second_user = make_user(db_session, Role.COORDINATOR, full_name="Anden Koordinator")
    second = new_client(app, ip="192.0.2.51")
    login(client, db_session, first_user)
    login(second, db_session, second_user)
    first_form = client.get(f"/cases/{case.id}/edit").get_data(as_text=True)
    second_form = second.get(f"/cases/{case.id}/edit").get_data(as_text=True)
    version = case.version

    saved = client.post(f"/cases/{case.id}/edit", data=form_data(
        first_form, parents_informed="yes", parents_view="Forældrene er enige i planen.",
        next_review_on="2026-12-14"))
    assert saved.status_code == 302
    conflict = second.post(f"/cases/{case.id}/edit", data=form_data(
        second_form, parents_informed="no", parents_view="Far ønsker ikke at deltage.",
        young_person_view="Drengen vil gerne gå i klub.", assigned_to_id=str(second_user.id)))
    html = conflict.get_data(as_text=True)
    assert conflict.status_code == 409
    assert 'data-testid="conflict"' in html
    # Both inputs side by side: theirs (saved) and mine (not saved, still on the page).
    assert "Forældrene er enige i planen." in html.split('data-testid="current-parents_view"')[1]
    assert "Far ønsker ikke at deltage." in html.split('data-testid="mine-parents_view"')[1]
    assert html.count("Drengen vil gerne gå i klub.") >= 2  # table and the form to resend
    assert "Anden Koordinator" in html.split('data-testid="mine-assigned_to_id"')[1]

    current = fresh(db_session, Case, case.id)
    assert current.parents_view == "Forældrene er enige i planen."
    assert current.parents_informed is True and current.young_person_view is None
    assert current.next_review_on == dt.date(2026, 12, 14)
    assert current.version == version + 1
    failed = [e for e in audit_rows(db_session, "case.update", case.id) if e.outcome == "failed"]
    assert [details(e) for e in failed] == [{"reason": "conflict"}]

    # Saving again from the conflict page is a deliberate overwrite on the new version.
    resend = second.post(f"/cases/{case.id}/edit", data=form_data(
        html, parents_informed="no", parents_view="Far ønsker ikke at deltage."))
    assert resend.status_code == 302
    assert fresh(db_session, Case, case.id).parents_view == "Far ønsker ikke at deltage."


def test_a_tampered_version_is_a_conflict_too(app, client, db_session):
    case = make_case(db_session)
    login(client, db_session, make_user(db_session, Role.COORDINATOR))
    page = client.get(f"/cases/{case.id}/edit").get_data(as_text=True)
    for version in ("abc", "0", str(case.version + 5)):
        response = client.post(f"/cases/{case.id}/edit",
                               data=form_data(page, version=version, parents_view="Ny"))
        assert response.status_code == 409
    assert fresh(db_session, Case, case.id).parents_view is None


def test_an_assignee_must_be_an_active_coordinator(app, client, db_session):
    case = make_case(db_session)
    coordinator = make_user(db_session, Role.COORDINATOR)
    login(client, db_session, coordinator)
    in_english(client)
    page = client.get(f"/cases/{case.id}/edit").get_data(as_text=True)
    board = make_user(db_session, Role.BOARD)
    response = client.post(f"/cases/{case.id}/edit",
                           data=form_data(page, assigned_to_id=str(board.id)))
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    with pytest.raises(DomainError):
        case_services.update_case(db_session, actor_for(coordinator), case, case.version,
                                  {**CHANGES, "assigned_to_id": board.id})
    db_session.rollback()
    assert fresh(db_session, Case, case.id).assigned_to_id is None


def status_post(client, case, **values):
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    version = page.split('name="version"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    return client.post(f"/cases/{case.id}/status", data={
        "csrf_token": extract_csrf(page), "version": version, "reason": "", **values,
    }, follow_redirects=True)


def test_a_transition_that_is_not_allowed_gives_a_message_and_changes_nothing(
        app, client, db_session):
    case = make_case(db_session)
    login(client, db_session, make_user(db_session, Role.COORDINATOR))
    in_english(client)
    response = status_post(client, case, status="in_follow_up")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "A case cannot go from" in html and "In follow-up" in html
    assert fresh(db_session, Case, case.id).status == "new"
    assert not audit_rows(db_session, "case.transition", case.id)


def test_closing_without_a_reason_is_refused_and_with_one_it_closes(app, client, db_session):
    case = make_case(db_session)
    login(client, db_session, make_user(db_session, Role.COORDINATOR))
    in_english(client)
    html = status_post(client, case, status="closed").get_data(as_text=True)
    assert "Choose why the case is closed." in html
    assert fresh(db_session, Case, case.id).status == "new"
    html = status_post(client, case, status="closed", reason="moved_away").get_data(as_text=True)
    current = fresh(db_session, Case, case.id)
    assert (current.status, current.closed_reason) == ("closed", "moved_away")
    assert "Closed" in html


def test_a_status_change_from_a_stale_page_is_refused(db_session):
    case = make_case(db_session)
    actor = actor_for(make_user(db_session, Role.COORDINATOR))
    with pytest.raises(DomainError):
        case_services.change_status(db_session, actor, case, case.version - 1,
                                    "ready_for_review")
    with pytest.raises(DomainError):
        case_services.change_status(db_session, actor, case, case.version, "bogus")
    case_services.change_status(db_session, actor, case, case.version, "ready_for_review")
    assert case.status == "ready_for_review"
