"""SB-5.1, SB-5.2: personal fields are Fernet tokens at rest; tampering is refused."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Text, select, text, type_coerce

from app.cases.models import Person
from app.crypto.keyring import DecryptionError, KeyRing
from app.crypto.services import encrypted_columns

CANARY_NAME = "Zorbatronix"
CANARY_CPR = "010203-1234"


def add_canary(session, keyring):
    person = Person(
        first_name=CANARY_NAME, last_name="Mikkelsen", cpr=CANARY_CPR,
        cpr_index=keyring.blind_index("cpr", CANARY_CPR.replace("-", "")),
        birth_date=dt.date(1903, 2, 1), gender="male",
    )
    session.add(person)
    session.commit()
    return person


def keyring_of(session) -> KeyRing:
    return session.get_bind().dialect.tidlig_keyring


def test_personal_fields_are_stored_as_fernet_tokens(db_session):
    person = add_canary(db_session, keyring_of(db_session))
    raw = db_session.execute(
        text("SELECT first_name, last_name, cpr, birth_date FROM persons WHERE id = :id"),
        {"id": person.id},
    ).one()
    for value in raw:
        assert value.startswith("gAAAAA"), "a Fernet token (version byte 0x80) is expected"
        assert CANARY_NAME not in value and "1234" not in value
    db_session.expire_all()
    assert db_session.get(Person, person.id).first_name == CANARY_NAME


def test_same_plaintext_encrypts_differently_each_time(db_session):
    keyring = keyring_of(db_session)
    assert keyring.encrypt("Mikkelsen") != keyring.encrypt("Mikkelsen")


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_one_flipped_byte_gives_a_generic_error_and_a_log_entry(db_session):
    person = add_canary(db_session, keyring_of(db_session))
    token = db_session.execute(
        select(type_coerce(Person.first_name, Text)).where(Person.id == person.id)
    ).scalar_one()
    middle = len(token) // 2
    flipped = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1:]
    db_session.execute(
        text("UPDATE persons SET first_name = :t WHERE id = :id"), {"t": flipped, "id": person.id}
    )
    db_session.commit()
    db_session.expire_all()
    handler = _Lines()
    security_log = logging.getLogger("tidlig.security")
    security_log.addHandler(handler)
    try:
        with pytest.raises(DecryptionError) as raised:
            db_session.get(Person, person.id).first_name  # noqa: B018
    finally:
        security_log.removeHandler(handler)
    assert "could not be decrypted" in str(raised.value)
    assert CANARY_NAME not in str(raised.value)
    assert any("decryption_failed" in line for line in handler.lines)


def test_blind_index_is_keyed_not_a_plain_hash(db_session):
    keyring = keyring_of(db_session)
    digits = CANARY_CPR.replace("-", "")
    index = keyring.blind_index("cpr", digits)
    assert index != hashlib.sha256(digits.encode()).hexdigest()
    assert index != hashlib.sha256(CANARY_CPR.encode()).hexdigest()
    other = KeyRing(Fernet.generate_key().decode(), "another-index-key-" + "x" * 32, "a" * 32)
    assert other.blind_index("cpr", digits) != index, "a different key gives a different index"


def test_blind_index_finds_a_person_by_cpr_without_decrypting(db_session):
    keyring = keyring_of(db_session)
    person = add_canary(db_session, keyring)
    found = db_session.scalar(
        select(Person.id).where(Person.cpr_index == keyring.blind_index("cpr", "0102031234"))
    )
    assert found == person.id


def test_blind_index_normalises_case_and_spacing(db_session):
    keyring = keyring_of(db_session)
    assert keyring.blind_index("name", "  Zorbatronix   MIKKELSEN ") == keyring.blind_index(
        "name", "zorbatronix mikkelsen"
    )
    assert keyring.blind_index("name", "a") != keyring.blind_index("cpr", "a")


def test_every_personal_column_of_persons_is_encrypted():
    encrypted = {table.name: set(names) for table, names in encrypted_columns()}
    assert {"first_name", "last_name", "cpr", "birth_date"} <= encrypted["persons"]
    assert "totp_secret" in encrypted["users"]
    assert {"recipient", "body"} <= encrypted["outbox_messages"]
