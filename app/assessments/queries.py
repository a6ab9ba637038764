"""Read models of a case's assessments for the case page, the full view and meeting mode.

Each function that returns what assessors or the committee wrote records the read in the
audit trail, in the same transaction as the page that shows it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.assessments import content as answers
from app.assessments.corrections import versions
from app.assessments.instrument import Instrument, instrument
from app.assessments.judgements import JudgementView, judgements_for_case
from app.assessments.models import Assessment, AssessmentRequest
from app.assessments.profile import CaseProfile, build_profile, state_text, suggestion_profile
from app.assessments.requests import requests_for_case
from app.audit.actor import Actor
from app.audit.services import record
from app.auth.models import User
from app.cases.models import Case
from app.meetings.suggestions import PROFILE_PROVIDERS

CASE_WORK = "case_work"
MEETING = "meeting"
STATUS_LABELS = {
    "open": _l("Open"),
    "overdue": _l("Overdue"),
    "submitted": _l("Answered"),
    "declined": _l("Declined"),
    "revoked": _l("Withdrawn"),
}
DECLINE_LABELS = {
    "not_known_well_enough": _l("Does not know the child well enough"),
    "not_my_setting": _l("Not their setting"),
}
SETTING_KIND_LABELS = {
    "school": _l("School"),
    "club": _l("Club"),
    "youth_school": _l("Youth school"),
    "other": _l("Other"),
}


def short_locale(locale: str) -> str:
    return "en" if str(locale).startswith("en") else "da"


@dataclass(frozen=True)
class RequestRow:
    id: int
    name: str
    setting: str
    setting_kind: str
    requested_at: dt.datetime
    due_on: dt.date
    status: str  # a key of STATUS_LABELS; "overdue" is an open request past its due date
    decline_reason: str | None
    answered: bool
    is_open: bool


@dataclass
class RequestRound:
    number: int
    rows: list[RequestRow] = field(default_factory=list)


@dataclass
class AssessmentsSection:
    rounds: list[RequestRound]
    profile: CaseProfile
    judgements: list[JudgementView]
    can_repeat: bool


def request_row(request: AssessmentRequest, today: dt.date) -> RequestRow:
    status = request.status
    if status == "open" and request.due_on < today:
        status = "overdue"
    return RequestRow(
        id=request.id,
        name=request.assessor_name,
        setting=request.assessor_setting,
        setting_kind=request.setting_kind,
        requested_at=request.requested_at,
        due_on=request.due_on,
        status=status,
        decline_reason=request.decline_reason,
        answered=request.status == "submitted",
        is_open=request.status == "open",
    )


def _rounds(requests: list[AssessmentRequest], today: dt.date) -> list[RequestRound]:
    rounds: dict[int, RequestRound] = {}
    for request in requests:
        rounds.setdefault(request.round, RequestRound(request.round)).rows.append(
            request_row(request, today)
        )
    return [rounds[n] for n in sorted(rounds, reverse=True)]


def case_section(
    session: Session,
    actor: Actor,
    case: Case,
    locale: str,
    today: dt.date,
    *,
    purpose: str | None = None,
) -> AssessmentsSection:
    """Requests per round (newest first), the profile and the judgement timeline."""
    requests = requests_for_case(session, case.id)
    judgements = judgements_for_case(session, case.id)
    if requests or judgements:
        record(
            session,
            actor,
            "assessment.profile_view",
            object_type="case",
            object_id=case.id,
            purpose=purpose or CASE_WORK,
        )
    last_round = max((r.round for r in requests), default=None)
    return AssessmentsSection(
        rounds=_rounds(requests, today),
        profile=build_profile(session, requests, short_locale(locale)),
        judgements=judgements,
        can_repeat=any(r.round == last_round and r.status == "submitted" for r in requests),
    )


@dataclass(frozen=True)
class DomainAnswer:
    key: str
    kind: str
    label: str
    state_text: str
    unknown_reason: str | None
    evidence: str
    source: str | None
    confidence: str | None


@dataclass
class VersionView:
    version: int
    instrument_version: int
    submitted_at: dt.datetime | None
    corrected_by: str | None
    correction_reason: str | None
    contact: str | None
    known_for: str | None
    worry: int | None
    worry_reason: str
    coverage: tuple[int, int]
    domains: list[DomainAnswer]
    notice_acknowledged: bool


@dataclass
class AssessmentDetail:
    request: AssessmentRequest
    row: RequestRow
    versions: list[VersionView]  # newest first

    @property
    def latest(self) -> VersionView | None:
        return self.versions[0] if self.versions else None


def _label(texts: dict, key: str | None, locale: str) -> str | None:
    return texts[key](locale) if key in texts else None


def version_view(session: Session, assessment: Assessment, locale: str) -> VersionView:
    form: Instrument = instrument(session, assessment.instrument_version_id)
    document = answers.loads(assessment.content)
    domains = []
    for domain in form.domains:
        answer = (document.get("domains") or {}).get(domain.key) or {}
        state = answer.get("answer") or "missing"
        domains.append(
            DomainAnswer(
                key=domain.key,
                kind=domain.kind,
                label=domain.label(locale),
                state_text=state_text(form, domain.kind, state, locale),
                unknown_reason=_label(form.unknown_reasons, answer.get("unknown_reason"), locale),
                evidence=answer.get("evidence") or "",
                source=_label(form.sources, answer.get("source"), locale),
                confidence=_label(form.confidence, answer.get("confidence"), locale),
            )
        )
    corrector = (
        session.get(User, assessment.corrected_by_id) if assessment.corrected_by_id else None
    )
    return VersionView(
        version=assessment.version,
        instrument_version=form.version,
        submitted_at=assessment.submitted_at,
        corrected_by=corrector.full_name if corrector else None,
        correction_reason=assessment.correction_reason,
        contact=document.get("contact"),
        known_for=document.get("known_for"),
        worry=document.get("worry"),
        worry_reason=document.get("worry_reason") or "",
        coverage=answers.coverage(form, document),
        domains=domains,
        notice_acknowledged=assessment.notify_acknowledged_at is not None,
    )


def view_assessment(
    session: Session,
    actor: Actor,
    request: AssessmentRequest,
    locale: str,
    today: dt.date,
) -> AssessmentDetail:
    """One assessment in full, every version newest first; the read is audited."""
    record(
        session,
        actor,
        "assessment.view",
        object_type="assessment_request",
        object_id=request.id,
        purpose=CASE_WORK,
    )
    locale = short_locale(locale)
    shown = [version_view(session, a, locale) for a in reversed(versions(session, request.id))]
    return AssessmentDetail(request=request, row=request_row(request, today), versions=shown)


def correction_data(session: Session, request: AssessmentRequest) -> tuple[Instrument, dict]:
    """The latest submitted answers as form fields, to prefill the correction form."""
    latest = versions(session, request.id)[-1]
    return instrument(session, latest.instrument_version_id), answers.as_form_data(
        answers.loads(latest.content)
    )


def profile_for_suggestions(session: Session, case_id: int) -> dict[str, int | None] | None:
    """For meeting mode's measure suggestions (app/meetings/suggestions.py); the meeting
    screen that asks has already audited its read of the case."""
    requests = requests_for_case(session, case_id)
    if not any(r.status == "submitted" for r in requests):
        return None
    return suggestion_profile(build_profile(session, requests, "da")) or None


def register_profile_provider() -> None:
    if profile_for_suggestions not in PROFILE_PROVIDERS:
        PROFILE_PROVIDERS.append(profile_for_suggestions)


register_profile_provider()
