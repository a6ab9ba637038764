"""Every personal-data field the application stores, with its purpose and retention.

GDPR art. 30 asks for a record of processing; generating it from this register keeps the
record true to the code. A new encrypted column that is not registered here fails the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

CRIME_PREVENTION = "SSP crime prevention (retsplejeloven § 115)"
ACCOUNT = "user accounts, access control and logging (GDPR art. 32)"
CASE_RETENTION = "deleted N months after the case closes (set per municipality; proposal 24)"
ACCOUNT_RETENTION = "while the account exists; deactivated, never deleted, once it authored records"


@dataclass(frozen=True)
class PersonalField:
    subjects: str
    category: str
    purpose: str
    retention: str
    encrypted: bool


def child(category: str, *, encrypted: bool = True) -> PersonalField:
    return PersonalField(
        "children and young people", category, CRIME_PREVENTION, CASE_RETENTION, encrypted
    )


def staff(
    category: str,
    retention: str = ACCOUNT_RETENTION,
    *,
    encrypted: bool = False,
    purpose: str = ACCOUNT,
    subjects: str = "staff",
) -> PersonalField:
    return PersonalField(subjects, category, purpose, retention, encrypted)


SIX_MONTHS_AFTER_SENDING = "6 months after sending"
INVITED = "staff and invited professionals"

PERSONAL_FIELDS: dict[str, PersonalField] = {
    "persons.first_name": child("identity"),
    "persons.last_name": child("identity"),
    "persons.cpr": child("national identity number (CPR)"),
    "persons.cpr_index": child("keyed hash of the CPR, for exact lookup", encrypted=False),
    "persons.birth_date": child("identity"),
    "persons.gender": child("identity", encrypted=False),
    "persons.area_id": child("area of residence", encrypted=False),
    "persons.birth_year": child("year of birth, for age bands", encrypted=False),
    "persons.institution": child("school or institution"),
    "guardians.name": PersonalField(
        "parents and guardians", "identity", CRIME_PREVENTION, CASE_RETENTION, True
    ),
    "guardians.phone": PersonalField(
        "parents and guardians", "contact", CRIME_PREVENTION, CASE_RETENTION, True
    ),
    "guardians.email": PersonalField(
        "parents and guardians", "contact", CRIME_PREVENTION, CASE_RETENTION, True
    ),
    "person_corrections.reason": child("reason for correcting a person's record"),
    "person_corrections.changes": PersonalField(
        "children and young people; parents and guardians",
        "earlier values of corrected fields (identity, CPR, guardians' contact details)",
        CRIME_PREVENTION,
        CASE_RETENTION,
        True,
    ),
    "person_search_tokens.token_hash": child(
        "keyed hashes of name words and birth date", encrypted=False
    ),
    "monitoring_person_marks.person_key": PersonalField(
        "children and young people",
        "keyed hash of a person in a count's cell, to count distinct young people "
        "(pseudonymous; never shown, never read by a board route)",
        "SSP area statistics for the local boards (aggregates only)",
        CASE_RETENTION,
        False,
    ),
    "concerns.place": child("place of an incident"),
    "concerns.narrative": child("description of an incident (criminal-offence data, art. 10)"),
    "concerns.legal_basis_note": child("legal basis for sharing"),
    "cases.birth_year": child("year of birth, for age bands", encrypted=False),
    "cases.parents_view": child("the parents' view"),
    "cases.young_person_view": child("the young person's own view"),
    "case_events.note": child("notes on the case's timeline"),
    "meetings.notes": child("general notes of an AVA meeting"),
    "recommendations.text": child("the committee's recommendation"),
    "actions.note": child("notes on a recommended action"),
    "assessment_requests.assessor_name": staff(
        "identity of an invited assessor",
        CASE_RETENTION,
        encrypted=True,
        purpose=CRIME_PREVENTION,
        subjects=INVITED,
    ),
    "assessment_requests.assessor_email": staff(
        "contact of an invited assessor",
        CASE_RETENTION,
        encrypted=True,
        purpose=CRIME_PREVENTION,
        subjects=INVITED,
    ),
    "assessment_requests.assessor_setting": staff(
        "workplace of an invited assessor",
        CASE_RETENTION,
        encrypted=True,
        purpose=CRIME_PREVENTION,
        subjects=INVITED,
    ),
    "assessment_requests.question": child("the coordinator's question to an assessor"),
    "assessments.content": child(
        "risk and resilience ratings with observations (no health data: instrument.md)"
    ),
    "assessments.correction_reason": child("reason for correcting an assessment"),
    "committee_judgements.content": child("the committee's judgement and its reasons"),
    "users.email": staff("contact"),
    "users.full_name": staff("identity"),
    "users.totp_secret": staff("authentication secret", encrypted=True),
    "auth_sessions.ip": staff("network address", "ended sessions: 6 months"),
    "auth_sessions.user_agent": staff("device", "ended sessions: 6 months"),
    "audit_events.ip": staff(
        "network address", "at least 6 months (configurable)", purpose="audit trail (GDPR art. 32)"
    ),
    "outbox_messages.recipient": staff(
        "contact", SIX_MONTHS_AFTER_SENDING, encrypted=True, subjects=INVITED
    ),
    "outbox_messages.body": staff(
        "message (never a child's full name)",
        SIX_MONTHS_AFTER_SENDING,
        encrypted=True,
        subjects=INVITED,
    ),
}

# Encrypted, but not about a person.
NOT_PERSONAL = frozenset({"key_checks.token"})


def record_of_processing() -> str:
    """The register as a Markdown table, for the municipality's art. 30 record."""
    lines = [
        "| field | data subjects | category | purpose | retention | encrypted at rest |",
        "|---|---|---|---|---|---|",
    ]
    for name, field in sorted(PERSONAL_FIELDS.items()):
        lines.append(
            f"| `{name}` | {field.subjects} | {field.category} | {field.purpose} | "
            f"{field.retention} | {'yes' if field.encrypted else 'no'} |"
        )
    return "\n".join(lines)
