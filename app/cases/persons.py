"""Registering, finding and merging persons. Lookups use blind indexes, never decryption.

Search tokens are keyed hashes (HMAC) of each name word and of the birth date, so a search
is an SQL intersection over an indexed column; only the matching rows are decrypted.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from app.areas.models import Area
from app.audit.actor import Actor
from app.audit.services import record, take_chain_lock
from app.cases.case_categories import refresh_case_categories
from app.cases.cpr import birth_date_from_cpr
from app.cases.guardians import GuardianInput, check_guardians
from app.cases.models import Case, CaseEvent, ConcernPerson, Guardian, Person, PersonSearchToken
from app.cases.workflow import add_event
from app.core.errors import DomainError
from app.crypto.keyring import KeyRing, keyring_for, normalise_for_index

CPR_PATTERN = re.compile(r"^(\d{6})-?(\d{4})$")
WORD_SPLIT = re.compile(r"[\s\-]+")
GENDERS = ("female", "male", "other", "unknown")
NAME_MAX = 100
INSTITUTION_MAX = 200
SEARCH_LIMIT = 25
MAX_ID = 2**31 - 1  # ids beyond an INTEGER column cannot exist; asking must not be an error


def is_possible_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


@dataclass
class PersonInput:
    """What intake knows about a new person, before it is checked."""

    first_name: str
    last_name: str
    cpr: str | None = None
    birth_date: dt.date | None = None
    gender: str = "unknown"
    area_id: int | None = None
    institution: str | None = None
    # Rows as entered (GuardianInput or dicts with name, relation, phone, email).
    guardians: list[GuardianInput | dict] = field(default_factory=list)


def _keyring(session: Session) -> KeyRing:
    return keyring_for(session.get_bind().dialect)


def parse_cpr(value: str) -> tuple[str, dt.date]:
    """`DDMMYY-SSSS` (or ten digits) with a real date; returns the dashed form and the date."""
    match = CPR_PATTERN.match((value or "").strip())
    if not match:
        raise DomainError(_l("Enter the CPR number as DDMMYY-SSSS (ten digits)."), "cpr")
    try:
        birth = birth_date_from_cpr(match.group(1) + match.group(2))
    except ValueError as exc:
        raise DomainError(_l("The CPR number does not start with a real date."), "cpr") from exc
    return f"{match.group(1)}-{match.group(2)}", birth


def cpr_index(session: Session, cpr: str) -> str:
    return _keyring(session).blind_index("cpr", cpr.replace("-", ""))


def name_words(*names: str | None) -> set[str]:
    words: set[str] = set()
    for name in names:
        for word in WORD_SPLIT.split(normalise_for_index(name or "")):
            if word:
                words.add(word)
    return words


def search_token_hashes(
    keyring: KeyRing, first_name: str, last_name: str, birth_date: dt.date | None
) -> set[str]:
    hashes = {keyring.blind_index("name", word) for word in name_words(first_name, last_name)}
    if birth_date is not None:
        hashes.add(keyring.blind_index("birth", birth_date.isoformat()))
    return hashes


def _clean(value: str | None) -> str:
    return " ".join((value or "").split())


def _check_cpr(
    session: Session, data: PersonInput, person_id: int | None
) -> tuple[str | None, dt.date | None]:
    """The dashed CPR and the birth date it gives (or the one entered); refuse a taken CPR."""
    if not (data.cpr and data.cpr.strip()):
        return None, data.birth_date
    cpr, from_cpr = parse_cpr(data.cpr)
    if data.birth_date is not None and data.birth_date != from_cpr:
        raise DomainError(_l("The birth date does not match the CPR number."), "birth_date")
    holder = session.scalar(select(Person.id).where(Person.cpr_index == cpr_index(session, cpr)))
    if holder is not None and holder != person_id:
        if person_id is None:
            raise DomainError(_l("A person with this CPR number is already registered."), "cpr")
        # A correction: say only that someone has it, never who.
        raise DomainError(
            _l("Another person has this CPR number. Merge the two persons instead."), "cpr"
        )
    return cpr, from_cpr


def check_person(
    session: Session, data: PersonInput, *, person_id: int | None = None
) -> PersonInput:
    """Refuse what cannot be stored; return the normalised input.

    `person_id` is the person being corrected: their own CPR is not a collision.
    """
    first, last = _clean(data.first_name), _clean(data.last_name)
    if not first or not last:
        raise DomainError(_l("Enter the person's first and last name."), "first_name")
    if len(first) > NAME_MAX or len(last) > NAME_MAX:
        raise DomainError(
            _l("A name can be at most %(max)d characters.", max=NAME_MAX), "first_name"
        )
    cpr, birth = _check_cpr(session, data, person_id)
    if birth is None:
        raise DomainError(_l("Enter a CPR number or a birth date."), "birth_date")
    if birth > dt.date.today():
        raise DomainError(_l("The birth date cannot be in the future."), "birth_date")
    if data.gender not in GENDERS:
        raise DomainError(_l("Choose a gender from the list."), "gender")
    if data.area_id is not None and (
        not is_possible_id(data.area_id) or session.get(Area, data.area_id) is None
    ):
        raise DomainError(_l("Choose an area from the list."), "area_id")
    institution = _clean(data.institution) or None
    if institution and len(institution) > INSTITUTION_MAX:
        raise DomainError(
            _l("The school or institution can be at most %(max)d characters.", max=INSTITUTION_MAX),
            "institution",
        )
    guardians = check_guardians(data.guardians)
    return PersonInput(first, last, cpr, birth, data.gender, data.area_id, institution, guardians)


def add_person(session: Session, actor: Actor, data: PersonInput) -> Person:
    """Store an already checked person with its CPR index and search tokens."""
    keyring = _keyring(session)
    person = Person(
        first_name=data.first_name,
        last_name=data.last_name,
        cpr=data.cpr,
        cpr_index=keyring.blind_index("cpr", data.cpr.replace("-", "")) if data.cpr else None,
        birth_date=data.birth_date,
        birth_year=data.birth_date.year,
        gender=data.gender,
        area_id=data.area_id,
        institution=data.institution,
    )
    for guardian in check_guardians(data.guardians):
        person.guardians.append(
            Guardian(
                name=guardian.name,
                relation=guardian.relation,
                phone=guardian.phone,
                email=guardian.email,
            )
        )
    session.add(person)
    session.flush()
    replace_search_tokens(session, person)
    record(
        session,
        actor,
        "person.create",
        object_type="person",
        object_id=person.id,
        details={"guardians": len(person.guardians)} if person.guardians else None,
    )
    return person


def replace_search_tokens(session: Session, person: Person) -> None:
    """The person's search tokens from their current name and birth date, and no others."""
    session.execute(delete(PersonSearchToken).where(PersonSearchToken.person_id == person.id))
    session.add_all(
        PersonSearchToken(person_id=person.id, token_hash=token)
        for token in search_token_hashes(
            _keyring(session), person.first_name, person.last_name, person.birth_date
        )
    )
    session.flush()


def register_person(session: Session, actor: Actor, data: PersonInput) -> Person:
    """Check and store a new person; every personal field is encrypted by its column type."""
    return add_person(session, actor, check_person(session, data))


def _live(query):
    return query.where(Person.merged_into_id.is_(None))


def find_by_cpr(session: Session, actor: Actor, cpr: str) -> Person | None:
    """Exact lookup through the CPR blind index; the search is audited without the CPR."""
    normalised, _birth = parse_cpr(cpr)
    index = cpr_index(session, normalised)
    person = session.scalar(select(Person).where(Person.cpr_index == index))
    while person is not None and person.merged_into_id is not None:
        person = session.get(Person, person.merged_into_id)
    record(
        session,
        actor,
        "person.search",
        object_type="person",
        object_id=person.id if person else None,
        details={"by": "cpr", "results": int(person is not None)},
    )
    return person


def _ids_with_all(hashes: set[str]):
    return (
        select(PersonSearchToken.person_id)
        .where(PersonSearchToken.token_hash.in_(hashes))
        .group_by(PersonSearchToken.person_id)
        .having(func.count(PersonSearchToken.token_hash.distinct()) == len(hashes))
    )


def search_persons(
    session: Session,
    actor: Actor,
    words: str,
    birth_date: dt.date | None = None,
    *,
    limit: int = SEARCH_LIMIT,
) -> list[Person]:
    """Persons whose name holds every given word (and born on the date): an indexed intersection."""
    keyring = _keyring(session)
    hashes = {keyring.blind_index("name", word) for word in name_words(words)}
    if birth_date is not None:
        hashes.add(keyring.blind_index("birth", birth_date.isoformat()))
    if not hashes:
        raise DomainError(_l("Enter at least one name or a birth date to search."), "search_name")
    persons = list(
        session.scalars(
            _live(select(Person).where(Person.id.in_(_ids_with_all(hashes))))
            .order_by(Person.id)
            .limit(limit)
        )
    )
    record(
        session,
        actor,
        "person.search",
        object_type="person",
        details={
            "by": "name",
            "words": len(hashes) - (birth_date is not None),
            "birth_date": birth_date is not None,
            "results": len(persons),
        },
    )
    return persons


def possible_duplicates(session: Session, actor: Actor, data: PersonInput) -> list[Person]:
    """Registered persons with the same CPR, or the same birth date and a shared name word."""
    keyring = _keyring(session)
    conditions = []
    birth_date = data.birth_date
    if data.cpr:
        try:
            cpr, birth_date = parse_cpr(data.cpr)
        except DomainError:
            cpr = None  # the intake check reports it; no duplicate can match it anyway
        if cpr:
            conditions.append(Person.cpr_index == cpr_index(session, cpr))
    words = name_words(data.first_name, data.last_name)
    if birth_date is not None and words:
        birth = keyring.blind_index("birth", birth_date.isoformat())
        by_birth = select(PersonSearchToken.person_id).where(PersonSearchToken.token_hash == birth)
        by_name = select(PersonSearchToken.person_id).where(
            PersonSearchToken.token_hash.in_({keyring.blind_index("name", word) for word in words})
        )
        conditions.append(Person.id.in_(by_birth.intersect(by_name).scalar_subquery()))
    if not conditions:
        return []
    persons = list(
        session.scalars(
            _live(select(Person).where(or_(*conditions))).order_by(Person.id).limit(SEARCH_LIMIT)
        )
    )
    record(
        session,
        actor,
        "person.search",
        object_type="person",
        details={"by": "duplicates", "results": len(persons)},
    )
    return persons


def persons_by_ids(session: Session, actor: Actor, ids: list[int]) -> list[Person]:
    """Live persons with these ids (for showing a choice again); the read is audited."""
    if not ids:
        return []
    ids = [i for i in ids if is_possible_id(i)]
    persons = list(
        session.scalars(_live(select(Person).where(Person.id.in_(ids))).order_by(Person.id))
    )
    record(session, actor, "person.read", object_type="person", details={"results": len(persons)})
    return persons


def merge_persons_by_id(session: Session, actor: Actor, keep_id: int, merge_id: int) -> Person:
    """Merge by ids from a form: both must exist and still be live."""
    keep = session.get(Person, keep_id) if is_possible_id(keep_id) else None
    merge = session.get(Person, merge_id) if is_possible_id(merge_id) else None
    if keep is None or merge is None:
        raise DomainError(_l("One of the persons to merge does not exist."), "merge")
    return merge_persons(session, actor, keep, merge)


def merge_persons(session: Session, actor: Actor, keep: Person, merge: Person) -> Person:
    """Fold `merge` into `keep`: concern links and case move over; `merge` only points the way."""
    take_chain_lock(session)  # as open_or_attach: one at a time with a concern for either
    if keep.id == merge.id:
        raise DomainError(_l("A person cannot be merged with themselves."), "merge")
    if keep.merged_into_id or merge.merged_into_id:
        raise DomainError(_l("This person has already been merged."), "merge")
    kept_concerns = set(
        session.scalars(select(ConcernPerson.concern_id).where(ConcernPerson.person_id == keep.id))
    )
    keep_case = session.scalar(select(Case).where(Case.person_id == keep.id))
    merge_case = session.scalar(select(Case).where(Case.person_id == merge.id))
    for link in session.scalars(select(ConcernPerson).where(ConcernPerson.person_id == merge.id)):
        if link.concern_id in kept_concerns:
            session.delete(link)
            continue
        link.person_id = keep.id
        if keep_case is not None and merge_case is not None:
            link.case_id = keep_case.id
    session.flush()
    if merge_case is not None and keep_case is None:
        merge_case.person_id = keep.id
        keep_case = merge_case
    elif merge_case is not None:
        session.execute(
            update(CaseEvent).where(CaseEvent.case_id == merge_case.id).values(case_id=keep_case.id)
        )
        session.execute(
            update(ConcernPerson)
            .where(ConcernPerson.case_id == merge_case.id)
            .values(case_id=keep_case.id)
        )
        refresh_case_categories(session, [keep_case.id, merge_case.id])
        session.delete(merge_case)
    session.flush()
    if keep.cpr is None and merge.cpr is not None:
        cpr, index = merge.cpr, merge.cpr_index
        merge.cpr, merge.cpr_index = None, None
        session.flush()
        keep.cpr, keep.cpr_index = cpr, index
    session.execute(delete(PersonSearchToken).where(PersonSearchToken.person_id == merge.id))
    merge.merged_into_id = keep.id
    session.flush()
    if keep_case is not None:
        add_event(session, actor, keep_case, "person.merged")
    record(
        session,
        actor,
        "person.merge",
        object_type="person",
        object_id=keep.id,
        details={"merged": merge.id},
    )
    return keep
