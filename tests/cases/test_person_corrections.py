"""Correcting a person's details: a new version with a reason, the old values kept, locking."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select, text

from app.audit.models import AuditEvent
from app.cases.models import Case, CaseEvent, Person, PersonCorrection
from app.cases.person_corrections import EditConflict, correct_person
from app.cases.persons import (
    PersonInput,
    find_by_cpr,
    merge_persons,
    register_person,
    search_persons,
)
from app.core.errors import DomainError
from tests.cases.helpers import actor_for, new_person
from tests.factories import make_case, make_user
from tests.support import extract_csrf, fresh, login
from tests.web.helpers import new_client

REASON = "The school sent the correct spelling of the name."


@pytest.fixture
def coordinator(db_session):
    user = make_user(db_session, "coordinator", commit=False, full_name="Kirsten Koordinator")
    user.locale = "en"
    db_session.commit()
    return user


@pytest.fixture
def person(db_session, coordinator):
    person = register_person(
        db_session,
        actor_for(coordinator),
        new_person(
            first="Emil",
            last="Jensen",
            birth=dt.date(2011, 4, 17),
            guardians=[{"name": "Hanne Jensen", "relation": "mother", "phone": "20304050"}],
        ),
    )
    db_session.commit()
    return person


@pytest.fixture
def case(db_session, person):
    return make_case(db_session, person=person)


@pytest.fixture
def signed_in(client, db_session, coordinator):
    login(client, db_session, coordinator)
    return client


def as_input(person, **changes) -> PersonInput:
    values = dict(
        first_name=person.first_name,
        last_name=person.last_name,
        cpr=person.cpr,
        birth_date=person.birth_date,
        gender=person.gender,
        area_id=person.area_id,
        institution=person.institution,
        guardians=[
            {"name": g.name, "relation": g.relation, "phone": g.phone, "email": g.email}
            for g in person.guardians
        ],
    )
    values.update(changes)
    return PersonInput(**values)


def form_data(page: str, **values) -> dict:
    """What the browser sends back: the page's CSRF token and version, the fields as shown."""

    def shown(name, default=""):
        marker = f'name="{name}"'
        if marker not in page:
            return default
        tag = page.split(marker, 1)[1].split(">", 1)[0]
        return tag.split('value="', 1)[1].split('"', 1)[0] if 'value="' in tag else default

    data = {"csrf_token": extract_csrf(page), "version": shown("version")}
    for name in (
        "first_name",
        "last_name",
        "cpr",
        "birth_date",
        "institution",
        "g1_name",
        "g1_phone",
        "g1_email",
        "g2_name",
        "g2_phone",
        "g2_email",
    ):
        data[name] = shown(name)
    data.update(
        gender="unknown", area_id="0", g1_relation="mother", g2_relation="guardian", reason=REASON
    )
    data.update(values)
    return data


def corrections(db_session, person_id):
    db_session.rollback()
    return db_session.scalars(
        select(PersonCorrection)
        .where(PersonCorrection.person_id == person_id)
        .order_by(PersonCorrection.version)
    ).all()


def test_a_correction_keeps_the_old_values_with_the_reason(db_session, coordinator, person):
    actor = actor_for(coordinator)
    changed = correct_person(
        db_session,
        actor,
        person,
        1,
        as_input(person, first_name="Emill", institution="Rosengårdskolen"),
        REASON,
    )
    db_session.commit()
    assert changed == ["first_name", "institution"]
    current = fresh(db_session, Person, person.id)
    assert (current.first_name, current.institution, current.version) == (
        "Emill",
        "Rosengårdskolen",
        2,
    )
    [correction] = corrections(db_session, person.id)
    assert correction.version == 2 and correction.reason == REASON
    assert correction.corrected_by_id == coordinator.id
    assert json.loads(correction.changes) == {"first_name": "Emil", "institution": None}
    raw = db_session.execute(text("SELECT reason, changes FROM person_corrections")).one()
    assert "Emil" not in raw.changes and "school" not in raw.reason
    event = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "person.correct")
    ).one()
    assert json.loads(event.details) == {"fields": ["first_name", "institution"], "version": 2}
    assert "Emil" not in event.details


def test_search_finds_the_corrected_name_and_not_the_old_one(db_session, coordinator, person):
    actor = actor_for(coordinator)
    correct_person(db_session, actor, person, 1, as_input(person, last_name="Hansen"), REASON)
    db_session.commit()
    assert [p.id for p in search_persons(db_session, actor, "emil hansen")] == [person.id]
    assert search_persons(db_session, actor, "jensen") == []
    assert [p.id for p in search_persons(db_session, actor, "emil", dt.date(2011, 4, 17))] == [
        person.id
    ]


def test_a_cpr_gives_the_birth_date_and_its_index_follows(db_session, coordinator, person, case):
    actor = actor_for(coordinator)
    correct_person(db_session, actor, person, 1, as_input(person, cpr="0503124321"), REASON)
    db_session.commit()
    current = fresh(db_session, Person, person.id)
    assert current.cpr == "050312-4321" and current.birth_date == dt.date(2012, 3, 5)
    assert current.birth_year == 2012 and fresh(db_session, Case, case.id).birth_year == 2012
    assert find_by_cpr(db_session, actor, "050312-4321").id == person.id
    assert json.loads(corrections(db_session, person.id)[0].changes) == {
        "birth_date": "2011-04-17",
        "cpr": None,
    }
    kinds = db_session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case.id)).all()
    assert "person.corrected" in kinds


@pytest.mark.parametrize("reason", [None, "", "too short", "x" * 501])
def test_a_missing_or_short_reason_changes_nothing(db_session, coordinator, person, reason):
    with pytest.raises(DomainError) as error:
        correct_person(
            db_session,
            actor_for(coordinator),
            person,
            1,
            as_input(person, first_name="Emill"),
            reason,
        )
    assert error.value.field == "reason"
    assert fresh(db_session, Person, person.id).first_name == "Emil"
    assert corrections(db_session, person.id) == []


def test_a_stale_version_is_a_conflict(db_session, coordinator, person):
    actor = actor_for(coordinator)
    correct_person(db_session, actor, person, 1, as_input(person, first_name="Emill"), REASON)
    db_session.commit()
    with pytest.raises(EditConflict):
        correct_person(db_session, actor, person, 1, as_input(person, first_name="Emiil"), REASON)


def test_the_edit_page_saves_a_correction_and_shows_the_history(
    signed_in, db_session, person, case
):
    page = signed_in.get(f"/persons/{person.id}/edit").get_data(as_text=True)
    assert 'value="Emil"' in page and 'value="Hanne Jensen"' in page
    assert 'data-testid="no-history"' in page
    response = signed_in.post(
        f"/persons/{person.id}/edit",
        data=form_data(
            page, first_name="Emill", g1_phone="", g2_name="Bo Jensen", g2_relation="father"
        ),
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    assert response.headers["Location"].endswith(f"/cases/{case.id}")
    [correction] = corrections(db_session, person.id)
    assert json.loads(correction.changes) == {
        "first_name": "Emil",
        "guardians": [
            {"name": "Hanne Jensen", "relation": "mother", "phone": "20304050", "email": None}
        ],
    }
    current = fresh(db_session, Person, person.id)
    assert [(g.name, g.phone) for g in current.guardians] == [
        ("Hanne Jensen", None),
        ("Bo Jensen", None),
    ]

    page = signed_in.get(f"/persons/{person.id}/edit").get_data(as_text=True)
    row = page.split('data-testid="correction-2"', 1)[1].split("</tr>", 1)[0]
    assert REASON in row and "First name" in row and "Guardians" in row
    assert "Kirsten Koordinator" in row
    db_session.rollback()
    reads = db_session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "person.read", AuditEvent.object_id == str(person.id)
        )
    ).all()
    assert [json.loads(e.details) for e in reads] == [{"history": 0}, {"history": 1}]


def test_removing_a_guardian_by_clearing_the_row(signed_in, db_session, person, case):
    page = signed_in.get(f"/persons/{person.id}/edit").get_data(as_text=True)
    response = signed_in.post(
        f"/persons/{person.id}/edit", data=form_data(page, g1_name="", g1_phone="")
    )
    assert response.status_code == 303
    assert fresh(db_session, Person, person.id).guardians == []


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"reason": ""}, "reason", "reason for the correction"),
        ({"reason": "short"}, "reason", "reason for the correction"),
        ({"first_name": ""}, "first_name", "first and last name"),
        ({"g1_email": "hanne@"}, "g1_email", "name@example.dk"),
        ({"cpr": "1234"}, "cpr", "DDMMYY-SSSS"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(
    signed_in, db_session, person, case, values, field, message
):
    page = signed_in.get(f"/persons/{person.id}/edit").get_data(as_text=True)
    response = signed_in.post(
        f"/persons/{person.id}/edit", data=form_data(page, last_name="Hansen", **values)
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html.split(f'id="{field}-error"', 1)[1][:300]
    assert 'value="Hansen"' in html  # the input is kept
    assert fresh(db_session, Person, person.id).last_name == "Jensen"
    assert corrections(db_session, person.id) == []
    # The page was shown again: that read is on record although the request rolled back.
    assert (
        db_session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "person.read")
        )
        == 2
    )


def test_saving_without_changes_says_so(signed_in, db_session, person, case):
    page = signed_in.get(f"/persons/{person.id}/edit").get_data(as_text=True)
    response = signed_in.post(f"/persons/{person.id}/edit", data=form_data(page))
    assert response.status_code == 422
    assert "Nothing was changed" in response.get_data(as_text=True)
    assert corrections(db_session, person.id) == []


def test_a_cpr_of_another_person_says_merge_and_reveals_nobody(
    signed_in, db_session, coordinator, person, case
):
    register_person(
        db_session,
        actor_for(coordinator),
        new_person(first="Sofie", last="Andersen", cpr="170411-4124"),
    )
    db_session.commit()
    page = signed_in.get(f"/persons/{person.id}/edit").get_data(as_text=True)
    response = signed_in.post(f"/persons/{person.id}/edit", data=form_data(page, cpr="170411-4124"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Another person has this CPR number. Merge the two persons instead." in html
    assert "Sofie" not in html and "Andersen" not in html
    assert fresh(db_session, Person, person.id).cpr is None


def test_two_sessions_correct_the_same_version_and_the_second_sees_both(
    app, signed_in, db_session, person, case
):
    other_user = make_user(db_session, "coordinator", full_name="Anden Koordinator")
    second = new_client(app, ip="192.0.2.71")
    login(second, db_session, other_user)
    first_page = signed_in.get(f"/persons/{person.id}/edit").get_data(as_text=True)
    second_page = second.get(f"/persons/{person.id}/edit").get_data(as_text=True)

    saved = signed_in.post(
        f"/persons/{person.id}/edit",
        data=form_data(first_page, first_name="Emill", institution="Rosengårdskolen"),
    )
    assert saved.status_code == 303
    conflict = second.post(
        f"/persons/{person.id}/edit",
        data=form_data(
            second_page, last_name="Hansen-Jensen", reason="The mother told us the full last name."
        ),
    )
    html = conflict.get_data(as_text=True)
    assert conflict.status_code == 409
    assert 'data-testid="conflict"' in html
    assert "Rosengårdskolen" in html.split('data-testid="current-institution"', 1)[1][:200]
    assert "Hansen-Jensen" in html.split('data-testid="mine-last_name"', 1)[1][:200]
    assert "Emill" in html.split('data-testid="current-first_name"', 1)[1][:200]
    assert "The mother told us the full last name." in html  # the reason is kept to resend
    assert 'name="version" type="hidden" value="2"' in html or 'value="2"' in html

    current = fresh(db_session, Person, person.id)
    assert (current.first_name, current.last_name, current.version) == ("Emill", "Jensen", 2)
    assert len(corrections(db_session, person.id)) == 1
    failed = db_session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "person.correct", AuditEvent.outcome == "failed"
        )
    ).all()
    assert [json.loads(e.details) for e in failed] == [{"reason": "conflict"}]

    again = second.post(
        f"/persons/{person.id}/edit",
        data=form_data(
            html, last_name="Hansen-Jensen", reason="The mother told us the full last name."
        ),
    )
    assert again.status_code == 303
    assert fresh(db_session, Person, person.id).last_name == "Hansen-Jensen"


def test_names_and_reasons_come_back_escaped(signed_in, db_session, person, case):
    payload = '<script>alert("x")</script>'
    page = signed_in.get(f"/persons/{person.id}/edit").get_data(as_text=True)
    response = signed_in.post(
        f"/persons/{person.id}/edit",
        data=form_data(page, first_name=f"Emil{payload}", reason=f"Because {payload} said so."),
    )
    assert response.status_code == 303
    page = signed_in.get(f"/persons/{person.id}/edit").get_data(as_text=True)
    assert payload not in page
    assert "&lt;script&gt;" in page


def test_unknown_persons_are_404_and_merged_ones_point_the_way(
    signed_in, db_session, coordinator, person, case
):
    assert signed_in.get("/persons/999999/edit").status_code == 404
    other = register_person(db_session, actor_for(coordinator), new_person(first="Emiil"))
    merge_persons(db_session, actor_for(coordinator), person, other)
    db_session.commit()
    response = signed_in.get(f"/persons/{other.id}/edit")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/persons/{person.id}/edit")


def test_a_committee_member_may_not_correct_a_person(app, db_session, person, case):
    member = make_user(db_session, "committee")
    client = new_client(app, ip="192.0.2.72")
    login(client, db_session, member)
    assert client.get(f"/persons/{person.id}/edit").status_code == 403
    page = client.get("/").get_data(as_text=True)
    response = client.post(
        f"/persons/{person.id}/edit",
        data={
            "csrf_token": extract_csrf(page),
            "version": "1",
            "first_name": "X",
            "last_name": "Y",
            "reason": REASON,
        },
    )
    assert response.status_code == 403
    assert fresh(db_session, Person, person.id).first_name == "Emil"


@pytest.mark.parametrize(
    "value", ["\x00", "a\x00b", "\u202eevil\u202c", "x" * 100_000, "99999999999999999999", "-1"]
)
def test_hostile_values_in_any_field_never_fail(signed_in, db_session, person, case, value):
    page = signed_in.get(f"/persons/{person.id}/edit").get_data(as_text=True)
    for name in (
        "first_name",
        "cpr",
        "birth_date",
        "gender",
        "area_id",
        "g1_phone",
        "g2_email",
        "g1_relation",
        "reason",
        "version",
    ):
        response = signed_in.post(
            f"/persons/{person.id}/edit", data=form_data(page, **{name: value})
        )
        assert response.status_code in (303, 409, 422), (name, response.status_code)
        if response.status_code == 303:
            page = signed_in.get(f"/persons/{person.id}/edit").get_data(as_text=True)
    current = fresh(db_session, Person, person.id)
    assert "\x00" not in current.first_name and "\u202e" not in current.first_name
