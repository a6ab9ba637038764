"""The committee's own judgement at a review: a 0–10 worry and/or a level, with reasons.

It forms its own timeline beside the assessors' profile (instrument.md "Showing it"). The
content is one encrypted JSON document; the plain columns are only who, when and where.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.assessments.models import CommitteeJudgement
from app.audit.actor import Actor
from app.audit.services import record
from app.auth.models import User
from app.cases import workflow
from app.cases.models import Case
from app.core.errors import DomainError
from app.meetings.agenda import ensure_open
from app.meetings.models import AgendaItem, Meeting

LEVELS = ("low", "medium", "high")
LEVEL_LABELS = {"low": _l("Low"), "medium": _l("Medium"), "high": _l("High")}
WORRY_RANGE = range(0, 11)
REASONS_MAX_LENGTH = 2000


@dataclass(frozen=True)
class JudgementView:
    id: int
    recorded_at: dt.datetime
    recorded_by: str | None
    meeting_id: int | None
    meeting_held_on: dt.date | None
    worry: int | None
    level: str | None
    reasons: str

    @property
    def level_label(self):
        return LEVEL_LABELS.get(self.level or "", "")


def _checked(worry: int | None, level: str | None, reasons: str) -> dict:
    if worry is None and not level:
        raise DomainError(_l("Give a worry from 0 to 10, a level, or both."), "worry")
    if worry is not None and worry not in WORRY_RANGE:
        raise DomainError(_l("The worry is a whole number from 0 to 10."), "worry")
    if level and level not in LEVELS:
        raise DomainError(_l("Choose low, medium or high."), "level")
    text = (reasons or "").replace("\r\n", "\n").strip()
    if not text:
        raise DomainError(_l("Write the committee's reasons."), "reasons")
    if len(text) > REASONS_MAX_LENGTH:
        raise DomainError(_l("At most %(n)d characters.", n=REASONS_MAX_LENGTH), "reasons")
    return {"worry": worry, "level": level or None, "reasons": text}


def record_judgement(
    session: Session,
    actor: Actor,
    case: Case,
    *,
    worry: int | None,
    level: str | None,
    reasons: str,
    meeting: Meeting | None = None,
) -> CommitteeJudgement:
    """The judgement at a review; from meeting mode only while the meeting is open and only
    for a case on its agenda."""
    document = _checked(worry, level, reasons)
    if meeting is not None:
        ensure_open(meeting)
        on_agenda = session.scalar(
            select(AgendaItem.id).where(
                AgendaItem.meeting_id == meeting.id, AgendaItem.case_id == case.id
            )
        )
        if on_agenda is None:
            raise DomainError(_l("The case is not on this meeting's agenda."), "meeting")
    judgement = CommitteeJudgement(
        case_id=case.id,
        meeting_id=meeting.id if meeting else None,
        recorded_by_id=actor.user_id,
        content=json.dumps(document, sort_keys=True, ensure_ascii=False),
    )
    session.add(judgement)
    session.flush()
    record(
        session,
        actor,
        "judgement.record",
        object_type="committee_judgement",
        object_id=judgement.id,
        details={"case_id": case.id, "meeting_id": judgement.meeting_id},
    )
    workflow.add_event(session, actor, case, "judgement.recorded")
    return judgement


def judgements_for_case(session: Session, case_id: int) -> list[JudgementView]:
    """Oldest first: the committee's timeline. The caller audits the read."""
    rows = session.execute(
        select(CommitteeJudgement, User.full_name, Meeting.held_on)
        .outerjoin(User, User.id == CommitteeJudgement.recorded_by_id)
        .outerjoin(Meeting, Meeting.id == CommitteeJudgement.meeting_id)
        .where(CommitteeJudgement.case_id == case_id)
        .order_by(CommitteeJudgement.recorded_at, CommitteeJudgement.id)
    ).all()
    views = []
    for judgement, name, held_on in rows:
        document = json.loads(judgement.content)
        views.append(
            JudgementView(
                id=judgement.id,
                recorded_at=judgement.recorded_at,
                recorded_by=name,
                meeting_id=judgement.meeting_id,
                meeting_held_on=held_on,
                worry=document.get("worry"),
                level=document.get("level"),
                reasons=document.get("reasons") or "",
            )
        )
    return views
