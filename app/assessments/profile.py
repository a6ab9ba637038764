"""The assessment profile of a case: rounds → assessors → one state per domain.

A profile, never a score (instrument.md): "don't know" and "not relevant" stay states of
their own and are never counted or drawn as 0. Everything is matched by the domains' stable
keys, so an assessment under an older instrument version still shows and compares where
the keys agree. Pure read model: the caller loads the rows and writes the audit entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.assessments import content as answers
from app.assessments.instrument import KINDS, Instrument, instrument
from app.assessments.models import Assessment, AssessmentRequest

# A difference this large between two assessors' known ratings is a discussion point.
DISAGREEMENT = 2
KNOWN = ("0", "1", "2")


@dataclass(frozen=True)
class Cell:
    key: str
    kind: str
    label: str
    # "0" | "1" | "2" | "dont_know" | "not_relevant" | "missing" (not in that version)
    state: str
    text: str
    # "up" | "down" | "same" | "new_information" | "no_longer_known" | None
    change: str | None = None
    previous_text: str | None = None
    discussion: bool = False

    @property
    def rating(self) -> int | None:
        return int(self.state) if self.state in KNOWN else None


@dataclass
class AssessorProfile:
    request_id: int
    round: int
    user_id: int | None
    name: str
    email: str
    setting: str
    setting_kind: str
    version: int
    instrument_version: int
    submitted_at: dt.datetime | None
    rows: dict[str, list[Cell]]
    coverage: tuple[int, int]
    worry: int | None
    worry_reason: str
    # Filled when rounds are compared: "same" | "setting_changed" | "new_assessor" | None
    continuity: str | None = None
    previous_request_id: int | None = None

    @property
    def cells(self) -> list[Cell]:
        return [cell for kind in KINDS for cell in self.rows[kind]]

    def cell(self, key: str) -> Cell | None:
        return next((c for c in self.cells if c.key == key), None)

    @property
    def changed(self) -> bool:
        return self.continuity in ("setting_changed", "new_assessor")


@dataclass(frozen=True)
class DiscussionPoint:
    key: str
    label: str
    ratings: list[tuple[str, str]]  # (assessor name, rating text)


@dataclass
class RoundProfile:
    number: int
    assessors: list[AssessorProfile]
    # Domains in the order of the newest instrument among the round's assessments.
    domains: list[tuple[str, str, str]] = field(default_factory=list)  # (key, kind, label)
    discussion: list[DiscussionPoint] = field(default_factory=list)


@dataclass
class CaseProfile:
    rounds: list[RoundProfile]

    @property
    def latest(self) -> RoundProfile | None:
        return self.rounds[-1] if self.rounds else None

    @property
    def previous(self) -> RoundProfile | None:
        return self.rounds[-2] if len(self.rounds) > 1 else None


def state_text(form: Instrument, kind: str, state: str, locale: str) -> str:
    if state in KNOWN:
        return f"{form.scales[kind][int(state)](locale)} ({state})"
    if state in form.states:
        return form.states[state](locale)
    return "—"


def build_cells(form: Instrument, document: dict, locale: str) -> dict[str, list[Cell]]:
    """Two rows of cells (risk, resilience) in the instrument's order."""
    rows: dict[str, list[Cell]] = {kind: [] for kind in KINDS}
    for domain in form.domains:
        state = answers.state(document, domain.key) or "missing"
        rows[domain.kind].append(
            Cell(
                key=domain.key,
                kind=domain.kind,
                label=domain.label(locale),
                state=state,
                text=state_text(form, domain.kind, state, locale),
            )
        )
    return rows


def latest_submitted(session: Session, request_ids: list[int]) -> dict[int, Assessment]:
    """The newest submitted version per request (corrections are later versions)."""
    if not request_ids:
        return {}
    rows = session.scalars(
        select(Assessment)
        .where(Assessment.request_id.in_(request_ids), Assessment.status == "submitted")
        .order_by(Assessment.request_id, Assessment.version)
    )
    return {row.request_id: row for row in rows}


def assessor_profile(
    session: Session, request: AssessmentRequest, assessment: Assessment, locale: str
) -> AssessorProfile:
    form = instrument(session, assessment.instrument_version_id)
    document = answers.loads(assessment.content)
    return AssessorProfile(
        request_id=request.id,
        round=request.round,
        user_id=request.assessor_user_id,
        name=request.assessor_name,
        email=request.assessor_email,
        setting=request.assessor_setting,
        setting_kind=request.setting_kind,
        version=assessment.version,
        instrument_version=form.version,
        submitted_at=assessment.submitted_at,
        rows=build_cells(form, document, locale),
        coverage=answers.coverage(form, document),
        worry=document.get("worry"),
        worry_reason=document.get("worry_reason") or "",
    )


def _round_domains(assessors: list[AssessorProfile]) -> list[tuple]:
    """The union of domain keys, newest instrument's order first, older-only keys after."""
    seen: dict[str, tuple[str, str, str]] = {}
    ordered = sorted(assessors, key=lambda a: -a.instrument_version)
    for assessor in ordered:
        for cell in assessor.cells:
            seen.setdefault(cell.key, (cell.key, cell.kind, cell.label))
    return list(seen.values())


def mark_discussion(round_profile: RoundProfile) -> None:
    """Domains where two assessors' known ratings differ by 2 are for the committee to talk
    through; unknown states never take part in the comparison."""
    points = []
    for key, _kind, label in round_profile.domains:
        cells = [(a, a.cell(key)) for a in round_profile.assessors]
        known = [(a, c) for a, c in cells if c is not None and c.rating is not None]
        ratings = [c.rating for _a, c in known]
        if len(ratings) < 2 or max(ratings) - min(ratings) < DISAGREEMENT:
            continue
        points.append(DiscussionPoint(key, label, [(a.name, c.text) for a, c in known]))
        for assessor in round_profile.assessors:
            _flag_cell(assessor, key)
    round_profile.discussion = points


def _flag_cell(assessor: AssessorProfile, key: str) -> None:
    for kind in KINDS:
        assessor.rows[kind] = [
            _replace(c, discussion=True) if c.key == key else c for c in assessor.rows[kind]
        ]


def _replace(cell: Cell, **changes) -> Cell:
    return replace(cell, **changes)


def same_assessor(now: AssessorProfile, before: AssessorProfile) -> bool:
    if now.user_id is not None and before.user_id is not None:
        return now.user_id == before.user_id
    return now.email.strip().lower() == before.email.strip().lower()


def change_of(now: Cell, before: Cell | None) -> str | None:
    """An arrow only where both are known; unknown → known is new information."""
    if before is None or before.rating is None:
        return "new_information" if now.rating is not None else None
    if now.rating is None:
        return "no_longer_known"
    if now.rating == before.rating:
        return "same"
    return "up" if now.rating > before.rating else "down"


def compare(now: AssessorProfile, earlier: list[AssessorProfile]) -> None:
    """Pair `now` with the same assessor in the round before and mark each domain's change."""
    before = next((b for b in earlier if same_assessor(now, b)), None)
    if before is None:
        now.continuity = "new_assessor"
        return
    now.previous_request_id = before.request_id
    same_setting = (now.setting.strip().lower(), now.setting_kind) == (
        before.setting.strip().lower(),
        before.setting_kind,
    )
    now.continuity = "same" if same_setting else "setting_changed"
    for kind in KINDS:
        updated = []
        for cell in now.rows[kind]:
            old = before.cell(cell.key)
            updated.append(
                _replace(
                    cell,
                    change=change_of(cell, old),
                    previous_text=old.text if old is not None else None,
                )
            )
        now.rows[kind] = updated


def build_profile(session: Session, requests: list[AssessmentRequest], locale: str) -> CaseProfile:
    """Rounds in order, each with the latest version of every submitted assessment."""
    answered = [r for r in requests if r.status == "submitted"]
    latest = latest_submitted(session, [r.id for r in answered])
    by_round: dict[int, list[AssessorProfile]] = {}
    for request in answered:
        if request.id in latest:
            profile = assessor_profile(session, request, latest[request.id], locale)
            by_round.setdefault(request.round, []).append(profile)
    rounds = []
    for number in sorted(by_round):
        round_profile = RoundProfile(number, by_round[number])
        round_profile.domains = _round_domains(round_profile.assessors)
        mark_discussion(round_profile)
        if rounds:
            for assessor in round_profile.assessors:
                compare(assessor, rounds[-1].assessors)
        rounds.append(round_profile)
    return CaseProfile(rounds)


def suggestion_profile(case_profile: CaseProfile) -> dict[str, int | None]:
    """For measure suggestions, from the latest round: a risk's highest known rating across
    assessors, a resource's lowest known one; None where no assessor knows."""
    latest = case_profile.latest
    if latest is None:
        return {}
    result: dict[str, int | None] = {}
    for key, kind, _label in latest.domains:
        ratings = [
            a.cell(key).rating
            for a in latest.assessors
            if a.cell(key) is not None and a.cell(key).rating is not None
        ]
        if not ratings:
            result[key] = None
        else:
            result[key] = max(ratings) if kind == "risk" else min(ratings)
    return result
