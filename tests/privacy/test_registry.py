"""privacy.md 17: every personal field is registered with purpose and retention."""

from __future__ import annotations

from app.crypto.services import encrypted_columns
from app.db import Base
from app.privacy.registry import NOT_PERSONAL, PERSONAL_FIELDS


def test_every_encrypted_column_is_registered_as_encrypted():
    for table, names in encrypted_columns():
        for name in names:
            key = f"{table.name}.{name}"
            if key in NOT_PERSONAL:
                continue
            assert key in PERSONAL_FIELDS, (
                f"{key} stores personal data but has no purpose/retention"
            )
            assert PERSONAL_FIELDS[key].encrypted, key


def test_every_registered_field_exists_and_encryption_flags_are_true():
    encrypted = {f"{t.name}.{n}" for t, names in encrypted_columns() for n in names} - NOT_PERSONAL
    for key, field in PERSONAL_FIELDS.items():
        table, column = key.split(".")
        assert column in Base.metadata.tables[table].columns, key
        assert field.encrypted == (key in encrypted), key
        assert field.purpose and field.retention, key


def test_the_record_of_processing_lists_every_field(runner):
    result = runner.invoke(args=["privacy", "record"])
    assert result.exit_code == 0
    for key in PERSONAL_FIELDS:
        assert f"`{key}`" in result.output
