"""Following up: overdue actions per organisation, and correcting a recommendation without
losing anybody's input when two people save at once."""

from __future__ import annotations

import datetime as dt

import pytest

from app.auth.roles import OrganisationType, Role
from app.meetings import agenda, recommendations, running
from app.meetings.models import Recommendation
from tests.cases.case_helpers import audit_rows, details
from tests.factories import make_case, make_organisation, make_person, make_user
from tests.meetings.helpers import action_input, actor_for, committee_member
from tests.meetings.mode_helpers import make_room
from tests.support import extract_csrf, fresh, login
from tests.web.helpers import new_client


@pytest.fixture
def app_settings(app_settings):
    return {**app_settings, "BABEL_DEFAULT_LOCALE": "en"}


def recorded(db_session, room):
    room.start(db_session)
    recommendation = recommendations.record_recommendation(
        db_session,
        room.actor,
        room.meeting,
        room.items[0],
        text="Mentor fra klubben.",
        next_review_on=room.meeting.held_on + dt.timedelta(days=28),
        actions=[action_input(db_session, room.school, held_on=room.meeting.held_on)],
    )
    db_session.commit()
    return recommendation


def edit_data(page: str, **values) -> dict:
    version = page.split('name="version"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    return {"csrf_token": extract_csrf(page), "version": version, **values}


def test_two_sessions_save_the_same_version_and_the_second_sees_both_inputs(app, db_session):
    room = make_room(db_session)
    recommendation = recorded(db_session, room)
    url = f"/actions/recommendations/{recommendation.id}/edit"
    first, second = new_client(app, ip="192.0.2.71"), new_client(app, ip="192.0.2.72")
    login(first, db_session, room.coordinator)
    login(second, db_session, make_user(db_session, Role.COORDINATOR, full_name="Anden"))
    first_page = first.get(url).get_data(as_text=True)
    second_page = second.get(url).get_data(as_text=True)
    assert "Mentor fra klubben." in first_page
    version = recommendation.version

    saved = first.post(
        url, data=edit_data(first_page, text="Mentor og skolemøde.", next_review_on="2026-12-16")
    )
    assert saved.status_code == 303
    assert saved.headers["Location"].endswith(room.run_url(f"/{room.items[0].id}"))
    conflict = second.post(
        url, data=edit_data(second_page, text="Kun politiets samtale.", next_review_on="2026-12-30")
    )
    html = conflict.get_data(as_text=True)
    assert conflict.status_code == 409 and 'data-testid="conflict"' in html
    assert "Mentor og skolemøde." in html.split('data-testid="current-text"')[1]
    assert "Kun politiets samtale." in html.split('data-testid="mine-text"')[1]
    assert html.count("Kun politiets samtale.") >= 2  # the table and the form to save again
    assert f'name="version" type="hidden" value="{version + 1}"' in html

    current = fresh(db_session, Recommendation, recommendation.id)
    assert (current.text, current.next_review_on) == ("Mentor og skolemøde.", dt.date(2026, 12, 16))
    assert current.version == version + 1
    failed = [
        e
        for e in audit_rows(db_session, "recommendation.update", room.cases[0].id)
        if e.outcome == "failed"
    ]
    assert [details(e) for e in failed] == [
        {"reason": "conflict", "recommendation": recommendation.id}
    ]

    # Saving again over the current values is a deliberate second step, and it works.
    again = second.post(
        url, data=edit_data(html, text="Kun politiets samtale.", next_review_on="2026-12-30")
    )
    assert again.status_code == 303
    assert fresh(db_session, Recommendation, recommendation.id).text == "Kun politiets samtale."


def test_editing_checks_the_input_and_is_for_the_coordinator_only(app, client, db_session):
    room = make_room(db_session)
    recommendation = recorded(db_session, room)
    url = f"/actions/recommendations/{recommendation.id}/edit"
    login(client, db_session, room.coordinator)
    page = client.get(url).get_data(as_text=True)
    [read] = [
        e for e in audit_rows(db_session, "case.view", room.cases[0].id) if e.purpose == "case edit"
    ]
    assert read.user_id == room.coordinator.id

    empty = client.post(url, data=edit_data(page, text="  ", next_review_on=""))
    assert empty.status_code == 422 and "Write the recommendation." in empty.get_data(as_text=True)
    too_early = client.post(
        url, data=edit_data(page, text="Ny tekst.", next_review_on=room.meeting.held_on.isoformat())
    )
    assert too_early.status_code == 422
    assert "Ny tekst." in too_early.get_data(as_text=True)
    assert fresh(db_session, Recommendation, recommendation.id).text == "Mentor fra klubben."
    assert client.get("/actions/recommendations/999999/edit").status_code == 404

    member = new_client(app, ip="192.0.2.73")
    login(member, db_session, room.member)
    assert member.get(url).status_code == 403
    response = member.post(url, data=edit_data(page, text="Hack."))
    assert response.status_code in (400, 403)
    assert fresh(db_session, Recommendation, recommendation.id).text == "Mentor fra klubben."


def test_overdue_actions_per_organisation_each_member_sees_their_own(app, client, db_session):
    coordinator = make_user(db_session, Role.COORDINATOR)
    police = make_organisation(db_session, name="Politiet", type=OrganisationType.POLICE)
    school = make_organisation(db_session, name="Skolen", type=OrganisationType.SCHOOL)
    club = make_organisation(db_session, name="Klubben", type=OrganisationType.CLUB)
    police_member = committee_member(db_session, police, full_name="Per Politi")
    person = make_person(db_session, first_name="Omar", last_name="Berg", commit=False)
    case = make_case(db_session, person=person, status="ready_for_review")
    actor = actor_for(coordinator)
    # A meeting early in the year, so its deadlines have passed by now.
    meeting = agenda.plan_meeting(db_session, actor, today=dt.date(2026, 1, 1))
    running.start_meeting(db_session, actor, meeting)
    held = meeting.held_on
    recommendation = recommendations.record_recommendation(
        db_session,
        actor,
        meeting,
        meeting.items[0],
        text="Tre handlinger.",
        next_review_on=None,
        actions=[
            action_input(db_session, police, "police_contact", days=7, held_on=held),
            action_input(db_session, school, "school_meeting", days=14, held_on=held),
            action_input(db_session, club, "leisure_referral", days=360, held_on=held),
        ],
    )
    db_session.commit()
    contact, school_meeting, _later = recommendation.actions
    today = dt.date.today()
    assert school_meeting.deadline < today < _later.deadline

    login(client, db_session, coordinator)
    html = client.get("/actions/overdue").get_data(as_text=True)
    sections = html.split('data-testid="overdue-organisation"')[1:]
    assert [s.split("<h2>")[1].split("</h2>")[0] for s in sections] == ["Politiet", "Skolen"]
    row = html.split(f'data-testid="overdue-action-{contact.id}"')[1].split("</tr>")[0]
    assert "Omar Berg" in row and "Police contact" in row and f"/cases/{case.id}" in row
    assert f">{(today - contact.deadline).days}<" in row
    assert f'data-testid="overdue-action-{_later.id}"' not in html
    assert '<a class="nav-link" href="/actions/overdue"' in html  # in the main menu

    member = new_client(app, ip="192.0.2.74")
    login(member, db_session, police_member)
    mine = member.get("/actions/overdue").get_data(as_text=True)
    assert f'data-testid="overdue-action-{contact.id}"' in mine
    assert f'data-testid="overdue-action-{school_meeting.id}"' not in mine
    assert "Skolen" not in mine
