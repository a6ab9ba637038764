"""The numbers a coordinator or committee member starts the day with, each a link to the
list behind it. Counts only: nothing about a person is read, so nothing is audited here."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.assessments import overview as assessment_overview
from app.audit.actor import Actor
from app.auth.roles import Role
from app.cases.models import Case, Concern
from app.cases.policy import visible_cases
from app.cases.workflow import Status
from app.db import utcnow
from app.meetings.models import Action, Meeting
from app.meetings.policy import visible_actions, visible_meetings


def _count(session: Session, query) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def work_figures(session: Session, actor: Actor, today: dt.date) -> list[tuple]:
    """(label, value, endpoint) for the actor's role; empty for roles without case work."""
    from app.core.home import Figure

    overdue = visible_actions(actor).where(Action.status == "open", Action.deadline < today)
    upcoming = visible_meetings(actor).where(Meeting.status.in_(("planned", "in_progress")))
    if actor.role == Role.COORDINATOR:
        inbox = select(Concern.id).where(Concern.status == "inbox")
        unanswered = select(Concern.id).where(
            Concern.status == "recorded", Concern.notification.is_(None)
        )
        ready = select(Case.id).where(Case.status == Status.READY_FOR_REVIEW.value)
        return [
            Figure(_l("Reports in your inbox"), _count(session, inbox), "concerns.inbox"),
            Figure(
                _l("Concerns where the § 133 notification is not answered"),
                _count(session, unanswered),
                "concerns.inbox",
            ),
            Figure(
                _l("Assessments past their due date"),
                assessment_overview.overdue_count(session, today),
                "assessment_overview.index",
            ),
            Figure(
                _l("Assessment requests declined in the last two weeks"),
                assessment_overview.recently_declined_count(session, utcnow()),
                "assessment_overview.index",
            ),
            Figure(_l("Cases ready for review"), _count(session, ready), "cases.index"),
            *prompt_figures(session, actor, today),
            Figure(_l("Overdue actions"), _count(session, overdue), "actions.overdue"),
            Figure(_l("Upcoming meetings"), _count(session, upcoming), "meetings.index"),
        ]
    if actor.role == Role.COMMITTEE:
        return [
            Figure(_l("Upcoming meetings"), _count(session, upcoming), "meetings.index"),
            Figure(
                _l("Cases on your agendas or with your actions"),
                _count(session, visible_cases(actor).with_only_columns(Case.id)),
                "cases.index",
            ),
            Figure(
                _l("Overdue actions of your organisation"),
                _count(session, overdue),
                "actions.overdue",
            ),
        ]
    return []


def prompt_figures(session: Session, actor: Actor, today: dt.date) -> list:
    """privacy.md 14: open cases with no activity for a long time are proposed for closure,
    and young people who have reached the age limit for review; each links to its list."""
    from flask import current_app

    from app.cases.queries import CaseFilter, filtered_cases, prompt_criteria
    from app.core.home import Figure

    config = current_app.config

    def cases(inactive: bool = False, over_age: bool = False) -> int:
        criteria = CaseFilter(**prompt_criteria(config, inactive=inactive, over_age=over_age))
        return _count(session, filtered_cases(session, actor, criteria, today))

    return [
        Figure(
            _l(
                "Open cases with no activity for %(months)d months: propose closing",
                months=config["TIDLIG_INACTIVE_MONTHS"],
            ),
            cases(inactive=True),
            "cases.index",
            {"inactive": "y"},
        ),
        Figure(
            _l(
                "Open cases of young people aged %(age)d or over: review",
                age=config["TIDLIG_AGE_CEILING"],
            ),
            cases(over_age=True),
            "cases.index",
            {"over_age": "y"},
        ),
    ]
