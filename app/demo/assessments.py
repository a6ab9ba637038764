"""Demo assessments: about 40 cases with two assessors each, through the real services.

Cases the meetings have dealt with were assessed before their first meeting; some in
follow-up were assessed again, showing change; cases still waiting have open requests, a few
half answered. Some answers are "don't know", a couple of assessors declined. The services
move a case's status as they would have at the time; the status the demo gave the case is
put back afterwards, and every timestamp is moved to when it would have happened. The
canary child gets no requests, so no e-mail ever carries its name.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.assessments import answering, requests
from app.assessments.instrument import Instrument, current_instrument
from app.assessments.models import AssessmentRequest, InstrumentVersion, Invitation
from app.assessments.requests import AssessorInput, LinkSettings
from app.audit.actor import Actor
from app.auth.models import User
from app.cases.models import Case, CaseEvent
from app.cases.workflow import Status
from app.db import utcnow
from app.demo.assessment_texts import (
    LEISURE,
    QUESTIONS,
    RESILIENCE_EVIDENCE,
    RISK_EVIDENCE,
    SCHOOLS,
    WORRY_REASONS,
)
from app.demo.names import BOYS, GIRLS, SURNAMES
from app.mail.models import OutboxMessage
from app.meetings.models import AgendaItem, Meeting

LINKS = LinkSettings("https://demo.tidlig.dk", dt.timedelta(days=14))
MAIL_DOMAIN = "demo.tidlig.dk"
DEALT_WITH = (
    Status.READY_FOR_REVIEW,
    Status.ON_AGENDA,
    Status.RECOMMENDATION_MADE,
    Status.IN_FOLLOW_UP,
    Status.CLOSED,
)
ANSWERED_CASES, WAITING_CASES, SECOND_ROUNDS, DECLINES = 30, 10, 8, 2


def _ascii(text: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", " ": "", ",": "", ".": ""})
    return text.lower().translate(table)


class _Demo:
    def __init__(self, session: Session, rng: random.Random, actor: Actor, today: dt.date):
        self.session, self.rng, self.actor, self.today = session, rng, actor, today
        self.form: Instrument = current_instrument(session)
        self.declines_left = DECLINES
        # Everything the services stamp from here on is moved back to the story's time.
        self.started = utcnow()

    # --- who is asked, and what they answer -------------------------------------------

    def assessor(self, place: str, kind: str, setting: str) -> AssessorInput:
        first = self.rng.choice(BOYS + GIRLS)
        last = self.rng.choice(SURNAMES)
        email = f"{_ascii(first)}.{_ascii(last)}@{_ascii(place)}.{MAIL_DOMAIN}"
        return AssessorInput(f"{first} {last}", email, setting, kind)

    def pair(self) -> list[AssessorInput]:
        school = self.rng.choice(SCHOOLS)
        grade = f"{self.rng.randint(5, 9)}.{self.rng.choice('abc')}"
        leisure, kind = self.rng.choice(LEISURE)
        return [
            self.assessor(school, "school", f"{school}, {grade}"),
            self.assessor(leisure, kind, leisure),
        ]

    def truth(self) -> dict[str, int]:
        """The child as it is: each assessor sees it with some noise, or not at all."""
        return {
            d.key: self.rng.choices((0, 1, 2), (3, 4, 2) if d.is_risk else (2, 4, 3))[0]
            for d in self.form.domains
        }

    def _evidence(self, risk: bool) -> str:
        text = self.rng.choice(RISK_EVIDENCE if risk else RESILIENCE_EVIDENCE)
        rng = self.rng
        return text.format(
            w=rng.randint(34, 50), n=rng.randint(3, 12), d=rng.randint(1, 28), m=rng.randint(9, 11)
        )

    def answers(self, truth: dict[str, int]) -> dict[str, str]:
        rng = self.rng
        data = {
            "contact": rng.choice(("daily", "daily", "weekly", "monthly")),
            "known_for": rng.choice(("3_to_12_months", "over_1_year", "under_3_months")),
        }
        for domain in self.form.domains:
            roll, key = rng.random(), domain.key
            if roll < 0.12:
                data[f"{key}-answer"] = "dont_know"
                data[f"{key}-unknown_reason"] = rng.choice(tuple(self.form.unknown_reasons))
                continue
            if roll < 0.15 and domain.is_risk:
                data[f"{key}-answer"] = "not_relevant"
                continue
            rating = min(2, max(0, truth[key] + rng.choice((-1, 0, 0, 0, 1))))
            data[f"{key}-answer"] = str(rating)
            if self.form.needs_evidence(domain, rating):
                data[f"{key}-evidence"] = self._evidence(domain.is_risk)
            data[f"{key}-source"] = rng.choice(tuple(self.form.sources))
            data[f"{key}-confidence"] = rng.choice(tuple(self.form.confidence))
        if rng.random() < 0.7:
            data["worry"] = str(rng.randint(1, 8))
            data["worry_reason"] = rng.choice(WORRY_REASONS)
        return data

    # --- moving the story's clock ----------------------------------------------------

    def backdate(self, case: Case, when: dt.datetime) -> None:
        """What the services just wrote (stamped with the real clock) happened at `when`."""
        self.session.flush()
        self.session.execute(
            update(CaseEvent)
            .where(CaseEvent.case_id == case.id, CaseEvent.occurred_at >= self.started)
            .values(occurred_at=when)
        )
        self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.created_at >= self.started)
            .values(created_at=when, sent_at=when + dt.timedelta(minutes=1))
        )

    def when(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(
            day, dt.time(self.rng.randint(8, 15), self.rng.randint(0, 59)), dt.UTC
        )

    # --- one round ---------------------------------------------------------------------

    def ask(self, case: Case, asked_on: dt.date, round_two: bool) -> list:
        due_on = asked_on + dt.timedelta(days=7)
        if round_two:
            issued = requests.repeat_round(
                self.session, self.actor, case, due_on, LINKS, today=asked_on
            )
        else:
            issued = requests.request_assessments(
                self.session,
                self.actor,
                case,
                self.pair(),
                self.rng.choice(QUESTIONS),
                due_on,
                LINKS,
                today=asked_on,
            )
        asked_at = self.when(asked_on)
        for item in issued:
            item.request.requested_at = asked_at
            self.session.execute(
                update(Invitation)
                .where(Invitation.request_id == item.request.id)
                .values(created_at=asked_at, expires_at=asked_at + LINKS.valid_for)
            )
        self.backdate(case, asked_at)
        return [item.request for item in issued]

    def answer(
        self, case: Case, request: AssessmentRequest, truth: dict, day: dt.date, outcome: str
    ) -> None:
        now = self.when(day)
        invitation = request.invitations[-1]
        actor = Actor.system("demo-seed")
        if outcome == "declined":
            answering.decline(
                self.session,
                actor,
                invitation,
                "not_known_well_enough",
                f"{LINKS.base_url}/cases/{case.id}",
                now=now,
            )
        elif outcome == "draft":
            half = {k: v for k, v in self.answers(truth).items() if k[:2] in ("R1", "R2", "co")}
            answering.save_draft(self.session, actor, invitation, half, now=now)
        else:
            answering.submit(
                self.session,
                actor,
                invitation,
                self.answers(truth),
                notice_acknowledged=True,
                now=now,
            )
        self.session.execute(
            update(Invitation)
            .where(Invitation.request_id == request.id, Invitation.opened_at.is_(None))
            .values(opened_at=now)
        )
        self.backdate(case, now)

    def outcome(self, waiting: bool) -> str:
        if self.declines_left and self.rng.random() < 0.08:
            self.declines_left -= 1
            return "declined"
        if waiting:
            return self.rng.choices(("submitted", "draft", "open"), (3, 2, 4))[0]
        return "submitted"


def _first_meetings(session: Session) -> dict[int, dt.date]:
    rows = session.execute(
        select(AgendaItem.case_id, func.min(Meeting.held_on))
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .group_by(AgendaItem.case_id)
    )
    return dict(rows.all())


def _on_planned_agendas(session: Session) -> set[int]:
    """Cases on the agenda of a meeting still to be held: the demo's meeting mode shows them."""
    rows = session.scalars(
        select(AgendaItem.case_id)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(Meeting.status == "planned")
    )
    return set(rows)


def _assessed(demo: _Demo, case: Case, first_meeting: dt.date | None, second: bool) -> None:
    rng, today = demo.rng, demo.today
    opened = case.opened_at.date()
    anchor = first_meeting or min(today - dt.timedelta(days=10), opened + dt.timedelta(days=20))
    asked_on = max(opened, anchor - dt.timedelta(days=rng.randint(10, 16)))
    asked_on = min(asked_on, today - dt.timedelta(days=9))
    truth = demo.truth()
    for request in demo.ask(case, asked_on, round_two=False):
        answered_on = asked_on + dt.timedelta(days=rng.randint(1, 6))
        # A case asked again keeps both assessors: the second round shows their change.
        outcome = "submitted" if second else demo.outcome(waiting=False)
        demo.answer(case, request, truth, answered_on, outcome)
    answered = [
        r for r in requests.requests_for_case(demo.session, case.id) if r.status == "submitted"
    ]
    if not (second and answered and first_meeting):
        return
    # Asked again for the follow-up, two to three weeks after the first meeting.
    again_on = min(
        first_meeting + dt.timedelta(days=rng.randint(14, 21)), today - dt.timedelta(days=3)
    )
    case.status = Status.IN_FOLLOW_UP.value
    # Weeks on: things have moved, mostly for the better.
    moved = {
        key: max(0, min(2, value + rng.choice((-1, -1, 0, 1)))) for key, value in truth.items()
    }
    for request in demo.ask(case, again_on, round_two=True):
        days = rng.randint(1, min(6, (today - again_on).days - 1))
        demo.answer(case, request, moved, again_on + dt.timedelta(days=days), "submitted")


def _waiting(demo: _Demo, case: Case) -> None:
    rng, today = demo.rng, demo.today
    # Asked up to nine days ago: some are due soon (a reminder), a few overdue.
    asked_on = max(case.opened_at.date(), today - dt.timedelta(days=rng.randint(1, 9)))
    truth = demo.truth()
    for request in demo.ask(case, asked_on, round_two=False):
        days = (today - asked_on).days
        outcome = demo.outcome(waiting=True) if days > 1 else "open"
        if outcome != "open":
            day = asked_on + dt.timedelta(days=rng.randint(1, days - 1))
            demo.answer(case, request, truth, day, outcome)


def add_demo_assessments(
    session: Session,
    rng: random.Random,
    coordinator_id: int | None,
    today: dt.date,
    canary_first_name: str,
) -> None:
    coordinator = session.get(User, coordinator_id) if coordinator_id else None
    if coordinator is None or session.scalar(select(InstrumentVersion.id).limit(1)) is None:
        return  # a schema built without the migrations' instrument
    actor = Actor(coordinator.id, coordinator.organisation_id, coordinator.role)
    demo = _Demo(session, rng, actor, today)
    cases = [
        c
        for c in session.scalars(select(Case).order_by(Case.id))
        if c.person.first_name != canary_first_name
    ]
    first_meetings = _first_meetings(session)
    dealt_with = [c for c in cases if c.status in DEALT_WITH]
    waiting = [c for c in cases if c.status == Status.ASSESSMENTS_REQUESTED]
    # A second round needs a first meeting long enough ago for the follow-up to have come.
    early = today - dt.timedelta(days=20)
    in_follow_up = [
        c
        for c in dealt_with
        if c.status == Status.IN_FOLLOW_UP and first_meetings.get(c.id, today) <= early
    ]
    second = {c.id for c in rng.sample(in_follow_up, k=min(SECOND_ROUNDS, len(in_follow_up)))}
    # Every case on the next meeting's agenda has its assessments, as it would in practice.
    upcoming = _on_planned_agendas(session)
    chosen = [c for c in dealt_with if c.id in upcoming]
    others = [c for c in dealt_with if c.id not in upcoming]
    wanted = max(0, ANSWERED_CASES - len(second) - len(chosen))
    chosen += rng.sample(others, k=min(wanted, len(others)))
    chosen += [c for c in in_follow_up if c.id in second and c not in chosen]
    for case in sorted(chosen, key=lambda c: c.id):
        final = case.status
        case.status = Status.NEW.value  # as it was when the committee first asked
        _assessed(demo, case, first_meetings.get(case.id), case.id in second)
        case.status = final
    for case in rng.sample(waiting, k=min(WAITING_CASES, len(waiting))):
        # From here the services decide: answered by both, the case is ready for review.
        case.status = Status.NEW.value
        _waiting(demo, case)
    session.flush()
