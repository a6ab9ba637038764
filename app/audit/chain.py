"""The keyed hash chain: mac = HMAC(k_audit, prev_mac || canonical_json(row))."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass

GENESIS_MAC = "0" * 64
CHAINED_FIELDS = (
    "seq",
    "occurred_at",
    "user_id",
    "organisation_id",
    "role",
    "action",
    "object_type",
    "object_id",
    "purpose",
    "outcome",
    "ip",
    "request_id",
    "details",
)


def canonical_json(row: object) -> str:
    values = {}
    for name in CHAINED_FIELDS:
        value = getattr(row, name)
        if name == "occurred_at":
            value = value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        values[name] = value
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def compute_mac(key: bytes, prev_mac: str, row: object) -> str:
    message = prev_mac.encode("ascii") + canonical_json(row).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""


def verify_chain(key: bytes, rows: Iterable[object], head: dict | None = None) -> VerifyResult:
    """Walk rows in seq order; the first break names its seq and what is wrong."""
    expected_seq = 1
    prev_mac = GENESIS_MAC
    checked = 0
    head_seq = int(head["seq"]) if head else 0
    for row in rows:
        seq = row.seq  # type: ignore[attr-defined]
        if seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, f"entry {expected_seq} is missing")
        if row.prev_mac != prev_mac:  # type: ignore[attr-defined]
            return VerifyResult(False, checked, seq, "link to the previous entry is broken")
        if not hmac.compare_digest(row.mac, compute_mac(key, prev_mac, row)):  # type: ignore[attr-defined]
            return VerifyResult(False, checked, seq, "entry was altered (MAC mismatch)")
        if seq == head_seq and not hmac.compare_digest(row.mac, str(head["mac"])):  # type: ignore[index,attr-defined]
            return VerifyResult(False, checked, seq, "entry differs from the exported head")
        prev_mac = row.mac  # type: ignore[attr-defined]
        expected_seq += 1
        checked += 1
    if head_seq >= expected_seq:
        return VerifyResult(
            False, checked, expected_seq, f"entries {expected_seq}..{head_seq} were removed"
        )
    return VerifyResult(True, checked)
