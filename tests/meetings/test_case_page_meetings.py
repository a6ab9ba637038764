"""The case page's meetings section: recommendations with their actions, and the agenda."""

from __future__ import annotations

import datetime as dt

import pytest
from babel.dates import format_date
from sqlalchemy import select

from app.auth.roles import OrganisationType, Role
from app.cases.models import Case
from app.meetings import agenda, recommendations, running
from app.meetings.models import AgendaItem
from tests.cases.case_helpers import in_english
from tests.factories import make_case, make_organisation, make_person, make_user
from tests.meetings.helpers import action_input, actor_for, committee_member
from tests.support import login
from tests.web.helpers import new_client, redirect_target

XSS = "<script>alert(1)</script>{{7*7}}"


@pytest.fixture
def coordinator(db_session):
    return make_user(db_session, Role.COORDINATOR)


def section(html: str) -> str:
    return html.split('data-testid="case-meetings"', 1)[1].split("<h2>", 1)[0]


def recommended_case(db_session, coordinator, text: str):
    """A case discussed at a meeting in progress, with a school talk and a club mentor."""
    actor = actor_for(coordinator)
    school = make_organisation(db_session, name="Hunderup Skole", type=OrganisationType.SCHOOL)
    club = make_organisation(db_session, name="Klub Vest", type=OrganisationType.CLUB)
    person = make_person(db_session, first_name="Signe", last_name="Holm", commit=False)
    case = make_case(db_session, person=person, status="ready_for_review")
    meeting = agenda.plan_meeting(db_session, actor, today=dt.date.today())
    running.start_meeting(db_session, actor, meeting)
    recommendation = recommendations.record_recommendation(
        db_session,
        actor,
        meeting,
        meeting.items[0],
        text=text,
        next_review_on=meeting.held_on + dt.timedelta(days=28),
        actions=[
            action_input(db_session, school, "concern_talk", days=7, held_on=meeting.held_on),
            action_input(db_session, club, "mentor", days=21, held_on=meeting.held_on),
        ],
    )
    recommendation.actions[0].status = "done"
    recommendation.actions[0].outcome = "effect_seen"
    db_session.commit()
    return case, meeting


def test_the_case_page_shows_recommendations_with_actions_in_the_readers_language(
    client, db_session, coordinator
):
    case, meeting = recommended_case(db_session, coordinator, "Bekymringssamtale og mentor.")
    login(client, db_session, coordinator)

    danish = section(client.get(f"/cases/{case.id}").get_data(as_text=True))
    assert "Bekymringssamtale og mentor." in danish
    assert "Mentor eller fast voksen" in danish and "Mentor or trusted adult" not in danish

    in_english(client)
    html = section(client.get(f"/cases/{case.id}").get_data(as_text=True))
    [recommendation] = html.split('data-testid="recommendation"')[1:]
    assert format_date(meeting.held_on, "long", locale="en") in recommendation
    talk, mentor = recommendation.split("<tr>")[2:]
    assert "Structured talk (bekymringssamtale)" in talk and "Hunderup Skole" in talk
    assert "Done" in talk and "Done, effect seen" in talk
    assert "Mentor or trusted adult" in mentor and "Klub Vest" in mentor and "Open" in mentor
    deadline = meeting.held_on + dt.timedelta(days=21)
    assert format_date(deadline, "short", locale="en") in mentor
    # Discussed at the meeting in progress: not offered for an agenda again.
    assert 'data-testid="put-on-agenda"' not in html


def test_recommendation_text_is_escaped(client, db_session, coordinator):
    case, _meeting = recommended_case(db_session, coordinator, XSS)
    login(client, db_session, coordinator)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{7*7}}" in html
    assert "<script>alert(1)" not in html and "49" not in section(html)


def test_the_coordinator_puts_the_case_on_an_agenda_from_the_case_page(
    client, db_session, coordinator
):
    meeting = agenda.plan_meeting(db_session, actor_for(coordinator), today=dt.date.today())
    later = agenda.plan_meeting(
        db_session, actor_for(coordinator), today=meeting.held_on + dt.timedelta(days=1)
    )
    db_session.commit()
    case = make_case(db_session, status="assessments_requested")
    login(client, db_session, coordinator)
    in_english(client)
    page = f"/cases/{case.id}"

    html = section(client.get(page).get_data(as_text=True))
    form = html.split('data-testid="put-on-agenda"', 1)[1].split("</form>", 1)[0]
    assert f"/meetings/{meeting.id}/agenda/add" in form
    assert f"/meetings/{later.id}/agenda/add" in form
    assert format_date(later.held_on, "long", locale="en") in form

    response = client.submit(
        f"/meetings/{later.id}/agenda/add", {"case_id": str(case.id), "next": "case"}, page=page
    )
    assert response.status_code == 303 and redirect_target(response) == page
    html = client.get(page).get_data(as_text=True)
    assert f"Case #{case.id} is on the agenda" in html
    on_agenda = section(html).split('data-testid="on-agenda"', 1)[1].split("</p>", 1)[0]
    assert format_date(later.held_on, "long", locale="en") in on_agenda
    assert f"/meetings/{later.id}" in on_agenda
    assert 'data-testid="put-on-agenda"' not in html
    db_session.rollback()
    assert db_session.scalar(select(Case.status).where(Case.id == case.id)) == "on_agenda"
    assert (
        db_session.scalar(select(AgendaItem.meeting_id).where(AgendaItem.case_id == case.id))
        == later.id
    )

    # Asked again (an old tab): a message, back on the case page, nothing added.
    again = client.submit(
        f"/meetings/{meeting.id}/agenda/add",
        {"case_id": str(case.id), "next": "case"},
        page="/meetings",
    )
    assert redirect_target(again) == page
    assert "already on an agenda" in client.get(page).get_data(as_text=True)


def test_no_agenda_form_for_closed_cases_or_committee_members(app, client, db_session, coordinator):
    agenda.plan_meeting(db_session, actor_for(coordinator), today=dt.date.today())
    db_session.commit()
    closed = make_case(db_session, status="closed")
    login(client, db_session, coordinator)
    assert 'data-testid="put-on-agenda"' not in client.get(f"/cases/{closed.id}").get_data(
        as_text=True
    )

    member = committee_member(db_session)
    case = make_case(db_session, status="ready_for_review")
    meeting = agenda.plan_meeting(
        db_session, actor_for(coordinator), today=dt.date.today() + dt.timedelta(days=7)
    )
    db_session.commit()
    browser = new_client(app, ip="192.0.2.61")
    login(browser, db_session, member)
    html = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'data-testid="put-on-agenda"' not in html
    assert f"/meetings/{meeting.id}" in section(html)  # a member of that meeting
