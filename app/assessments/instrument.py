"""The instrument as versioned data. A version is loaded once and never changes: a submitted
assessment keeps its version forever, and comparisons across versions match domains by key.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.assessments.models import InstrumentVersion

DATA_DIR = Path(__file__).resolve().parent / "data"
KINDS = ("risk", "resilience")
RATINGS = (0, 1, 2)
STATES = ("dont_know", "not_relevant")
LOCALES = ("da", "en")


class InstrumentError(ValueError):
    """The definition is malformed, or would change a version that already exists."""


@dataclass(frozen=True)
class Text:
    da: str
    en: str

    def __call__(self, locale: str) -> str:
        return self.en if locale == "en" else self.da


@dataclass(frozen=True)
class Domain:
    key: str
    kind: str
    label: Text
    help: Text

    @property
    def is_risk(self) -> bool:
        return self.kind == "risk"


@dataclass(frozen=True)
class Instrument:
    id: int
    version: int
    name: Text
    domains: tuple[Domain, ...]
    scales: dict[str, dict[int, Text]]
    states: dict[str, Text]
    unknown_reasons: dict[str, Text]
    sources: dict[str, Text]
    confidence: dict[str, Text]
    # The lowest rating that needs evidence, per kind (risk ≥ 1; every resilience rating).
    evidence_from: dict[str, int]

    def domain(self, key: str) -> Domain | None:
        return next((d for d in self.domains if d.key == key), None)

    def of_kind(self, kind: str) -> tuple[Domain, ...]:
        return tuple(d for d in self.domains if d.kind == kind)

    def needs_evidence(self, domain: Domain, rating: int | None) -> bool:
        return rating is not None and rating >= self.evidence_from[domain.kind]


def _text(value: object, where: str) -> Text:
    if not isinstance(value, dict) or not all(
        isinstance(value.get(lang), str) and value[lang].strip() for lang in LOCALES
    ):
        raise InstrumentError(f"{where}: needs a Danish and an English text")
    return Text(value["da"], value["en"])


def _texts(value: object, where: str) -> dict[str, Text]:
    if not isinstance(value, dict) or not value:
        raise InstrumentError(f"{where}: missing")
    return {str(key): _text(text, f"{where}.{key}") for key, text in value.items()}


def parse_definition(definition: dict, instrument_id: int = 0) -> Instrument:
    """Check a definition completely; an error names the first thing that is wrong."""
    version = definition.get("version")
    if not isinstance(version, int) or version < 1:
        raise InstrumentError("version: a positive whole number")
    domains, seen = [], set()
    for index, raw in enumerate(definition.get("domains") or []):
        key = raw.get("key")
        if not isinstance(key, str) or not key or key in seen:
            raise InstrumentError(f"domains[{index}].key: missing or repeated")
        if raw.get("kind") not in KINDS:
            raise InstrumentError(f"domains[{index}].kind: one of {', '.join(KINDS)}")
        seen.add(key)
        domains.append(
            Domain(key, raw["kind"], _text(raw.get("label"), key), _text(raw.get("help"), key))
        )
    if not all(any(d.kind == kind for d in domains) for kind in KINDS):
        raise InstrumentError("domains: at least one risk and one resilience domain")
    scales_raw = definition.get("scales") or {}
    scales = {}
    for kind in KINDS:
        levels = _texts(scales_raw.get(kind), f"scales.{kind}")
        if sorted(levels) != [str(r) for r in RATINGS]:
            raise InstrumentError(f"scales.{kind}: exactly the ratings 0, 1 and 2")
        scales[kind] = {int(level): text for level, text in levels.items()}
    states = _texts(definition.get("states"), "states")
    if sorted(states) != sorted(STATES):
        raise InstrumentError("states: exactly dont_know and not_relevant")
    evidence = definition.get("evidence_rule") or {}
    if sorted(evidence) != sorted(KINDS) or not all(evidence[k] in RATINGS for k in KINDS):
        raise InstrumentError("evidence_rule: the lowest rating needing evidence, per kind")
    return Instrument(
        id=instrument_id,
        version=version,
        name=_text(definition.get("name"), "name"),
        domains=tuple(domains),
        scales=scales,
        states=states,
        unknown_reasons=_texts(definition.get("unknown_reasons"), "unknown_reasons"),
        sources=_texts(definition.get("sources"), "sources"),
        confidence=_texts(definition.get("confidence"), "confidence"),
        evidence_from=dict(evidence),
    )


def canonical(definition: dict) -> str:
    return json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def load_version(session: Session, definition: dict) -> tuple[InstrumentVersion, bool]:
    """Store a new version; (row, created). The same content again is a no-op; different
    content under an existing version number is refused: versions are never edited in place."""
    parse_definition(definition)
    text = canonical(definition)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    existing = session.scalar(
        select(InstrumentVersion).where(InstrumentVersion.version == definition["version"])
    )
    if existing is not None:
        if existing.content_hash != digest:
            raise InstrumentError(
                f"version {definition['version']} exists with other content; "
                "publish the change as a new version"
            )
        return existing, False
    latest = session.scalar(
        select(InstrumentVersion.version).order_by(InstrumentVersion.version.desc()).limit(1)
    )
    if latest is not None and definition["version"] < latest:
        raise InstrumentError(f"version {definition['version']} is older than {latest}")
    row = InstrumentVersion(version=definition["version"], definition=text, content_hash=digest)
    session.add(row)
    session.flush()
    return row, True


def load_file(session: Session, path: Path) -> tuple[InstrumentVersion, bool]:
    try:
        definition = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InstrumentError(f"{path.name}: {exc}") from exc
    return load_version(session, definition)


@lru_cache(maxsize=32)
def _parsed(instrument_id: int, content_hash: str, text: str) -> Instrument:
    # Keyed by the content hash too: a version's content never changes, so this is safe.
    return parse_definition(json.loads(text), instrument_id)


def instrument(session: Session, instrument_id: int) -> Instrument:
    row = session.get(InstrumentVersion, instrument_id)
    if row is None:
        raise LookupError(f"no instrument version {instrument_id}")
    return _parsed(row.id, row.content_hash, row.definition)


def current_instrument(session: Session) -> Instrument:
    """The newest version: what new requests are made with."""
    row = session.scalar(
        select(InstrumentVersion).order_by(InstrumentVersion.version.desc()).limit(1)
    )
    if row is None:
        raise LookupError("no instrument loaded; run `flask --app app instrument load`")
    return _parsed(row.id, row.content_hash, row.definition)
