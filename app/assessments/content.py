"""The answers document: what an assessor wrote, its shape, and the rules for submitting it.

Drafts keep whatever has a valid shape, so an autosave never loses work for being
incomplete; submission needs every domain set actively and evidence where the instrument
asks for it. Kept as a plain dict because it is stored as one encrypted JSON document.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.assessments.instrument import RATINGS, STATES, Domain, Instrument

ANSWERS = tuple(str(r) for r in RATINGS) + STATES
CONTACT_CHOICES = ("daily", "weekly", "monthly", "rarely")
KNOWN_FOR_CHOICES = ("under_3_months", "3_to_12_months", "over_1_year")
EVIDENCE_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 1000
WORRY_RANGE = range(0, 11)
DOMAIN_FIELDS = ("answer", "unknown_reason", "evidence", "source", "confidence")


@dataclass(frozen=True)
class Problem:
    field: str
    message: object


def field_name(domain_key: str, part: str) -> str:
    return f"{domain_key}-{part}"


def empty_content() -> dict:
    return {"domains": {}, "contact": None, "known_for": None, "worry": None, "worry_reason": ""}


def _choice(value: object, choices) -> str | None:
    text = str(value or "").strip()
    return text if text in choices else None


def _text(value: object, limit: int) -> str:
    # Longer text is refused on submission with a message; a draft keeps it as typed.
    return str(value or "").replace("\r\n", "\n").strip()[: limit * 2]


def _worry(value: object) -> int | None:
    try:
        worry = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return worry if worry in WORRY_RANGE else None


def from_form(instrument: Instrument, data: Mapping[str, object]) -> dict:
    """The document from submitted form fields; values of the wrong shape are left out."""
    content = empty_content()
    for domain in instrument.domains:
        answer = {
            "answer": _choice(data.get(field_name(domain.key, "answer")), ANSWERS),
            "unknown_reason": _choice(
                data.get(field_name(domain.key, "unknown_reason")), instrument.unknown_reasons
            ),
            "evidence": _text(data.get(field_name(domain.key, "evidence")), EVIDENCE_MAX_LENGTH),
            "source": _choice(data.get(field_name(domain.key, "source")), instrument.sources),
            "confidence": _choice(
                data.get(field_name(domain.key, "confidence")), instrument.confidence
            ),
        }
        if any(answer.values()):
            content["domains"][domain.key] = answer
    content["contact"] = _choice(data.get("contact"), CONTACT_CHOICES)
    content["known_for"] = _choice(data.get("known_for"), KNOWN_FOR_CHOICES)
    content["worry"] = _worry(data.get("worry"))
    content["worry_reason"] = _text(data.get("worry_reason"), REASON_MAX_LENGTH)
    return content


def as_form_data(content: dict) -> dict[str, object]:
    """The document back as form field values, to fill the form from a saved draft."""
    data: dict[str, object] = {
        key: content.get(key) for key in ("contact", "known_for", "worry", "worry_reason")
    }
    for key, answer in (content.get("domains") or {}).items():
        for part in DOMAIN_FIELDS:
            data[field_name(key, part)] = answer.get(part)
    return {key: value for key, value in data.items() if value not in (None, "")}


def dumps(content: dict) -> str:
    return json.dumps(content, sort_keys=True, ensure_ascii=False)


def loads(text: str) -> dict:
    return json.loads(text)


def rating(content: dict, domain_key: str) -> int | None:
    """The numeric rating, or None for unanswered, "don't know" and "not relevant"."""
    answer = (content.get("domains") or {}).get(domain_key) or {}
    value = answer.get("answer")
    return int(value) if value in ("0", "1", "2") else None


def state(content: dict, domain_key: str) -> str | None:
    """ "0"–"2", "dont_know", "not_relevant", or None when not set."""
    return ((content.get("domains") or {}).get(domain_key) or {}).get("answer")


def needs_notice(instrument: Instrument, content: dict, serious_worry: int) -> bool:
    """Any risk rated 2, or a serious worry: the duty-to-notify notice must be acknowledged."""
    risk_two = any(rating(content, d.key) == 2 for d in instrument.of_kind("risk"))
    worry = content.get("worry")
    return risk_two or (worry is not None and worry >= serious_worry)


def _domain_problems(instrument: Instrument, domain: Domain, answer: dict) -> list[Problem]:
    value = answer.get("answer")
    label = domain.key
    if value is None:
        return [Problem(field_name(label, "answer"), _l("Choose an answer for this area."))]
    problems = []
    if value == "dont_know" and not answer.get("unknown_reason"):
        problems.append(
            Problem(field_name(label, "unknown_reason"), _l("Say why you do not know."))
        )
    rated = value in ("0", "1", "2")
    evidence = answer.get("evidence") or ""
    if rated and instrument.needs_evidence(domain, int(value)) and not evidence:
        problems.append(
            Problem(
                field_name(label, "evidence"),
                _l("Describe what you have observed, with dates where you can."),
            )
        )
    if len(evidence) > EVIDENCE_MAX_LENGTH:
        problems.append(
            Problem(
                field_name(label, "evidence"),
                _l("At most %(n)d characters.", n=EVIDENCE_MAX_LENGTH),
            )
        )
    if rated and not answer.get("source"):
        problems.append(Problem(field_name(label, "source"), _l("Choose where you know it from.")))
    if rated and not answer.get("confidence"):
        problems.append(Problem(field_name(label, "confidence"), _l("Choose how sure you are.")))
    return problems


def submission_problems(instrument: Instrument, content: dict) -> list[Problem]:
    """Everything that stops submission, in the order of the form."""
    problems = []
    if not content.get("contact"):
        problems.append(Problem("contact", _l("Choose how often you see the child.")))
    if not content.get("known_for"):
        problems.append(Problem("known_for", _l("Choose how long you have known the child.")))
    for domain in instrument.domains:
        answer = (content.get("domains") or {}).get(domain.key) or {}
        problems.extend(_domain_problems(instrument, domain, answer))
    reason = content.get("worry_reason") or ""
    if content.get("worry") is not None and not reason:
        problems.append(Problem("worry_reason", _l("Write a sentence on why.")))
    if len(reason) > REASON_MAX_LENGTH:
        problems.append(
            Problem("worry_reason", _l("At most %(n)d characters.", n=REASON_MAX_LENGTH))
        )
    return problems


def coverage(instrument: Instrument, content: dict) -> tuple[int, int]:
    """(known, total): domains answered other than "don't know", against all domains."""
    known = sum(1 for d in instrument.domains if state(content, d.key) not in (None, "dont_know"))
    return known, len(instrument.domains)
