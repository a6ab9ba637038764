"""Rounds of answered assessments for the profile, correction and case-page tests."""

from __future__ import annotations

import datetime as dt

from app.assessments import requests
from app.assessments.profile import build_profile
from tests.assessments.helpers import LINKS, SYSTEM, ask, submit_answers, teacher


def answered(session, case, *pairs, actor=SYSTEM):
    """Ask each (assessor, overrides) pair and submit their answers: one round."""
    issued = ask(session, case, *[assessor for assessor, _ in pairs], actor=actor)
    for item, (_assessor, overrides) in zip(issued, pairs, strict=True):
        submit_answers(session, item, overrides=overrides)
    session.flush()
    return issued


def repeated(session, case, *overrides_per_assessor, actor=SYSTEM):
    """One click at follow-up (repeat_round), then every assessor answers again."""
    issued = requests.repeat_round(
        session, actor, case, dt.date.today() + dt.timedelta(days=7), LINKS
    )
    for item, overrides in zip(issued, overrides_per_assessor, strict=True):
        submit_answers(session, item, overrides=overrides)
    session.flush()
    return issued


def profile_of(session, case, locale: str = "en"):
    return build_profile(session, requests.requests_for_case(session, case.id), locale)


__all__ = ["answered", "profile_of", "repeated", "teacher"]
