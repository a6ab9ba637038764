"""Rows the meeting tests need: committee members, a planned meeting, action inputs."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.auth.roles import OrganisationType, Role
from app.meetings.models import ActionType
from app.meetings.recommendations import ActionInput
from tests.cases.helpers import actor_for
from tests.factories import make_organisation, make_user

# A Monday; the default schedule meets on Wednesdays.
MONDAY = dt.date(2026, 11, 23)


def committee_member(session, organisation=None, **kwargs):
    organisation = organisation or make_organisation(session, type=OrganisationType.POLICE)
    return make_user(session, Role.COMMITTEE, organisation=organisation, **kwargs)


def action_type_id(session, key: str) -> int:
    return session.scalar(select(ActionType.id).where(ActionType.key == key))


def action_input(session, owner, key: str = "mentor", days: int = 14, held_on=None, note=""):
    return ActionInput(
        action_type_id=action_type_id(session, key),
        owner_organisation_id=owner.id,
        deadline=(held_on or MONDAY) + dt.timedelta(days=days),
        note=note,
    )


__all__ = ["MONDAY", "action_input", "action_type_id", "actor_for", "committee_member"]
