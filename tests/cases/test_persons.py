"""Persons: CPR validation, registration, blind-index search, duplicates and merging."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text

from app.audit.models import AuditEvent
from app.cases.models import Case, CaseEvent, ConcernPerson, PersonSearchToken
from app.cases.persons import (
    find_by_cpr,
    merge_persons,
    parse_cpr,
    possible_duplicates,
    register_person,
    search_persons,
)
from app.core.errors import DomainError
from app.crypto.keyring import KeyRing
from tests.cases.helpers import actor_for, audit_count, make_area, new_person, row_counts
from tests.factories import make_case, make_user


@pytest.fixture
def coordinator(db_session):
    return make_user(db_session, "coordinator")


@pytest.mark.parametrize("value, expected", [
    ("170411-4123", ("170411-4123", dt.date(2011, 4, 17))),
    ("1704114123", ("170411-4123", dt.date(2011, 4, 17))),
    ("010203-1234", ("010203-1234", dt.date(1903, 2, 1))),
    ("010203-4234", ("010203-4234", dt.date(2003, 2, 1))),
    ("241270-5555", ("241270-5555", dt.date(1870, 12, 24))),
])
def test_cpr_accepts_both_forms_and_uses_the_century_rule(value, expected):
    assert parse_cpr(value) == expected


@pytest.mark.parametrize("value, message", [
    ("17041-14123", "DDMMYY-SSSS"), ("abcdef-1234", "DDMMYY-SSSS"), ("", "DDMMYY-SSSS"),
    ("170411 4123", "DDMMYY-SSSS"), ("17041141234", "DDMMYY-SSSS"),
    ("310211-4123", "real date"), ("300211-4123", "real date"), ("001311-4123", "real date"),
])
def test_malformed_or_impossible_cpr_is_refused_with_a_clear_message(value, message):
    with pytest.raises(DomainError) as error:
        parse_cpr(value)
    assert message in str(error.value.message) and error.value.field == "cpr"


def test_no_modulus_11_check():
    # 170411-4124 fails modulus 11 but is a valid-format CPR since 2007.
    assert parse_cpr("170411-4124")[1] == dt.date(2011, 4, 17)


def test_register_person_encrypts_indexes_and_tokenises(db_session, coordinator):
    area = make_area(db_session)
    person = register_person(db_session, actor_for(coordinator), new_person(
        first="Anne-Marie", last="Holm Nielsen", cpr="170411-4124", area_id=area.id,
        institution="Rosengårdskolen"))
    db_session.commit()
    raw = db_session.execute(text(
        "SELECT first_name, last_name, cpr, birth_date, institution, birth_year, cpr_index "
        "FROM persons WHERE id = :id"), {"id": person.id}).one()
    assert all(value.startswith("gAAAAA") for value in raw[:5])
    assert raw.birth_year == 2011
    keyring: KeyRing = db_session.get_bind().dialect.tidlig_keyring
    assert raw.cpr_index == keyring.blind_index("cpr", "1704114124")
    tokens = set(db_session.scalars(select(PersonSearchToken.token_hash)
                                    .where(PersonSearchToken.person_id == person.id)))
    expected = {keyring.blind_index("name", w) for w in ("anne", "marie", "holm", "nielsen")}
    expected.add(keyring.blind_index("birth", "2011-04-17"))
    assert tokens == expected
    assert audit_count(db_session, "person.create") == 1


@pytest.mark.parametrize("overrides, field", [
    ({"cpr": "31021-14123"}, "cpr"),
    ({"cpr": "310211-4123"}, "cpr"),
    ({"first": ""}, "first_name"),
    ({"first": "x" * 101}, "first_name"),
    ({"birth": None}, "birth_date"),
    ({"birth": "tomorrow"}, "birth_date"),  # resolved when the test runs, not at collection
    ({"gender": "robot"}, "gender"),
    ({"area_id": 999_999}, "area_id"),
])
def test_bad_person_input_is_refused_and_changes_nothing(db_session, coordinator, overrides,
                                                         field):
    if overrides.get("birth") == "tomorrow":
        overrides = {"birth": dt.date.today() + dt.timedelta(days=1)}
    before = row_counts(db_session), audit_count(db_session)
    with pytest.raises(DomainError) as error:
        register_person(db_session, actor_for(coordinator), new_person(**overrides))
    assert error.value.field == field and str(error.value.message)
    assert (row_counts(db_session), audit_count(db_session)) == before


def test_birth_date_must_match_the_cpr(db_session, coordinator):
    data = new_person(cpr="170411-4123")
    data.birth_date = dt.date(2011, 4, 18)
    with pytest.raises(DomainError, match="does not match"):
        register_person(db_session, actor_for(coordinator), data)


def test_a_cpr_can_be_registered_only_once(db_session, coordinator):
    register_person(db_session, actor_for(coordinator), new_person(cpr="170411-4123"))
    with pytest.raises(DomainError, match="already registered"):
        register_person(db_session, actor_for(coordinator), new_person(cpr="1704114123"))


def test_find_by_cpr_uses_the_blind_index_and_audits_without_the_cpr(db_session, coordinator):
    actor = actor_for(coordinator)
    person = register_person(db_session, actor, new_person(cpr="170411-4123"))
    assert find_by_cpr(db_session, actor, "1704114123").id == person.id
    assert find_by_cpr(db_session, actor, "170411-4125") is None
    events = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "person.search")).all()
    assert len(events) == 2
    for event in events:
        assert "170411" not in (event.details or "") and event.user_id == coordinator.id


def _seed(db_session, actor):
    people = [("Emil", "Jensen", dt.date(2011, 4, 17)), ("Emil", "Hansen", dt.date(2011, 4, 17)),
              ("Emil", "Jensen", dt.date(2010, 1, 2)), ("Sara", "Jensen", dt.date(2011, 4, 17))]
    people += [(f"Navn{i}", "Andersen", dt.date(2009, 1, 1) + dt.timedelta(days=i))
               for i in range(30)]
    return [register_person(db_session, actor, new_person(first=first, last=last, birth=born))
            for first, last, born in people]


def test_search_by_name_words_and_birth_date(db_session, coordinator):
    actor = actor_for(coordinator)
    persons = _seed(db_session, actor)
    found = search_persons(db_session, actor, "emil JENSEN", dt.date(2011, 4, 17))
    assert [p.id for p in found] == [persons[0].id]
    assert {p.id for p in search_persons(db_session, actor, "jensen emil")} == {
        persons[0].id, persons[2].id}
    assert {p.id for p in search_persons(db_session, actor, "", dt.date(2011, 4, 17))} == {
        persons[0].id, persons[1].id, persons[3].id}
    assert search_persons(db_session, actor, "jens") == []
    with pytest.raises(DomainError):
        search_persons(db_session, actor, "  ")


def test_search_decrypts_only_the_rows_it_returns_and_audits_no_term(db_session, coordinator,
                                                                     monkeypatch):
    actor = actor_for(coordinator)
    _seed(db_session, actor)
    db_session.commit()
    db_session.expunge_all()
    calls = []
    original = KeyRing.decrypt
    monkeypatch.setattr(KeyRing, "decrypt", lambda self, token: calls.append(1) or original(
        self, token))
    found = search_persons(db_session, actor, "Emil Jensen", dt.date(2011, 4, 17))
    assert len(found) == 1
    assert len(calls) <= 5  # one row's encrypted fields, not the table's 34
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "person.search")
                               .order_by(AuditEvent.seq.desc())).first()
    assert "emil" not in event.details.lower() and "jensen" not in event.details.lower()
    assert '"results": 1' in event.details


def test_possible_duplicates_same_cpr_or_birth_date_and_a_shared_word(db_session, coordinator):
    actor = actor_for(coordinator)
    persons = _seed(db_session, actor)
    with_cpr = register_person(db_session, actor, new_person(first="Ali", last="Khan",
                                                             cpr="020312-4567"))
    found = possible_duplicates(db_session, actor, new_person(first="Emil Oskar", last="Berg",
                                                              birth=dt.date(2011, 4, 17)))
    assert {p.id for p in found} == {persons[0].id, persons[1].id}
    found = possible_duplicates(db_session, actor, new_person(first="Alfred", last="X",
                                                              cpr="020312-4567"))
    assert [p.id for p in found] == [with_cpr.id]
    assert possible_duplicates(db_session, actor, new_person(first="Zed", last="Zulu")) == []
    assert audit_count(db_session, "person.search") == 3


def test_merge_moves_concerns_and_case_events_into_the_kept_case(db_session, coordinator):
    actor = actor_for(coordinator)
    keep = make_case(db_session, person=register_person(db_session, actor, new_person()))
    merge = make_case(db_session, person=register_person(
        db_session, actor, new_person(first="Emill", cpr="170411-4123")))
    keep_person, merge_person = keep.person, merge.person
    merge_case_id = merge.id
    merge_persons(db_session, actor, keep_person, merge_person)
    db_session.commit()
    assert merge_person.merged_into_id == keep_person.id
    assert db_session.get(Case, merge_case_id) is None
    links = db_session.scalars(select(ConcernPerson)).all()
    assert {(link.person_id, link.case_id) for link in links} == {(keep_person.id, keep.id)}
    assert len(links) == 2
    kinds = db_session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == keep.id)).all()
    assert kinds.count("concern.added") == 2 and "person.merged" in kinds
    assert keep_person.cpr == "170411-4123"
    assert find_by_cpr(db_session, actor, "170411-4123").id == keep_person.id
    assert [p.id for p in search_persons(db_session, actor, "emill")] == []
    assert audit_count(db_session, "person.merge") == 1


def test_merge_moves_the_case_when_only_the_merged_person_has_one(db_session, coordinator):
    actor = actor_for(coordinator)
    keep = register_person(db_session, actor, new_person())
    case = make_case(db_session, person=register_person(db_session, actor, new_person(first="E")))
    merge_persons(db_session, actor, keep, case.person)
    assert case.person_id == keep.id
    with pytest.raises(DomainError):
        merge_persons(db_session, actor, keep, keep)
