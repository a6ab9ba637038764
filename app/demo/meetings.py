"""Demo meetings: six held weekly meetings and next week's, built through the real services.

The concern seeding gives cases random statuses; here the cases that say a meeting has
dealt with them (recommendation made, in follow-up, on the agenda) get that meeting:
each is put on a past meeting's agenda and recommended for, with actions that are later
checked, some done, some not, some left to go overdue. "Today" moves through the past
meeting dates, so deadlines and review dates fall where they would have.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.actor import Actor
from app.auth.models import Organisation, User
from app.auth.roles import OrganisationType
from app.cases.models import Case
from app.cases.workflow import Status
from app.meetings import agenda, follow_up, recommendations, running
from app.meetings.models import Action, ActionType, Meeting
from app.meetings.recommendations import ActionInput
from app.meetings.schedule import current_schedule, next_meeting_date, update_schedule

PAST_MEETINGS = 6
NEXT_AGENDA_SIZE = 6
LOCATION = "Odense Rådhus, mødelokale 2.14"
# Which kind of organisation usually owns which measure.
OWNERS = {
    "concern_talk": (OrganisationType.POLICE, OrganisationType.SSP_SECRETARIAT),
    "mentor": (OrganisationType.CLUB, OrganisationType.CHILD_SERVICES),
    "leisure_referral": (OrganisationType.CLUB, OrganisationType.YOUTH_SCHOOL),
    "school_meeting": (OrganisationType.SCHOOL,),
    "family_support": (OrganisationType.CHILD_SERVICES,),
    "police_contact": (OrganisationType.POLICE,),
}
TEXTS = [
    "Udvalget anbefaler en bekymringssamtale med den unge og forældrene, og at skolen "
    "holder øje med fraværet.",
    "Den unge skal have en fast voksen, der følger op hver uge, og hjælp til at komme i "
    "gang med en fritidsaktivitet.",
    "Politiet tager en forebyggende samtale; klubben inviterer den unge med på aftenholdet.",
    "Skolen indkalder til et møde om trivsel og fællesskab; familien tilbydes støtte.",
    "Udvalget vil se situationen an med en tæt opfølgning fra skole og klub.",
]
FOLLOW_UP_TEXTS = [
    "Tiltagene virker efter hensigten; udvalget fortsætter med en enkelt opfølgning.",
    "Situationen er uændret. Udvalget anbefaler, at mentorordningen fortsætter.",
    "Bedre fremmøde i skolen. Klubben fortsætter kontakten.",
]
NO_ACTION_TEXT = (
    "Ingen tiltag fra udvalget nu: skolen følger op i eget regi, og sagen tages op igen "
    "ved en ny bekymring."
)
NOTES = [
    "Gennemgang af ugens nye sager; kort status fra politiet om uro ved stationen.",
    "Klubberne melder om flere unge om aftenen i Vollsmose. Ingen ændringer i mødeplanen.",
    "Forældremøde på Rosengårdskolen i næste uge; SSP deltager.",
    "Drøftelse af samarbejdet med ungdomsskolen om brobygning.",
]


class _Demo:
    def __init__(self, session: Session, rng: random.Random, actor: Actor) -> None:
        self.session, self.rng, self.actor = session, rng, actor
        self.types = {t.key: t.id for t in session.scalars(select(ActionType))}
        organisations = session.scalars(
            select(Organisation).where(Organisation.is_section_115_party, Organisation.active)
        )
        self.by_type: dict[str, list[int]] = {}
        for organisation in organisations:
            self.by_type.setdefault(organisation.type, []).append(organisation.id)

    def actions(self, held_on: dt.date, count: int) -> list[ActionInput]:
        keys = [k for k in OWNERS if k in self.types]
        chosen = []
        for key in self.rng.sample(keys, k=min(count, len(keys))):
            owners = [o for kind in OWNERS[key] for o in self.by_type.get(kind.value, [])]
            if owners:
                days = self.rng.choice([7, 14, 14, 21, 28, 42])
                chosen.append(
                    ActionInput(
                        self.types[key],
                        self.rng.choice(owners),
                        held_on + dt.timedelta(days=days),
                    )
                )
        return chosen

    def check_earlier_actions(self, meeting: Meeting) -> None:
        """The weekly check: due actions are mostly done, some not, some left unmarked."""
        for action in follow_up.open_actions_before(self.session, meeting):
            if action.deadline > meeting.held_on:
                continue
            roll = self.rng.random()
            if roll < 0.55:
                result, reason = "done", None
            elif roll < 0.8:
                result = "not_done"
                reason = self.rng.choice(list(follow_up.NotDoneReason)).value
            else:
                continue  # nobody knew: it stays open and goes overdue
            check = follow_up.check_action(
                self.session, self.actor, meeting, action.id, result=result, reason=reason
            )
            check.checked_at = dt.datetime.combine(meeting.held_on, meeting.start_time, dt.UTC)

    def record_outcomes(self, case_id: int) -> None:
        """At a case's follow-up: did the earlier actions help?"""
        earlier = self.session.scalars(
            select(Action).where(Action.case_id == case_id, Action.outcome.is_(None))
        ).all()
        for action in earlier:
            if action.status == "done":
                outcome = self.rng.choice(["effect_seen", "no_effect", "done"])
            elif action.status == "not_done":
                outcome = "not_done"
            else:
                continue
            follow_up.record_outcome(self.session, self.actor, action, outcome)

    def hold(self, held_on: dt.date, present: bool, without_actions: int = 0) -> Meeting:
        session = self.session
        meeting = agenda.plan_meeting(
            session, self.actor, today=held_on - dt.timedelta(days=5), held_on=held_on
        )
        running.start_meeting(session, self.actor, meeting)
        members = {member.user_id for member in meeting.members}
        running.record_attendance(session, self.actor, meeting, members if present else set())
        self.check_earlier_actions(meeting)
        reviews = [item for item in meeting.items if item.kind == "review"]
        # A few recommendations without actions: those cases stay "recommendation made".
        bare = {item.id for item in reviews[:without_actions]}
        for item in list(meeting.items):
            self.recommend(meeting, item, item.id in bare)
        running.save_notes(session, self.actor, meeting, self.rng.choice(NOTES))
        running.finish_meeting(session, self.actor, meeting)
        start = dt.datetime.combine(held_on, meeting.start_time, tzinfo=dt.UTC)
        meeting.started_at, meeting.finished_at = start, start + dt.timedelta(minutes=85)
        return meeting

    def recommend(self, meeting: Meeting, item, without_actions: bool) -> None:
        held_on, rng = meeting.held_on, self.rng
        if item.kind == "follow_up":
            self.record_outcomes(item.case_id)
            text, actions = rng.choice(FOLLOW_UP_TEXTS), self.actions(held_on, 1)
        elif without_actions:
            text, actions = NO_ACTION_TEXT, []
        else:
            text, actions = rng.choice(TEXTS), self.actions(held_on, rng.choice([1, 2, 2, 3]))
        review = (
            None if without_actions else held_on + dt.timedelta(days=rng.choice([21, 28, 35, 42]))
        )
        recommendation = recommendations.record_recommendation(
            self.session,
            self.actor,
            meeting,
            item,
            text=text,
            next_review_on=review,
            actions=actions,
        )
        recommendation.created_at = dt.datetime.combine(held_on, meeting.start_time, dt.UTC)


def _park(cases: list[Case]) -> None:
    """Out of the proposals' reach until their meeting comes (demo only: no workflow)."""
    for case in cases:
        case.status = Status.ASSESSMENTS_REQUESTED.value
        case.next_review_on = None


def _ready(session: Session, cases: list[Case]) -> None:
    for case in cases:
        case.status = Status.READY_FOR_REVIEW.value
    session.flush()


def add_demo_meetings(
    session: Session, rng: random.Random, coordinator_id: int | None, today: dt.date
) -> None:
    coordinator = session.get(User, coordinator_id) if coordinator_id else None
    if coordinator is None:
        return
    actor = Actor(coordinator.id, coordinator.organisation_id, coordinator.role)
    update_schedule(
        session,
        actor,
        weekday=2,
        start_time=dt.time(13, 0),
        duration_minutes=90,
        location=LOCATION,
    )
    cases = list(session.scalars(select(Case).order_by(Case.id)))
    dealt_with = [c for c in cases if c.status in (Status.RECOMMENDATION_MADE, Status.IN_FOLLOW_UP)]
    waiting = [c for c in cases if c.status in (Status.ON_AGENDA, Status.READY_FOR_REVIEW)]
    next_agenda = [c for c in cases if c.status == Status.ON_AGENDA][:NEXT_AGENDA_SIZE]
    _park(dealt_with + waiting)
    session.flush()
    rng.shuffle(dealt_with)
    next_date = next_meeting_date(current_schedule(session), today)
    demo = _Demo(session, rng, actor)
    for number in range(PAST_MEETINGS):
        held_on = next_date - dt.timedelta(weeks=PAST_MEETINGS - number)
        _ready(session, dealt_with[number::PAST_MEETINGS])
        last = number == PAST_MEETINGS - 1
        demo.hold(held_on, present=number != 2, without_actions=2 if last else 0)
    _ready(session, next_agenda)
    agenda.plan_meeting(session, actor, today=today)
    _ready(session, [c for c in waiting if c.status == Status.ASSESSMENTS_REQUESTED])
