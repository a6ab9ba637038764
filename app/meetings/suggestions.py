"""Measure suggestions from the handlekatalog: risks of concern and missing resources point
to measures, weighted towards strengthening resources. Shown in meeting mode; never applied.

The profile comes from the assessments feature, which registers a provider here; until a
case has assessments there is nothing to suggest from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.meetings.models import ActionType, MeasureRule

# A profile maps a stable domain key (R1–R8, P1–P6) to a rating 0–2, or None when unknown.
Profile = Mapping[str, int | None]
ProfileProvider = Callable[[Session, int], Profile | None]
PROFILE_PROVIDERS: list[ProfileProvider] = []

RESOURCE_EMPHASIS = 1.5
MAX_SUGGESTIONS = 5


@dataclass
class Suggestion:
    action_type: ActionType
    score: float
    reasons_da: list[str] = field(default_factory=list)
    reasons_en: list[str] = field(default_factory=list)

    def reasons(self, locale: str) -> list[str]:
        return self.reasons_da if locale == "da" else self.reasons_en


def need(domain_key: str, rating: int | None) -> float:
    """How strongly a domain calls for a measure: 0 for unknown, never a guess."""
    if rating is None:
        return 0.0
    if domain_key.startswith("P"):  # a resource: absent (0) calls loudest
        return RESOURCE_EMPHASIS * (2 - rating)
    return float(rating)  # a risk: clear concern (2) calls loudest


def suggest_measures(session: Session, profile: Profile) -> list[Suggestion]:
    """Ranked measures for a profile; domains rated "don't know" contribute nothing."""
    needs = {key: need(key, rating) for key, rating in profile.items()}
    needs = {key: value for key, value in needs.items() if value > 0}
    if not needs:
        return []
    rules = session.execute(
        select(MeasureRule, ActionType)
        .join(ActionType, ActionType.id == MeasureRule.action_type_id)
        .where(MeasureRule.domain_key.in_(needs), ActionType.active.is_(True))
    ).all()
    suggestions: dict[int, Suggestion] = {}
    for rule, action_type in rules:
        suggestion = suggestions.setdefault(action_type.id, Suggestion(action_type, 0.0))
        suggestion.score += rule.weight * needs[rule.domain_key]
        suggestion.reasons_da.append(rule.rationale_da)
        suggestion.reasons_en.append(rule.rationale_en)
    ranked = sorted(suggestions.values(), key=lambda s: (-s.score, s.action_type.position))
    return ranked[:MAX_SUGGESTIONS]


def suggestions_for_case(session: Session, case_id: int) -> list[Suggestion] | None:
    """None while no assessment profile exists for the case."""
    for provider in PROFILE_PROVIDERS:
        profile = provider(session, case_id)
        if profile:
            return suggest_measures(session, profile)
    return None
