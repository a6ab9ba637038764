"""Correcting a person's record: every save is a new version with a reason and the old values.

The person row holds the current values; each PersonCorrection row keeps what the changed
fields held before, encrypted, so nothing is silently overwritten (privacy.md item 11).
Search tokens and the CPR index follow the new values: the old name stays only in the
history, so a search finds the person under their correct name and not under a wrong one.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from app.audit.actor import Actor
from app.audit.services import record
from app.auth.models import User
from app.cases.guardians import GuardianInput
from app.cases.models import Case, Guardian, Person, PersonCorrection
from app.cases.persons import PersonInput, check_person, cpr_index, replace_search_tokens
from app.cases.workflow import add_event
from app.core.errors import DomainError

# The corrected fields, in the order the form and the conflict page show them.
EDITABLE = (
    "first_name",
    "last_name",
    "cpr",
    "birth_date",
    "gender",
    "area_id",
    "institution",
    "guardians",
)
REASON_MIN, REASON_MAX = 10, 500
PURPOSE = "person correction"


class EditConflict(Exception):
    """Someone saved the person after the user opened the form; nothing was saved."""

    def __init__(self, person: Person) -> None:
        super().__init__("edit conflict")
        self.person = person


@dataclass(frozen=True)
class CorrectionEntry:
    """One line of the history as the page shows it: the changed fields' names, not values."""

    version: int
    corrected_at: dt.datetime
    corrected_by: str | None
    reason: str
    fields: tuple[str, ...]


def guardian_values(person: Person) -> list[dict]:
    return [GuardianInput(g.name, g.relation, g.phone, g.email).as_dict() for g in person.guardians]


def current_values(person: Person) -> dict:
    """The editable fields as plain values (what the conflict page shows as "saved now")."""
    values = {name: getattr(person, name) for name in EDITABLE if name != "guardians"}
    values["guardians"] = guardian_values(person)
    return values


def _json_value(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def check_reason(reason: str | None) -> str:
    text = " ".join((reason or "").split())
    if not REASON_MIN <= len(text) <= REASON_MAX:
        raise DomainError(
            _l(
                "Give the reason for the correction in %(min)d to %(max)d characters.",
                min=REASON_MIN,
                max=REASON_MAX,
            ),
            "reason",
        )
    return text


def _checked(session: Session, person: Person, data: PersonInput) -> dict:
    """The new values, checked as at intake; a CPR gives the birth date."""
    if data.cpr and data.birth_date == person.birth_date:
        # The birth date was left as it was: a new CPR brings its own, as at intake.
        data = replace(data, birth_date=None)
    checked = check_person(session, data, person_id=person.id)
    values = {name: getattr(checked, name) for name in EDITABLE if name != "guardians"}
    values["guardians"] = [g.as_dict() for g in checked.guardians]
    return values


def _apply_guardians(person: Person, rows: list[dict]) -> None:
    """Existing rows are updated in place, extra ones removed, missing ones added."""
    existing = list(person.guardians)
    for index, row in enumerate(rows):
        if index < len(existing):
            for name, value in row.items():
                setattr(existing[index], name, value)
        else:
            person.guardians.append(Guardian(**row))
    for guardian in existing[len(rows) :]:
        person.guardians.remove(guardian)


def _apply(session: Session, person: Person, new: dict, changed: list[str]) -> None:
    for name in changed:
        if name == "guardians":
            _apply_guardians(person, new["guardians"])
        else:
            setattr(person, name, new[name])
    if "cpr" in changed:
        person.cpr_index = cpr_index(session, person.cpr) if person.cpr else None
    person.birth_year = person.birth_date.year
    # Even a correction of guardians alone is a new version of the person.
    flag_modified(person, "gender")


def _follow_on_case(session: Session, actor: Actor, person: Person) -> None:
    """The case keeps copies of the area and birth year for its list filters."""
    case = session.scalar(select(Case).where(Case.person_id == person.id))
    if case is None:
        return
    # A bulk update: the case's own version (its edit form's lock) is not the person's.
    session.execute(
        update(Case)
        .where(Case.id == case.id)
        .values(area_id=person.area_id, birth_year=person.birth_year)
        .execution_options(synchronize_session="fetch")
    )
    add_event(session, actor, case, "person.corrected")


def _keep_old_values(
    session: Session, actor: Actor, person: Person, old: dict, reason: str
) -> None:
    history = {name: _json_value(value) for name, value in old.items()}
    session.add(
        PersonCorrection(
            person_id=person.id,
            version=person.version,
            corrected_by_id=actor.user_id,
            reason=reason,
            changes=json.dumps(history, ensure_ascii=False, sort_keys=True),
        )
    )


def correct_person(
    session: Session,
    actor: Actor,
    person: Person,
    seen_version: int,
    data: PersonInput,
    reason: str | None,
) -> list[str]:
    """Save a correction if nobody saved since `seen_version`; return the changed fields.

    EditConflict on a stale version; DomainError (nothing written) on bad input.
    """
    if person.merged_into_id is not None:
        raise DomainError(_l("This person has been merged into another record."), None)
    if person.version != seen_version:
        raise EditConflict(person)
    reason = check_reason(reason)
    new = _checked(session, person, data)
    old = current_values(person)
    changed = [name for name in EDITABLE if new[name] != old[name]]
    if not changed:
        raise DomainError(_l("Nothing was changed, so there is nothing to correct."), None)
    _apply(session, person, new, changed)
    try:
        session.flush()  # the version column makes a concurrent save fail here
    except StaleDataError as exc:
        session.rollback()
        raise EditConflict(person) from exc
    replace_search_tokens(session, person)
    _keep_old_values(session, actor, person, {name: old[name] for name in changed}, reason)
    _follow_on_case(session, actor, person)
    session.flush()
    record(
        session,
        actor,
        "person.correct",
        object_type="person",
        object_id=person.id,
        details={"fields": changed, "version": person.version},
    )
    return changed


def correction_history(session: Session, person_id: int) -> list[CorrectionEntry]:
    rows = session.execute(
        select(PersonCorrection, User.full_name)
        .outerjoin(User, User.id == PersonCorrection.corrected_by_id)
        .where(PersonCorrection.person_id == person_id)
        .order_by(PersonCorrection.version.desc())
    ).all()
    return [
        CorrectionEntry(
            c.version, c.corrected_at, name, c.reason, tuple(sorted(json.loads(c.changes)))
        )
        for c, name in rows
    ]


def open_for_correction(session: Session, actor: Actor, person_id: int) -> list[CorrectionEntry]:
    """The correction form shows the record and its history: the read is audited."""
    history = correction_history(session, person_id)
    record(
        session,
        actor,
        "person.read",
        object_type="person",
        object_id=person_id,
        purpose=PURPOSE,
        details={"history": len(history)},
    )
    return history
