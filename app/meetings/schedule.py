"""When the committee meets: the weekly schedule and the date of the next meeting."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.actor import Actor
from app.audit.services import record
from app.core.errors import DomainError
from app.meetings.models import MeetingSchedule

DEFAULT_WEEKDAY = 2  # Wednesday
DEFAULT_START = dt.time(9, 0)
LOCATION_MAX_LENGTH = 200


def current_schedule(session: Session) -> MeetingSchedule:
    """The one schedule row; created with the defaults if an installation has none."""
    schedule = session.scalar(select(MeetingSchedule).order_by(MeetingSchedule.id).limit(1))
    if schedule is None:
        schedule = MeetingSchedule(
            weekday=DEFAULT_WEEKDAY, start_time=DEFAULT_START, duration_minutes=90, location=""
        )
        session.add(schedule)
        session.flush()
    return schedule


def update_schedule(
    session: Session,
    actor: Actor,
    *,
    weekday: int,
    start_time: dt.time,
    duration_minutes: int,
    location: str,
) -> MeetingSchedule:
    """Change the weekly schedule; meetings already planned keep their date."""
    if weekday not in range(7):
        raise DomainError(_l("Choose a weekday."), "weekday")
    if not 15 <= duration_minutes <= 480:
        raise DomainError(_l("A meeting lasts between 15 minutes and 8 hours."), "duration")
    location = " ".join(location.split())
    if len(location) > LOCATION_MAX_LENGTH:
        raise DomainError(_l("At most %(n)d characters.", n=LOCATION_MAX_LENGTH), "location")
    schedule = current_schedule(session)
    schedule.weekday = weekday
    schedule.start_time = start_time
    schedule.duration_minutes = duration_minutes
    schedule.location = location
    session.flush()
    record(
        session,
        actor,
        "meeting.schedule",
        object_type="meeting_schedule",
        object_id=schedule.id,
        details={"weekday": weekday, "start": start_time.isoformat(timespec="minutes")},
    )
    return schedule


def next_meeting_date(schedule: MeetingSchedule, on_or_after: dt.date) -> dt.date:
    """The first scheduled weekday on or after `on_or_after`."""
    return on_or_after + dt.timedelta(days=(schedule.weekday - on_or_after.weekday()) % 7)
