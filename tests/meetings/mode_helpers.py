"""Rows and page helpers for the meeting mode and action page tests."""

from __future__ import annotations

import datetime as dt
import re

from app.auth.roles import OrganisationType, Role
from app.meetings import agenda, recommendations, running
from tests.factories import make_case, make_organisation, make_person, make_user
from tests.meetings.helpers import MONDAY, action_input, action_type_id, actor_for, committee_member

__all__ = [
    "MONDAY",
    "action_type_id",
    "held_meeting_with_actions",
    "link",
    "make_room",
    "recommendation_data",
]


class Room:
    """A coordinator, two invited members, and a planned meeting with named cases."""

    def __init__(self, db_session, names=("Signe Holm",)):
        self.coordinator = make_user(db_session, Role.COORDINATOR, full_name="Karen Koordinator")
        self.police = make_organisation(db_session, name="Politiet", type=OrganisationType.POLICE)
        self.school = make_organisation(db_session, name="Skolen", type=OrganisationType.SCHOOL)
        self.member = committee_member(db_session, self.police, full_name="Per Politi")
        self.other_member = committee_member(db_session, self.school, full_name="Sara Skole")
        self.cases = []
        for name in names:
            first, last = name.split(" ", 1)
            person = make_person(db_session, first_name=first, last_name=last, commit=False)
            self.cases.append(make_case(db_session, person=person, status="ready_for_review"))
        self.meeting = agenda.plan_meeting(db_session, self.actor, today=MONDAY)
        db_session.commit()

    @property
    def actor(self):
        return actor_for(self.coordinator)

    @property
    def items(self):
        return sorted(self.meeting.items, key=lambda item: item.position)

    def start(self, db_session):
        running.start_meeting(db_session, self.actor, self.meeting)
        db_session.commit()

    def run_url(self, suffix: str = "") -> str:
        return f"/meetings/{self.meeting.id}/run{suffix}"


def make_room(db_session, names=("Signe Holm",)) -> Room:
    return Room(db_session, names)


def held_meeting_with_actions(db_session, room: Room):
    """Room's meeting held with a recommendation (two actions) for its first case, and the
    next week's meeting planned with that case back on it for follow-up."""
    room.start(db_session)
    first = room.items[0]
    recommendation = recommendations.record_recommendation(
        db_session,
        room.actor,
        room.meeting,
        first,
        text="Samtale og mentor.",
        next_review_on=room.meeting.held_on + dt.timedelta(days=6),
        actions=[
            action_input(
                db_session, room.school, "concern_talk", days=0, held_on=room.meeting.held_on
            ),
            action_input(
                db_session, room.police, "police_contact", days=3, held_on=room.meeting.held_on
            ),
        ],
    )
    running.finish_meeting(db_session, room.actor, room.meeting)
    later = agenda.plan_meeting(
        db_session, room.actor, today=room.meeting.held_on + dt.timedelta(days=1)
    )
    db_session.commit()
    return recommendation, later


def recommendation_data(db_session, room: Room, **overrides) -> dict:
    held_on = room.meeting.held_on
    data = {
        "text": "Bekymringssamtale med politiet, og en mentor fra klubben.",
        "next_review_on": (held_on + dt.timedelta(days=28)).isoformat(),
        "actions-0-action_type_id": str(action_type_id(db_session, "concern_talk")),
        "actions-0-owner_organisation_id": str(room.police.id),
        "actions-0-deadline": (held_on + dt.timedelta(days=14)).isoformat(),
        "actions-0-note": "Med begge forældre.",
        "actions-1-action_type_id": "",
        "actions-1-owner_organisation_id": "",
        "actions-1-deadline": "",
        "actions-1-note": "",
        "actions-2-action_type_id": str(action_type_id(db_session, "mentor")),
        "actions-2-owner_organisation_id": str(room.school.id),
        "actions-2-deadline": (held_on + dt.timedelta(days=21)).isoformat(),
        "actions-2-note": "",
        "actions-3-action_type_id": "",
        "actions-3-owner_organisation_id": "",
        "actions-3-deadline": "",
        "actions-3-note": "",
    }
    data.update(overrides)
    return data


def link(html: str, rel: str) -> str | None:
    match = re.search(rf'<a [^>]*rel="{rel}" href="([^"]+)"', html)
    return match.group(1) if match else None
