"""Key checks and rotation of every encrypted column."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Table, Text, select, type_coerce, update
from sqlalchemy.orm import Session

from app.crypto.keyring import DecryptionError, KeyRing
from app.crypto.models import KEY_CHECK_PLAINTEXT, KeyCheck
from app.crypto.types import EncryptedDate, EncryptedText
from app.db import Base

log = logging.getLogger("tidlig.crypto")
ENCRYPTED_TYPES = (EncryptedText, EncryptedDate)


class KeyMismatchError(RuntimeError):
    """The database was encrypted under keys that are not configured."""


def verify_key_check(session: Session) -> None:
    """Store the check token on first use; afterwards it must decrypt to the known text."""
    try:
        check = session.scalar(select(KeyCheck).where(KeyCheck.purpose == "data"))
    except DecryptionError as exc:
        raise KeyMismatchError(
            "The database holds data encrypted under a key that TIDLIG_DATA_KEYS does not contain."
        ) from exc
    if check is None:
        session.add(KeyCheck(purpose="data", token=KEY_CHECK_PLAINTEXT))
        session.flush()
    elif check.token != KEY_CHECK_PLAINTEXT:
        raise KeyMismatchError("The key check token decrypted to something unexpected.")


def encrypted_columns() -> Iterator[tuple[Table, list[str]]]:
    for table in Base.metadata.sorted_tables:
        names = [c.name for c in table.columns if isinstance(c.type, ENCRYPTED_TYPES)]
        if names:
            yield table, names


@dataclass
class RotationReport:
    tables: int = 0
    rows_rewritten: int = 0


def rotate_keys(session: Session, keyring: KeyRing, batch_size: int = 500) -> RotationReport:
    """Re-encrypt every value not already under the newest key, committing per batch.

    A run killed half-way leaves each row either old or new, both readable with the
    configured keys; running it again finishes the job.
    """
    report = RotationReport()
    for table, names in encrypted_columns():
        report.tables += 1
        pk = list(table.primary_key.columns)[0]
        raw = [type_coerce(table.c[name], Text).label(name) for name in names]
        last_key = None
        while True:
            query = select(pk, *raw).order_by(pk).limit(batch_size)
            if last_key is not None:
                query = query.where(pk > last_key)
            rows = session.execute(query).all()
            if not rows:
                break
            for row in rows:
                last_key = row[0]
                changes = {
                    name: keyring.rotate(getattr(row, name))
                    for name in names
                    if getattr(row, name) is not None and not keyring.is_current(getattr(row, name))
                }
                if changes:
                    # Compare-and-set: a row edited meanwhile keeps its newer value.
                    guard = [type_coerce(table.c[n], Text) == getattr(row, n) for n in changes]
                    session.execute(
                        update(table)
                        .where(pk == last_key, *guard)
                        .values({n: type_coerce(v, Text) for n, v in changes.items()})
                    )
                    report.rows_rewritten += 1
            session.commit()
    return report
