"""Guardians entered with a new person at the coordinator's intake: checked, stored encrypted."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text

from app.cases.guardians import check_guardians
from app.cases.models import Concern, Guardian, Person
from app.cases.persons import register_person
from app.core.errors import DomainError
from tests.cases.helpers import actor_for, audit_count, make_area, new_person, row_counts
from tests.cases.test_concern_views import concern_form as base_concern_form
from tests.factories import make_user
from tests.support import login
from tests.web.helpers import new_client

YESTERDAY = (dt.date.today() - dt.timedelta(days=1)).isoformat()


@pytest.fixture
def coordinator(db_session):
    user = make_user(db_session, "coordinator", commit=False)
    user.locale = "en"
    db_session.commit()
    return user


@pytest.fixture
def area(db_session):
    area = make_area(db_session, "Vollsmose")
    db_session.commit()
    return area


@pytest.fixture
def signed_in(client, db_session, coordinator):
    login(client, db_session, coordinator)
    return client


GUARDIANS = {
    "p1_g1_name": "Hanne Jensen",
    "p1_g1_relation": "mother",
    "p1_g1_phone": "+45 20 30 40 50",
    "p1_g1_email": "hanne.jensen@example.dk",
    "p1_g2_name": "Bo Jensen",
    "p1_g2_relation": "father",
    "p1_g2_phone": "",
    "p1_g2_email": "",
}


def concern_form(area, **overrides) -> dict:
    """The concern views' valid form, with two guardians for the new person."""
    return base_concern_form(area, **{**GUARDIANS, **overrides})


def test_intake_stores_two_guardians_encrypted_with_the_new_person(signed_in, db_session, area):
    page = signed_in.get("/concerns/new").get_data(as_text=True)
    assert 'name="p1_g1_relation"' in page and 'name="p3_g2_email"' in page
    assert ">Other guardian<" in page  # the relation is a translated choice

    response = signed_in.submit("/concerns/new", concern_form(area))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    db_session.rollback()
    person = db_session.scalar(select(Person))
    assert [(g.name, g.relation, g.phone, g.email) for g in person.guardians] == [
        ("Hanne Jensen", "mother", "+45 20 30 40 50", "hanne.jensen@example.dk"),
        ("Bo Jensen", "father", None, None),
    ]
    raw = " ".join(
        str(value)
        for row in db_session.execute(text("SELECT name, relation, phone, email FROM guardians"))
        for value in row
    )
    for plain in ("Hanne", "Jensen", "20 30 40 50", "example.dk", "Bo "):
        assert plain not in raw
    assert "mother" in raw  # the relation is a plain code, not personal text


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"p1_g1_phone": "20-30-40-50"}, "p1_g1_phone", "digits only"),
        ({"p1_g1_phone": "call me"}, "p1_g1_phone", "digits only"),
        ({"p1_g1_phone": "123"}, "p1_g1_phone", "digits only"),
        ({"p1_g1_email": "hanne.example.dk"}, "p1_g1_email", "name@example.dk"),
        ({"p1_g1_email": "hanne@example"}, "p1_g1_email", "name@example.dk"),
        ({"p1_g2_name": "", "p1_g2_phone": "20304050"}, "p1_g2_name", "guardian&#39;s name"),
        ({"p1_g1_relation": "uncle"}, "p1_g1_relation", "Not a valid choice"),
        ({"p1_g1_name": "x" * 201}, "p1_g1_name", "200"),
    ],
)
def test_bad_guardian_input_is_refused_beside_the_field_keeping_everything(
    signed_in, db_session, area, overrides, field, message
):
    db_session.rollback()
    before = row_counts(db_session)
    response = signed_in.submit("/concerns/new", concern_form(area, **overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    error = page.split(f'id="{field}-error"', 1)[1][:300]
    assert message in error, page[:3000]
    # Everything typed is still there to fix and send again.
    assert 'value="Emil"' in page and "Slog en anden elev i skolegården." in page
    assert 'value="Bo Jensen"' in page or overrides.get("p1_g2_name") == ""
    db_session.rollback()
    assert row_counts(db_session) == before
    assert db_session.scalar(select(func.count()).select_from(Guardian)) == 0
    assert audit_count(db_session, "concern.create") == 0


def test_guardian_details_without_a_new_person_name_point_at_the_person(
    signed_in, db_session, area
):
    form = concern_form(area, p1_first_name="", p1_last_name="", p1_cpr="")
    response = signed_in.submit("/concerns/new", form)
    assert response.status_code == 200  # the person's own fields keep their usual answer
    assert "first and last name" in response.get_data(as_text=True)
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Guardian)) == 0


def test_empty_guardian_rows_store_no_guardian(signed_in, db_session, area):
    form = concern_form(area, p1_g1_name="", p1_g1_phone="", p1_g1_email="", p1_g2_name="")
    assert signed_in.submit("/concerns/new", form).status_code == 302
    db_session.rollback()
    assert db_session.scalar(select(Person)).guardians == []


def test_the_professionals_report_has_no_guardian_fields_and_still_works(app, db_session, area):
    teacher = make_user(db_session, "assessor")
    client = new_client(app, ip="192.0.2.61")
    login(client, db_session, teacher)
    page = client.get("/concerns/report").get_data(as_text=True)
    assert "g1_name" not in page
    form = {k: v for k, v in concern_form(area).items() if "_g" not in k or "gender" in k}
    form.pop("action")
    response = client.submit("/concerns/report", form)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    db_session.rollback()
    assert db_session.scalar(select(Concern.status)) == "inbox"
    assert db_session.scalar(select(func.count()).select_from(Guardian)) == 0


def test_register_person_checks_and_stores_guardians(db_session):
    actor = actor_for(make_user(db_session, "coordinator"))
    person = register_person(
        db_session,
        actor,
        new_person(
            guardians=[
                {"name": "  Hanne   Jensen ", "relation": "mother", "phone": "20304050"},
                {"name": "", "relation": "guardian", "phone": "", "email": ""},
            ]
        ),
    )
    assert [(g.name, g.phone) for g in person.guardians] == [("Hanne Jensen", "20304050")]
    with pytest.raises(DomainError) as error:
        register_person(
            db_session,
            actor,
            new_person(first="Ida", guardians=[{"name": "Ole", "relation": "stepfather"}]),
        )
    assert error.value.field == "g1_relation"


def test_at_most_two_guardians():
    rows = [{"name": f"Guardian {n}"} for n in range(3)]
    with pytest.raises(DomainError):
        check_guardians(rows)
    assert len(check_guardians(rows[:2])) == 2


def test_a_refused_form_still_records_the_read_of_the_chosen_persons(
    signed_in, db_session, coordinator, area
):
    chosen = register_person(db_session, actor_for(coordinator), new_person(first="Ida"))
    db_session.commit()
    form = concern_form(area, person_ids=[str(chosen.id)], p1_g1_phone="twenty")
    response = signed_in.submit("/concerns/new", form)
    assert response.status_code == 422
    assert f'name="person_ids" value="{chosen.id}" checked' in response.get_data(as_text=True)
    db_session.rollback()
    assert audit_count(db_session, "person.read") == 1
    assert db_session.scalar(select(func.count()).select_from(Person)) == 1
