"""Checking a person's guardians (parents and others with custody) before they are stored.

The rows come as entered: a row left empty is no guardian; a row with anything in it needs
a name. Errors name the row (`g1_name`, `g2_phone` …) so the form can point at the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.core.errors import DomainError

RELATIONS = {
    "mother": _l("Mother"),
    "father": _l("Father"),
    "guardian": _l("Other guardian"),
}
GUARDIANS_MAX = 2
GUARDIAN_NAME_MAX = 200
PHONE_MAX = 20
EMAIL_MAX = 254
# Digits and spaces, an optional leading +; 6 to 15 digits (the E.164 maximum).
PHONE_PATTERN = re.compile(r"^\+?[0-9 ]+$")
# A deliberately plain check: one @, no spaces, a dot in the domain. Delivery proves the rest.
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


@dataclass(frozen=True)
class GuardianInput:
    name: str = ""
    relation: str = "guardian"
    phone: str | None = None
    email: str | None = None

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "relation": self.relation,
            "phone": self.phone,
            "email": self.email,
        }


def _clean(value: object) -> str:
    return " ".join(str(value or "").split())


def _row(value: GuardianInput | dict) -> GuardianInput:
    if isinstance(value, GuardianInput):
        value = value.as_dict()
    return GuardianInput(
        name=_clean(value.get("name")),
        relation=_clean(value.get("relation")) or "guardian",
        phone=_clean(value.get("phone")) or None,
        email=_clean(value.get("email")) or None,
    )


def _check_row(row: GuardianInput, prefix: str) -> None:
    if not row.name:
        raise DomainError(_l("Enter the guardian's name, or clear the row."), prefix + "name")
    if len(row.name) > GUARDIAN_NAME_MAX:
        raise DomainError(
            _l("A name can be at most %(max)d characters.", max=GUARDIAN_NAME_MAX), prefix + "name"
        )
    if row.relation not in RELATIONS:
        raise DomainError(_l("Choose the guardian's relation from the list."), prefix + "relation")
    if row.phone is not None:
        digits = sum(ch.isdigit() for ch in row.phone)
        if not PHONE_PATTERN.match(row.phone) or not 6 <= digits <= 15 or len(row.phone) > 20:
            raise DomainError(
                _l("Enter the phone number with digits only (spaces and a leading + allowed)."),
                prefix + "phone",
            )
    if row.email is not None and (len(row.email) > EMAIL_MAX or not EMAIL_PATTERN.match(row.email)):
        raise DomainError(_l("Enter the e-mail address like name@example.dk."), prefix + "email")


def check_guardians(rows: list[GuardianInput | dict]) -> list[GuardianInput]:
    """The filled-in rows, normalised; DomainError on the first bad field (`g<row>_<field>`)."""
    cleaned = [_row(row) for row in rows or ()]
    used = [
        (index, row) for index, row in enumerate(cleaned, 1) if row.name or row.phone or row.email
    ]
    if len(used) > GUARDIANS_MAX:
        raise DomainError(
            _l("A person can have at most %(max)d guardians here.", max=GUARDIANS_MAX), "g1_name"
        )
    for index, row in used:
        _check_row(row, f"g{index}_")
    return [row for _index, row in used]
