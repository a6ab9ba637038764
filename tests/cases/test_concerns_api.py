"""POST /api/v1/concerns: validated with field errors, idempotent by key, documented."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.cases.models import Case, Concern, Person
from tests.cases.helpers import audit_count, make_area, row_counts
from tests.factories import make_person, make_user
from tests.web.helpers import api_token_for

YESTERDAY = (dt.date.today() - dt.timedelta(days=1)).isoformat()


@pytest.fixture
def app_settings(app_settings):
    """These tests read the API's English messages; the UI's default language is Danish."""
    return {**app_settings, "BABEL_DEFAULT_LOCALE": "en"}


@pytest.fixture
def area(db_session):
    area = make_area(db_session)
    db_session.commit()
    return area


@pytest.fixture
def token(db_session):
    return api_token_for(db_session, make_user(db_session, "coordinator"))


def body(area, **overrides) -> dict:
    data = {
        "occurred_on": YESTERDAY, "area_id": area.id, "reporter_type": "police",
        "categories": ["violence", "weapons"], "narrative": "Trussel med kniv ved stationen.",
        "legal_basis": "s115", "notification": "needed",
        "persons": [{"first_name": "Emil", "last_name": "Jensen", "cpr": "170411-4123"},
                    {"first_name": "Ida", "last_name": "Holm", "birth_date": "2012-05-01",
                     "gender": "female"}],
    }
    data.update(overrides)
    return data


def post(client, token, payload, key="police-2026-0001"):
    headers = {"Authorization": f"Bearer {token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post("/api/v1/concerns", json=payload, headers=headers)


def test_a_valid_concern_is_recorded_with_one_case_per_person(client, db_session, token, area):
    response = post(client, token, body(area))
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["status"] == "recorded" and len(data["persons"]) == 2
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Case)) == 2
    assert {p["case_id"] for p in data["persons"]} == set(db_session.scalars(select(Case.id)))
    assert audit_count(db_session, "concern.create") == 1


def test_the_same_key_and_body_give_the_same_concern_and_no_second_record(
        client, db_session, token, area):
    first = post(client, token, body(area))
    again = post(client, token, body(area))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Concern)) == 1
    assert db_session.scalar(select(func.count()).select_from(Person)) == 2


def test_the_same_key_with_another_body_is_refused(client, db_session, token, area):
    assert post(client, token, body(area)).status_code == 201
    response = post(client, token, body(area, narrative="Noget andet."))
    assert response.status_code == 409
    assert response.get_json()["error"] == "idempotency_key_reused_with_another_body"
    fresh_persons = [{"first_name": "Ali", "last_name": "Khan", "birth_date": "2010-01-01"}]
    assert post(client, token, body(area, narrative="Noget andet.", persons=fresh_persons),
                key="other-1").status_code == 201


def test_keys_are_per_user(client, db_session, token, area):
    other = api_token_for(db_session, make_user(db_session, "coordinator"))
    assert post(client, token, body(area)).status_code == 201
    payload = body(area, persons=[{"first_name": "Ali", "last_name": "Khan",
                                   "birth_date": "2010-01-01"}])
    assert post(client, other, payload).status_code == 201


@pytest.mark.parametrize("overrides, field, message", [
    ({"persons": [{"first_name": "E", "last_name": "J", "cpr": "1704-114123"}]},
     "persons[0].cpr", "DDMMYY-SSSS"),
    ({"persons": [{"id": 1}, {"first_name": "E", "last_name": "J", "cpr": "300211-4123"}]},
     "persons[1].cpr", "real date"),
    ({"occurred_on": "2026-02-30"}, "occurred_on", "real date"),
    ({"area_id": 999_999}, "area_id", "area"),
    ({"area_id": "Vollsmose"}, "area_id", "integer"),
    ({"categories": []}, "categories", "at least one category"),
    ({"categories": "violence"}, "categories", "list"),
    ({"narrative": "x" * 10_001}, "narrative", "10000"),
    ({"legal_basis": "other"}, "legal_basis_note", "Explain"),
    ({"reporter_type": "neighbour"}, "reporter_type", "who reported"),
    ({"persons": []}, "persons", "at least one person"),
    ({"persons": [{"id": 999_999}]}, "persons", "does not exist"),
    ({"narrative": None}, "narrative", "required"),
])
def test_bad_bodies_get_422_with_field_errors_and_change_nothing(
        client, db_session, token, area, overrides, field, message):
    if overrides.get("persons") and overrides["persons"][0] == {"id": 1}:
        from tests.factories import make_person

        overrides["persons"][0] = {"id": make_person(db_session).id}
    db_session.rollback()
    before = row_counts(db_session)
    response = post(client, token, body(area, **overrides))
    assert response.status_code == 422, response.get_json()
    fields = response.get_json()["fields"]
    assert field in fields and message in fields[field], fields
    db_session.rollback()
    assert row_counts(db_session) == before


@pytest.mark.parametrize("kind", ["no key", "bad key", "not json", "json list"])
def test_missing_key_or_non_json_body_is_a_clear_422(client, token, area, kind):
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "k-1"}
    if kind == "no key":
        headers.pop("Idempotency-Key")
        response = client.post("/api/v1/concerns", json=body(area), headers=headers)
    elif kind == "bad key":
        headers["Idempotency-Key"] = "x" * 65
        response = client.post("/api/v1/concerns", json=body(area), headers=headers)
    elif kind == "not json":
        response = client.post("/api/v1/concerns", data="occurred_on=x", headers=headers)
    else:
        response = client.post("/api/v1/concerns", json=[1, 2], headers=headers)
    assert response.status_code == 422
    assert response.get_json()["fields"]


@pytest.mark.parametrize("role", ["committee", "assessor", "board", "admin", "auditor"])
def test_only_the_coordinators_token_may_post(client, db_session, area, role):
    other = api_token_for(db_session, make_user(db_session, role))
    assert post(client, other, body(area)).status_code == 403
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Concern)) == 0


def test_the_operation_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/concerns"]["post"]
    assert {"201", "200", "409", "422"} <= set(operation["responses"])
    assert operation["parameters"][0]["name"] == "Idempotency-Key"
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert "persons" in schema["required"]


@pytest.mark.parametrize("overrides, field", [
    ({"area_id": 10**30}, "area_id"),
    ({"persons": [{"id": 10**30}]}, "persons"),
    ({"persons": [{"first_name": "A", "last_name": "B", "birth_date": "2010-01-01",
                   "area_id": -(10**30)}]}, "persons[0].area_id"),
])
def test_ids_too_large_for_the_database_are_a_422_not_a_500(client, token, area, overrides,
                                                            field):
    response = post(client, token, body(area, **overrides))
    assert response.status_code == 422 and field in response.get_json()["fields"]


def post_together(app, token, payloads: list[dict], key: str | list[str]) -> list:
    """The payloads posted at the same moment, each from its own thread and connection;
    with one key for all, or a list of keys (one per payload)."""
    import threading

    keys = key if isinstance(key, list) else [key] * len(payloads)
    barrier = threading.Barrier(len(payloads))
    responses: list = [None] * len(payloads)

    def send(index: int) -> None:
        client = app.test_client()
        barrier.wait()
        responses[index] = post(client, token, payloads[index], key=keys[index])

    threads = [threading.Thread(target=send, args=(n,)) for n in range(len(payloads))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def concerns_with_key(db_session, key: str) -> int:
    db_session.rollback()
    return db_session.scalar(
        select(func.count()).select_from(Concern).where(Concern.idempotency_key.contains(key))
    )


def test_simultaneous_posts_with_one_key_and_two_bodies_record_once(app, db_session, token,
                                                                    area):
    person = make_person(db_session)  # by id: no CPR conflict that would order them anyway
    for attempt in range(6):
        key = f"race-{attempt}"
        first = body(area, persons=[{"id": person.id}])
        second = body(area, persons=[{"id": person.id}], narrative="En helt anden hændelse.")
        responses = post_together(app, token, [first, second], key)
        assert sorted(r.status_code for r in responses) == [201, 409], [
            (r.status_code, r.get_json()) for r in responses]
        assert concerns_with_key(db_session, key) == 1


def test_simultaneous_retries_with_one_body_give_one_concern(app, db_session, token, area):
    person = make_person(db_session)
    for attempt in range(4):
        key = f"retry-{attempt}"
        payload = body(area, persons=[{"id": person.id}])
        responses = post_together(app, token, [payload, payload, payload], key)
        assert sorted(r.status_code for r in responses) == [200, 200, 201]
        assert len({r.get_json()["id"] for r in responses}) == 1
        assert concerns_with_key(db_session, key) == 1


def test_simultaneous_group_concerns_about_the_same_persons_are_both_recorded(
    app, db_session, token, area
):
    """Two systems send a concern naming the same two young people at the same moment, in
    opposite order. Both are recorded, and the case list's category filter (case_categories)
    finds both cases under every category of both concerns."""
    from app.cases.case_categories import derived_case_categories
    from app.cases.models import CaseCategory

    first, second = make_person(db_session), make_person(db_session)
    pairs = [("violence", "weapons"), ("drugs", "theft_burglary"), ("unrest", "online")]
    for attempt, categories in enumerate(pairs):
        payloads = [
            body(area, persons=[{"id": first.id}, {"id": second.id}], categories=[*categories]),
            body(area, persons=[{"id": second.id}, {"id": first.id}], categories=[*categories]),
        ]
        responses = post_together(app, token, payloads, [f"pair-{attempt}-1", f"pair-{attempt}-2"])
        assert [r.status_code for r in responses] == [201, 201], [r.get_json() for r in responses]
    db_session.rollback()
    stored = set(db_session.execute(select(CaseCategory.category_id, CaseCategory.case_id)))
    assert stored == set(db_session.execute(derived_case_categories()))
    assert len(stored) == 2 * 2 * len(pairs)
