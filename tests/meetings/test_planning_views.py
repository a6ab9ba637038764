"""Planning a meeting in the browser: the list, the plan form, the agenda, members, schedule."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from babel.dates import format_date
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.auth.roles import Role
from app.cases.models import Case
from app.meetings import agenda, recommendations, running
from app.meetings.models import AgendaItem, Meeting, MeetingMember, MeetingSchedule
from tests.factories import make_case, make_person, make_user
from tests.meetings.helpers import actor_for, committee_member
from tests.support import login
from tests.web.helpers import new_client, redirect_target


@pytest.fixture
def app_settings(app_settings):
    """These tests read the English messages; the UI's default language is Danish."""
    return {**app_settings, "BABEL_DEFAULT_LOCALE": "en"}


@pytest.fixture
def coordinator(db_session):
    return make_user(db_session, Role.COORDINATOR)


def next_weekday(weekday: int, today: dt.date | None = None) -> dt.date:
    today = today or dt.date.today()
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7)


def long_date(day: dt.date) -> str:
    return format_date(day, "long", locale="en")


def named_case(db_session, first: str, last: str, status: str = "ready_for_review"):
    person = make_person(db_session, first_name=first, last_name=last, commit=False)
    return make_case(db_session, person=person, status=status)


def planned(db_session, coordinator, **kwargs) -> Meeting:
    meeting = agenda.plan_meeting(
        db_session, actor_for(coordinator), today=dt.date.today(), **kwargs
    )
    db_session.commit()
    return meeting


def agenda_order(db_session, meeting_id: int) -> list[int]:
    db_session.rollback()
    return list(
        db_session.scalars(
            select(AgendaItem.case_id)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.position)
        )
    )


def case_status(db_session, case_id: int) -> str:
    db_session.rollback()
    return db_session.scalar(select(Case.status).where(Case.id == case_id))


def page_after(client, response) -> str:
    assert response.status_code == 303, response.status_code
    return client.get(redirect_target(response)).get_data(as_text=True)


def test_coordinator_plans_the_next_meeting_and_sees_the_proposal(client, db_session, coordinator):
    case = named_case(db_session, "Signe", "Holm")
    member = committee_member(db_session, full_name="Per Politi")
    login(client, db_session, coordinator)
    wednesday = next_weekday(2)

    page = client.get("/meetings").get_data(as_text=True)
    assert 'data-testid="plan-form"' in page and long_date(wednesday) in page
    assert "/meetings/schedule" in page

    response = client.submit("/meetings/plan", {"held_on": ""}, page="/meetings")
    assert response.status_code == 303
    html = page_after(client, response)
    assert "is planned" in html and long_date(wednesday) in html
    agenda_html = html.split('data-testid="agenda"', 1)[1].split("</table>", 1)[0]
    assert "Signe Holm" in agenda_html and "Review" in agenda_html
    assert f"/cases/{case.id}" in agenda_html and "On the agenda" in agenda_html
    assert "Per Politi" in html and member.organisation.name in html

    db_session.rollback()
    meeting = db_session.scalar(select(Meeting))
    assert meeting.held_on == wednesday
    [view] = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "meeting.view")).all()
    assert view.object_id == str(meeting.id) and json.loads(view.details) == {"cases": 1}
    assert "Signe" not in (view.details or "")

    listing = client.get("/meetings").get_data(as_text=True)
    row = listing.split('data-testid="upcoming-meetings"', 1)[1].split("</table>", 1)[0]
    assert f"/meetings/{meeting.id}" in row and '<td data-title="Cases">1</td>' in row
    assert "Signe" not in listing  # the list shows no names


def test_reorder_remove_and_add_by_case_number(client, db_session, coordinator):
    first = named_case(db_session, "Anna", "Berg")
    second = named_case(db_session, "Bo", "Dahl")
    meeting = planned(db_session, coordinator)
    assert agenda_order(db_session, meeting.id) == [first.id, second.id]
    second_item = db_session.scalar(select(AgendaItem.id).where(AgendaItem.case_id == second.id))
    first_item = db_session.scalar(select(AgendaItem.id).where(AgendaItem.case_id == first.id))
    login(client, db_session, coordinator)
    detail = f"/meetings/{meeting.id}"

    html = client.get(detail).get_data(as_text=True)
    assert 'data-testid="move-up"' in html and 'data-testid="propose"' in html
    response = client.submit(f"{detail}/items/{second_item}/move", {"direction": "up"}, page=detail)
    assert "reordered" in page_after(client, response)
    assert agenda_order(db_session, meeting.id) == [second.id, first.id]

    response = client.submit(f"{detail}/items/{first_item}/remove", page=detail)
    assert "taken off the agenda" in page_after(client, response)
    assert agenda_order(db_session, meeting.id) == [second.id]
    assert case_status(db_session, first.id) == "ready_for_review"  # restored

    fresh = named_case(db_session, "Carl", "Eng", status="new")
    response = client.submit(f"{detail}/agenda/add", {"case_id": f"#{fresh.id}"}, page=detail)
    html = page_after(client, response)
    assert f"Case #{fresh.id} is on the agenda" in html
    assert "Carl Eng" in html and "Added by the coordinator" in html
    assert agenda_order(db_session, meeting.id) == [second.id, fresh.id]
    assert case_status(db_session, fresh.id) == "on_agenda"

    # The refreshed proposal brings back the case that is ready, at the end.
    response = client.submit(f"{detail}/agenda/propose", page=detail)
    assert "refreshed" in page_after(client, response)
    assert agenda_order(db_session, meeting.id) == [second.id, fresh.id, first.id]


def test_bad_agenda_input_gets_a_message_and_changes_nothing(client, db_session, coordinator):
    case = named_case(db_session, "Dora", "Finn")
    meeting = planned(db_session, coordinator)
    other = planned(db_session, coordinator, held_on=meeting.held_on + dt.timedelta(days=7))
    closed = named_case(db_session, "Emma", "Gram", status="closed")
    other_case = named_case(db_session, "Fie", "Holt", status="new")
    other_item = agenda.add_case(db_session, actor_for(coordinator), other, other_case.id)
    db_session.commit()
    login(client, db_session, coordinator)
    detail = f"/meetings/{meeting.id}"

    def add(value, **extra):
        return client.submit(f"{detail}/agenda/add", {"case_id": value, **extra}, page=detail)

    unknown = add("987654")
    assert redirect_target(unknown) == detail  # never to a page about the number
    assert "No such case." in page_after(client, unknown)
    unknown_from_case = add("987654", next="case")
    assert redirect_target(unknown_from_case) == detail
    assert "A closed case cannot go on an agenda." in page_after(client, add(str(closed.id)))
    assert "is already on" in page_after(client, add(str(case.id)))
    for nonsense in ("abc", "99999999999999", "-3", ""):
        assert "Case number:" in page_after(client, add(nonsense))

    moved = client.submit(f"{detail}/items/{other_item.id}/move", {"direction": "up"}, page=detail)
    assert "That case is not on this agenda." in page_after(client, moved)
    removed = client.submit(f"{detail}/items/{other_item.id}/remove", page=detail)
    assert "That case is not on this agenda." in page_after(client, removed)
    sideways = client.submit(
        f"{detail}/items/{other_item.id}/move", {"direction": "sideways"}, page=detail
    )
    assert sideways.status_code == 303

    assert agenda_order(db_session, meeting.id) == [case.id]
    assert agenda_order(db_session, other.id) == [other_case.id]
    assert case_status(db_session, closed.id) == "closed"
    assert case_status(db_session, other_case.id) == "on_agenda"
    assert client.get("/meetings/987654").status_code == 404


def test_bad_dates_are_refused_on_the_plan_form(client, db_session, coordinator):
    meeting = planned(db_session, coordinator)
    login(client, db_session, coordinator)
    yesterday = dt.date.today() - dt.timedelta(days=1)

    past = client.submit("/meetings/plan", {"held_on": yesterday.isoformat()}, page="/meetings")
    assert past.status_code == 422
    assert "A meeting cannot be planned in the past." in past.get_data(as_text=True)
    twice = client.submit(
        "/meetings/plan", {"held_on": meeting.held_on.isoformat()}, page="/meetings"
    )
    assert twice.status_code == 422
    assert "There is already a meeting on that day." in twice.get_data(as_text=True)
    garbage = client.submit("/meetings/plan", {"held_on": "31-02-2026"}, page="/meetings")
    assert garbage.status_code == 422
    db_session.rollback()
    assert db_session.scalar(select(func.count(Meeting.id))) == 1


def test_members_are_added_and_removed_only_from_the_eligible(client, db_session, coordinator):
    meeting = planned(db_session, coordinator)
    late = committee_member(db_session, full_name="Lise Sen")
    login(client, db_session, coordinator)
    detail = f"/meetings/{meeting.id}"

    html = client.get(detail).get_data(as_text=True)
    form = html.split('data-testid="add-member-form"', 1)[1].split("</form>", 1)[0]
    assert f'value="{late.id}"' in form and "Lise Sen" in form
    response = client.submit(f"{detail}/members/add", {"user_id": str(late.id)}, page=detail)
    assert "The member has been added." in page_after(client, response)

    refused = client.submit(f"{detail}/members/add", {"user_id": str(coordinator.id)}, page=detail)
    assert "Only active committee members" in page_after(client, refused)
    huge = client.submit(f"{detail}/members/add", {"user_id": "9" * 20}, page=detail)
    assert huge.status_code == 303

    response = client.submit(f"{detail}/members/{late.id}/remove", page=detail)
    assert "The member has been removed." in page_after(client, response)
    again = client.submit(f"{detail}/members/{late.id}/remove", page=detail)
    assert "not a member of this meeting" in page_after(client, again)
    db_session.rollback()
    members = db_session.scalars(
        select(MeetingMember.user_id).where(MeetingMember.meeting_id == meeting.id)
    ).all()
    assert members == []


def test_a_held_meeting_can_no_longer_be_planned(client, db_session, coordinator):
    meeting = planned(db_session, coordinator)
    db_session.get(Meeting, meeting.id).status = "held"
    db_session.commit()
    case = named_case(db_session, "Gry", "Ibsen", status="new")
    member = committee_member(db_session)
    login(client, db_session, coordinator)
    detail = f"/meetings/{meeting.id}"

    html = client.get(detail).get_data(as_text=True)
    assert 'data-testid="add-case-form"' not in html and 'data-testid="propose"' not in html
    listing = client.get("/meetings").get_data(as_text=True)
    assert f"/meetings/{meeting.id}" in listing.split('data-testid="held-meetings"', 1)[1]
    for path, data in (
        ("agenda/add", {"case_id": str(case.id)}),
        ("agenda/propose", {}),
        ("members/add", {"user_id": str(member.id)}),
    ):
        response = client.submit(f"{detail}/{path}", data, page="/meetings")
        assert "its agenda can no longer change" in page_after(client, response)
    assert case_status(db_session, case.id) == "new"


def test_committee_members_see_their_own_meetings_read_only(app, db_session, coordinator):
    case = named_case(db_session, "Hans", "Juul")
    member = committee_member(db_session)
    outsider = committee_member(db_session)
    meeting = planned(db_session, coordinator)
    agenda.remove_member(db_session, actor_for(coordinator), meeting, outsider.id)
    db_session.commit()
    item_id = meeting.items[0].id
    detail = f"/meetings/{meeting.id}"

    browser = new_client(app, ip="192.0.2.51")
    login(browser, db_session, member)
    html = browser.get(detail).get_data(as_text=True)
    assert "Hans Juul" in html
    for control in (
        "item-actions",
        "move-up",
        "remove-item",
        "propose",
        "add-case-form",
        "add-member-form",
        "remove-member",
        "plan-form",
    ):
        assert f'data-testid="{control}"' not in html
    listing = browser.get("/meetings").get_data(as_text=True)
    assert detail in listing and 'data-testid="plan-form"' not in listing
    assert "/meetings/schedule" not in listing

    posts = [
        ("/meetings/plan", {}),
        ("/meetings/schedule", {"weekday": "4"}),
        (f"{detail}/agenda/propose", {}),
        (f"{detail}/agenda/add", {"case_id": str(case.id)}),
        (f"{detail}/items/{item_id}/move", {"direction": "down"}),
        (f"{detail}/items/{item_id}/remove", {}),
        (f"{detail}/members/add", {"user_id": str(outsider.id)}),
        (f"{detail}/members/{member.id}/remove", {}),
    ]
    for path, data in posts:
        assert browser.submit(path, data, page=detail).status_code == 403, path
    assert browser.get("/meetings/schedule").status_code == 403
    assert agenda_order(db_session, meeting.id) == [case.id]
    assert case_status(db_session, case.id) == "on_agenda"

    stranger = new_client(app, ip="192.0.2.52")
    login(stranger, db_session, outsider)
    assert stranger.get(detail).status_code == 403
    assert detail not in stranger.get("/meetings").get_data(as_text=True)


def test_a_new_schedule_moves_the_default_date(client, db_session, coordinator):
    login(client, db_session, coordinator)
    page = client.get("/meetings/schedule").get_data(as_text=True)
    assert 'value="09:00"' in page and "Wednesday" in page

    bad = client.submit(
        "/meetings/schedule",
        {"weekday": "4", "start_time": "25:00", "duration_minutes": "5", "location": ""},
    )
    assert bad.status_code == 422
    response = client.submit(
        "/meetings/schedule",
        {
            "weekday": "4",
            "start_time": "10:30",
            "duration_minutes": "60",
            "location": "Rådhuset, mødelokale 2",
        },
    )
    assert response.status_code == 303
    friday = next_weekday(4)
    assert long_date(friday) in page_after(client, response)

    planned_page = page_after(
        client, client.submit("/meetings/plan", {"held_on": ""}, page="/meetings")
    )
    assert "10:30" in planned_page and "Rådhuset, mødelokale 2" in planned_page
    db_session.rollback()
    meeting = db_session.scalar(select(Meeting))
    assert (meeting.held_on, meeting.start_time) == (friday, dt.time(10, 30))
    schedule = db_session.scalar(select(MeetingSchedule))
    assert (schedule.weekday, schedule.duration_minutes) == (4, 60)


def test_a_case_discussed_at_the_meeting_is_not_added_to_it_twice(client, db_session, coordinator):
    """Recommended without a new follow-up date, the case is due again at once: neither the
    refreshed proposal nor the case number puts it on the same meeting a second time."""
    case = named_case(db_session, "Ida", "Krog")
    meeting = planned(db_session, coordinator)
    actor = actor_for(coordinator)
    db_session.get(Case, case.id).next_review_on = meeting.held_on
    running.start_meeting(db_session, actor, meeting)
    recommendations.record_recommendation(
        db_session,
        actor,
        meeting,
        meeting.items[0],
        text="Ingen ny dato.",
        next_review_on=None,
        actions=[],
    )
    db_session.commit()
    login(client, db_session, coordinator)
    detail = f"/meetings/{meeting.id}"

    proposed = client.submit(f"{detail}/agenda/propose", page=detail)
    assert "The agenda proposal has been refreshed." in page_after(client, proposed)
    added = client.submit(f"{detail}/agenda/add", {"case_id": str(case.id)}, page=detail)
    assert "already on this agenda" in page_after(client, added)
    assert agenda_order(db_session, meeting.id) == [case.id]
    assert case_status(db_session, case.id) == "recommendation_made"


def test_the_planning_pages_in_danish(client, db_session, coordinator):
    meeting = planned(db_session, coordinator)
    login(client, db_session, coordinator)
    client.submit("/language", {"locale": "da", "next": "/account/"}, page="/account/")

    schedule = client.get("/meetings/schedule").get_data(as_text=True)
    assert '<option selected value="2">Onsdag</option>' in schedule
    danish_date = format_date(meeting.held_on, "long", locale="da")
    assert danish_date in client.get("/meetings").get_data(as_text=True)
    assert client.get(f"/meetings/{meeting.id}").status_code == 200
