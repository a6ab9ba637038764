"""Meeting mode in the browser: the coordinator runs the meeting on the room's one screen;
members follow it read-only; nobody reaches another meeting's cases or actions."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.cases.models import Case
from app.meetings import agenda
from app.meetings.models import Action, ActionCheck, Meeting, MeetingMember, Recommendation
from tests.factories import make_case, make_organisation
from tests.meetings.helpers import committee_member
from tests.meetings.mode_helpers import (
    held_meeting_with_actions,
    link,
    make_room,
    recommendation_data,
)
from tests.support import extract_csrf, fresh, login
from tests.web.helpers import new_client


@pytest.fixture
def app_settings(app_settings):
    return {**app_settings, "BABEL_DEFAULT_LOCALE": "en"}


def as_coordinator(client, db_session, room):
    login(client, db_session, room.coordinator)
    return client


def post(client, url: str, data: dict | None = None, page: str | None = None):
    return client.submit(url, data or {}, page=page or "/account/")


def test_coordinator_starts_the_meeting_and_records_who_came(client, db_session):
    room = make_room(db_session)
    as_coordinator(client, db_session, room)
    page = client.get(room.run_url()).get_data(as_text=True)
    assert 'data-testid="start-form"' in page and "Per Politi" in page and "Sara Skole" in page

    response = post(client, f"/meetings/{room.meeting.id}/start", page=room.run_url())
    assert response.status_code == 303
    assert fresh(db_session, Meeting, room.meeting.id).status == "in_progress"
    again = post(client, f"/meetings/{room.meeting.id}/start", page=room.run_url())
    assert again.status_code == 422
    assert "The meeting has already started." in again.get_data(as_text=True)

    response = post(
        client,
        f"/meetings/{room.meeting.id}/attendance",
        {"present": [str(room.member.id)]},
        page=room.run_url(),
    )
    assert response.status_code == 303
    db_session.rollback()
    attended = dict(
        db_session.execute(
            select(MeetingMember.user_id, MeetingMember.attended).where(
                MeetingMember.meeting_id == room.meeting.id
            )
        ).all()
    )
    assert attended == {room.member.id: True, room.other_member.id: False}
    page = client.get(room.run_url()).get_data(as_text=True)
    assert f'id="present-{room.member.id}" name="present" value="{room.member.id}" checked' in page
    assert 'data-testid="start-form"' not in page


def test_last_weeks_actions_are_checked_done_or_not_done_with_a_reason(client, db_session):
    room = make_room(db_session)
    recommendation, later = held_meeting_with_actions(db_session, room)
    talk, contact = recommendation.actions
    as_coordinator(client, db_session, room)
    run = f"/meetings/{later.id}/run"
    page = client.get(run).get_data(as_text=True)
    card = page.split(f'data-testid="open-action-{talk.id}"')[1]
    assert "Signe Holm" in card and "Structured talk" in card and "Skolen" in card

    missing = post(
        client,
        f"/meetings/{later.id}/actions/{contact.id}/check",
        {"result": "not_done", "reason": ""},
        page=run,
    )
    assert missing.status_code == 422
    assert "Choose why the action was not done." in missing.get_data(as_text=True)
    assert fresh(db_session, Action, contact.id).status == "open"
    assert db_session.scalar(select(func.count()).select_from(ActionCheck)) == 0

    done = post(
        client, f"/meetings/{later.id}/actions/{talk.id}/check", {"result": "done"}, page=run
    )
    assert done.status_code == 303
    not_done = post(
        client,
        f"/meetings/{later.id}/actions/{contact.id}/check",
        {"result": "not_done", "reason": "circumstances_changed"},
        page=run,
    )
    assert not_done.status_code == 303
    assert fresh(db_session, Action, talk.id).status == "done"
    assert fresh(db_session, Action, contact.id).status == "not_done"

    page = client.get(run).get_data(as_text=True)
    results = page.split('data-testid="check-result">')[1:]
    assert [r.split("</dd>")[0] for r in results] == [
        "Done",
        "Not done: Circumstances have changed",
    ]


def test_one_case_at_a_time_with_links_to_the_steps_before_and_after(client, db_session):
    room = make_room(db_session, names=("Signe Holm", "Omar Berg", "Lise Dahl"))
    one, two, three = room.items
    as_coordinator(client, db_session, room)

    first_screen = client.get(room.run_url()).get_data(as_text=True)
    assert link(first_screen, "next") == room.run_url(f"/{one.id}")
    page = client.get(room.run_url(f"/{two.id}")).get_data(as_text=True)
    assert "Case 2 of 3" in page and "Omar Berg" in page
    assert "Signe Holm" not in page and "Lise Dahl" not in page
    assert link(page, "prev") == room.run_url(f"/{one.id}")
    assert link(page, "next") == room.run_url(f"/{three.id}")
    assert (
        link(client.get(room.run_url(f"/{one.id}")).get_data(as_text=True), "prev")
        == room.run_url()
    )
    assert link(
        client.get(room.run_url(f"/{three.id}")).get_data(as_text=True), "next"
    ) == room.run_url("/end")
    assert link(client.get(room.run_url("/end")).get_data(as_text=True), "prev") == room.run_url(
        f"/{three.id}"
    )
    assert "meeting-mode.js" in page and "meeting-mode.css" in page
    assert 'data-testid="no-assessments"' in page and 'data-testid="suggestions"' not in page


def test_recording_a_recommendation_with_two_actions(client, db_session):
    room = make_room(db_session)
    room.start(db_session)
    [item] = room.items
    as_coordinator(client, db_session, room)
    url = room.run_url(f"/{item.id}")
    form = client.get(url).get_data(as_text=True)
    assert form.count('data-testid="action-row"') == 4

    response = client.post(
        f"{url}/recommendation",
        data={**recommendation_data(db_session, room), "csrf_token": extract_csrf(form)},
    )
    assert response.status_code == 303 and response.headers["Location"].endswith(url)
    case = fresh(db_session, Case, room.cases[0].id)
    assert case.status == "recommendation_made"
    [recommendation] = db_session.scalars(select(Recommendation)).all()
    assert [
        (a.action_type.key, a.owner_organisation_id, a.note) for a in recommendation.actions
    ] == [("concern_talk", room.police.id, "Med begge forældre."), ("mentor", room.school.id, None)]
    page = client.get(url).get_data(as_text=True)
    assert "Bekymringssamtale med politiet" in page and 'data-testid="edit-recommendation"' in page
    assert 'data-testid="recommendation-form"' not in page


def bad_inputs(db_session, room):
    """(overrides, message, the field the message must stand beside)."""
    outsider = make_organisation(db_session, name="Privat firma", party=False)
    before = (room.meeting.held_on - dt.timedelta(days=1)).isoformat()
    return {
        "empty text": ({"text": "   "}, "Write the recommendation.", "text"),
        "deadline before the meeting": (
            {"actions-2-deadline": before},
            "The deadline must be on or after the meeting",
            "actions-2-deadline",  # the third row is the second action: mapped back
        ),
        "owner not § 115": (
            {"actions-2-owner_organisation_id": str(outsider.id)},
            "The owner must be an active § 115 organisation.",
            "actions-2-owner_organisation_id",
        ),
        "unknown measure": (
            {"actions-0-action_type_id": "99999"},
            "Choose a measure from the list.",
            "actions-0-action_type_id",
        ),
        "oversized text": ({"text": "x" * 5001}, "5000", "text"),
    }


@pytest.mark.parametrize(
    "case_name",
    [
        "empty text",
        "deadline before the meeting",
        "owner not § 115",
        "unknown measure",
        "oversized text",
    ],
)
def test_bad_recommendation_input_keeps_everything_and_saves_nothing(client, db_session, case_name):
    room = make_room(db_session)
    room.start(db_session)
    [item] = room.items
    overrides, message, field = bad_inputs(db_session, room)[case_name]
    db_session.commit()
    as_coordinator(client, db_session, room)
    url = room.run_url(f"/{item.id}")
    data = recommendation_data(db_session, room, **overrides)
    page = client.get(url).get_data(as_text=True)

    response = client.post(f"{url}/recommendation", data={**data, "csrf_token": extract_csrf(page)})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html.split(f'id="{field}-error"')[1].split("\n")[0]  # beside its field
    # Everything typed is still there.
    assert "Med begge forældre." in html
    assert f'value="{data["actions-2-deadline"]}"' in html
    assert f'<option selected value="{data["actions-2-owner_organisation_id"]}"' in html or (
        "Privat firma" not in html and case_name == "owner not § 115"
    )
    if case_name != "empty text":
        assert (data["text"][:40]) in html
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Recommendation)) == 0
    assert db_session.scalar(select(func.count()).select_from(Action)) == 0
    assert fresh(db_session, Case, room.cases[0].id).status == "on_agenda"


def test_outcome_of_an_earlier_action_is_recorded_at_the_follow_up(client, db_session):
    room = make_room(db_session)
    recommendation, later = held_meeting_with_actions(db_session, room)
    talk, _contact = recommendation.actions
    [item] = later.items  # the case is back for follow-up
    as_coordinator(client, db_session, room)
    url = f"/meetings/{later.id}/run/{item.id}"
    page = client.get(url).get_data(as_text=True)
    assert f'data-testid="outcome-form-{talk.id}"' in page

    response = post(
        client,
        f"/meetings/{later.id}/actions/{talk.id}/outcome",
        {"outcome": "effect_seen"},
        page=url,
    )
    assert response.status_code == 303
    action = fresh(db_session, Action, talk.id)
    assert (action.outcome, action.status) == ("effect_seen", "done")
    page = client.get(url).get_data(as_text=True)
    assert f'data-testid="outcome-form-{talk.id}"' not in page
    assert "Done, effect seen" in page

    bad = post(
        client,
        f"/meetings/{later.id}/actions/{_contact.id}/outcome",
        {"outcome": "splendid"},
        page=url,
    )
    assert bad.status_code == 422 and "Choose an outcome." in bad.get_data(as_text=True)


def test_finish_carries_over_the_cases_without_a_recommendation(client, db_session):
    room = make_room(db_session, names=("Signe Holm", "Omar Berg"))
    room.start(db_session)
    one, _two = room.items
    as_coordinator(client, db_session, room)
    page = client.get(room.run_url(f"/{one.id}")).get_data(as_text=True)
    client.post(
        room.run_url(f"/{one.id}/recommendation"),
        data={**recommendation_data(db_session, room), "csrf_token": extract_csrf(page)},
    )

    end = client.get(room.run_url("/end")).get_data(as_text=True)
    carried = end.split('data-testid="carried-over"')[1].split("</ul>")[0]
    assert "Omar Berg" in carried and "Signe Holm" not in carried
    notes = post(
        client,
        f"/meetings/{room.meeting.id}/notes",
        {"notes": "Næste gang: klubben."},
        page=room.run_url("/end"),
    )
    assert notes.status_code == 303

    response = post(client, f"/meetings/{room.meeting.id}/finish", page=room.run_url("/end"))
    assert response.status_code == 303
    meeting = fresh(db_session, Meeting, room.meeting.id)
    assert (meeting.status, meeting.notes) == ("held", "Næste gang: klubben.")
    first, second = (fresh(db_session, Case, c.id) for c in room.cases)
    assert (first.status, second.status) == ("in_follow_up", "ready_for_review")
    closed = post(
        client, f"/meetings/{room.meeting.id}/notes", {"notes": "x"}, page=room.run_url("/end")
    )
    assert closed.status_code == 422


def test_a_member_follows_read_only_and_cannot_post(app, db_session):
    room = make_room(db_session)
    room.start(db_session)
    [item] = room.items
    member = new_client(app, ip="192.0.2.61")
    login(member, db_session, room.member)
    for url in (room.run_url(), room.run_url(f"/{item.id}"), room.run_url("/end")):
        response = member.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert 'action="/meetings/' not in html and 'action="/actions/' not in html
    assert "Signe Holm" in member.get(room.run_url(f"/{item.id}")).get_data(as_text=True)

    meeting_id = room.meeting.id
    for url, data in (
        (f"/meetings/{meeting_id}/attendance", {"present": []}),
        (room.run_url(f"/{item.id}/recommendation"), recommendation_data(db_session, room)),
        (f"/meetings/{meeting_id}/finish", {}),
    ):
        assert post(member, url, data).status_code == 403
    assert fresh(db_session, Case, room.cases[0].id).status == "on_agenda"
    assert fresh(db_session, Meeting, meeting_id).status == "in_progress"


def test_a_committee_user_outside_the_meeting_is_refused(app, db_session):
    room = make_room(db_session)
    [item] = room.items
    outsider = committee_member(db_session, full_name="Ikke Inviteret")  # after planning
    client = new_client(app, ip="192.0.2.62")
    login(client, db_session, outsider)
    for url in (room.run_url(), room.run_url(f"/{item.id}"), room.run_url("/end")):
        response = client.get(url)
        assert response.status_code == 403
        assert "Signe Holm" not in response.get_data(as_text=True)


def test_items_and_actions_of_another_meeting_are_not_found(client, db_session):
    room = make_room(db_session)
    recommendation, later = held_meeting_with_actions(db_session, room)
    talk, _contact = recommendation.actions
    talk.status = "done"  # no longer among the open actions the later meeting checks
    [follow_up_item] = later.items  # and its case is taken off the later agenda
    agenda.remove_item(db_session, room.actor, later, follow_up_item.id)
    other_case = make_case(db_session, status="ready_for_review")
    new_item = agenda.add_case(db_session, room.actor, later, other_case.id)
    db_session.commit()
    old_item = room.items[0]
    as_coordinator(client, db_session, room)
    later_run = f"/meetings/{later.id}/run"

    assert client.get(f"{later_run}/{old_item.id}").status_code == 404
    page = client.get(later_run).get_data(as_text=True)
    data = recommendation_data(db_session, room, csrf_token=extract_csrf(page))
    assert client.post(f"{later_run}/{old_item.id}/recommendation", data=data).status_code == 404
    assert (
        client.post(
            f"/meetings/{room.meeting.id}/run/{new_item.id}/recommendation", data=data
        ).status_code
        == 404
    )
    for step in ("check", "outcome"):
        response = client.post(
            f"/meetings/{later.id}/actions/{talk.id}/{step}",
            data={"csrf_token": extract_csrf(page), "result": "done", "outcome": "done"},
        )
        assert response.status_code == 404
    # Recorded at the first meeting, the case's actions still belong there.
    assert client.get(f"/meetings/{room.meeting.id}/run/{old_item.id}").status_code == 200


def test_recommendation_text_is_shown_escaped(client, db_session):
    room = make_room(db_session)
    room.start(db_session)
    [item] = room.items
    as_coordinator(client, db_session, room)
    url = room.run_url(f"/{item.id}")
    page = client.get(url).get_data(as_text=True)
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    client.post(
        f"{url}/recommendation",
        data={
            **recommendation_data(db_session, room, text=payload),
            "csrf_token": extract_csrf(page),
        },
    )
    html = client.get(url).get_data(as_text=True)
    assert payload not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_a_second_submission_for_the_same_case_is_refused_with_a_message(client, db_session):
    room = make_room(db_session)
    room.start(db_session)
    [item] = room.items
    as_coordinator(client, db_session, room)
    url = room.run_url(f"/{item.id}")
    page = client.get(url).get_data(as_text=True)  # e.g. a second tab, opened before saving
    data = {**recommendation_data(db_session, room), "csrf_token": extract_csrf(page)}
    assert client.post(f"{url}/recommendation", data=data).status_code == 303

    again = client.post(f"{url}/recommendation", data={**data, "text": "Noget andet."})
    html = again.get_data(as_text=True)
    assert again.status_code == 422
    assert "A recommendation has already been recorded for this case." in html
    assert db_session.scalar(select(func.count()).select_from(Recommendation)) == 1
