"""The concern pages through the client, CSRF on: intake, search, duplicates, report, inbox."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.cases.models import Case, Concern, ConcernCategory, Person
from app.cases.persons import register_person
from tests.cases.helpers import actor_for, audit_count, make_area, new_person, row_counts
from tests.factories import make_user
from tests.support import fresh, login
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


def concern_form(area, **overrides) -> dict:
    data = {
        "action": "record", "occurred_on": YESTERDAY, "area_id": str(area.id),
        "reporter_type": "police", "categories": ["violence"],
        "narrative": "Slog en anden elev i skolegården.", "legal_basis": "s115",
        "notification": "unanswered", "p1_first_name": "Emil", "p1_last_name": "Jensen",
        "p1_cpr": "170411-4123", "p1_gender": "male", "p1_area_id": str(area.id),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_new_concern_page_shows_every_category_with_help_in_the_users_language(
        signed_in, db_session, area):
    page = signed_in.get("/concerns/new").get_data(as_text=True)
    categories = db_session.scalars(select(ConcernCategory).where(ConcernCategory.active)).all()
    assert len(categories) >= 12
    for category in categories:
        assert f'id="category-{category.key}-help"' in page
    violence = next(c for c in categories if c.key == "violence")
    assert violence.label_en in page and violence.help_en[:40] in page
    assert 'data-testid="notification-reminder"' in page
    assert "Vollsmose" in page


def test_recording_a_concern_opens_a_case_and_redirects(signed_in, db_session, area):
    response = signed_in.submit("/concerns/new", concern_form(area))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    db_session.rollback()
    concern = db_session.scalar(select(Concern))
    assert concern.reporter_type == "police" and concern.notification is None
    assert db_session.scalar(select(func.count()).select_from(Case)) == 1
    person = db_session.scalar(select(Person))
    assert person.cpr == "170411-4123" and person.area_id == area.id
    assert "170411" not in response.headers["Location"]
    assert audit_count(db_session, "concern.create") == 1


@pytest.mark.parametrize("overrides, message", [
    ({"p1_cpr": "1704-114123"}, "DDMMYY-SSSS"),
    ({"p1_cpr": "300211-4123"}, "real date"),
    ({"p1_cpr": "", "p1_birth_date": "2011-02-30"}, "Not a valid date value"),
    ({"area_id": "999999"}, "area"),
    ({"categories": None}, "at least one category"),
    ({"categories": ["violence", "made-up"]}, "from the list"),
    ({"narrative": "x" * 10_001}, "10000"),
    ({"legal_basis": "other"}, "Explain the legal basis"),
    ({"occurred_on": "2026-13-01"}, "Not a valid date value"),
    ({"p1_first_name": "", "p1_last_name": "", "p1_cpr": ""}, "at least one person"),
])
def test_every_bad_input_gets_a_clear_message_and_changes_nothing(
        signed_in, db_session, area, overrides, message):
    db_session.rollback()
    before = row_counts(db_session)
    response = signed_in.submit("/concerns/new", concern_form(area, **overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page, page[:4000]
    db_session.rollback()
    assert row_counts(db_session) == before
    assert audit_count(db_session, "concern.create") == 0


def test_search_by_name_and_birth_date_then_record_for_the_found_person(
        signed_in, db_session, coordinator, area):
    person = register_person(db_session, actor_for(coordinator), new_person(
        first="Ida", last="Holm", birth=dt.date(2012, 5, 1)))
    register_person(db_session, actor_for(coordinator), new_person(
        first="Ida", last="Holm", birth=dt.date(2012, 5, 2)))
    db_session.commit()
    response = signed_in.submit("/concerns/new", {
        "action": "search", "search_name": "holm IDA", "search_born": "2012-05-01"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'name="person_ids" value="{person.id}"' in page
    assert page.count('name="person_ids"') == 1
    db_session.rollback()
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "person.search")
                               ).one()
    assert "holm" not in event.details.lower() and event.user_id == coordinator.id
    response = signed_in.submit("/concerns/new", concern_form(
        area, person_ids=[str(person.id)], p1_first_name="", p1_last_name="", p1_cpr=""))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    db_session.rollback()
    case = db_session.scalar(select(Case))
    assert case.person_id == person.id


def test_search_by_cpr(signed_in, db_session, coordinator):
    person = register_person(db_session, actor_for(coordinator), new_person(cpr="010203-1234"))
    db_session.commit()
    page = signed_in.submit("/concerns/new", {"action": "search", "search_cpr": "0102031234"}
                            ).get_data(as_text=True)
    assert f'value="{person.id}"' in page
    page = signed_in.submit("/concerns/new", {"action": "search", "search_cpr": "01020"}
                            ).get_data(as_text=True)
    assert "DDMMYY-SSSS" in page


def test_possible_duplicates_are_shown_before_a_new_person_is_registered(
        signed_in, db_session, coordinator, area):
    existing = register_person(db_session, actor_for(coordinator), new_person(
        first="Emil", last="Jensen", birth=dt.date(2011, 4, 17)))
    db_session.commit()
    form = concern_form(area)
    response = signed_in.submit("/concerns/new", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-testid="duplicates-1"' in page
    assert f'value="{existing.id}"' in page
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Concern)) == 0
    response = signed_in.submit("/concerns/new", {**form, "confirm_new": "1"})
    assert response.status_code == 302
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Person)) == 2


def test_group_concern_through_the_page_opens_one_case_per_person(signed_in, db_session, area):
    form = concern_form(area, p2_first_name="Ida", p2_last_name="Holm",
                        p2_birth_date="2012-05-01", p2_gender="female", p2_area_id="0")
    response = signed_in.submit("/concerns/new", form)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Case)) == 2


def test_the_notification_reminder_goes_once_answered(signed_in, area):
    page = signed_in.submit("/concerns/new", concern_form(area, notification="made",
                                                          categories=None)).get_data(as_text=True)
    assert "at least one category" in page
    assert 'data-testid="notification-reminder"' not in page


def test_report_inbox_accept_and_reporter_sees_only_own(app, signed_in, db_session, area):
    teacher = make_user(db_session, "assessor")
    other = make_user(db_session, "committee")
    teacher_client = new_client(app, ip="192.0.2.31")
    login(teacher_client, db_session, teacher)
    form = concern_form(area)
    form.pop("action")
    response = teacher_client.submit("/concerns/report", form)
    assert response.status_code == 302 and response.headers["Location"].endswith("/concerns/mine")
    mine = teacher_client.get("/concerns/mine").get_data(as_text=True)
    assert "Waiting for the coordinator" in mine or "Venter" in mine
    other_client = new_client(app, ip="192.0.2.32")
    login(other_client, db_session, other)
    assert 'data-testid="my-reports"' not in other_client.get("/concerns/mine").get_data(
        as_text=True)
    db_session.rollback()
    concern = db_session.scalar(select(Concern))
    assert concern.status == "inbox" and concern.reported_by_id == teacher.id
    assert db_session.scalar(select(func.count()).select_from(Case)) == 0

    inbox = signed_in.get("/concerns/inbox").get_data(as_text=True)
    assert f'data-testid="report-{concern.id}"' in inbox and "Emil Jensen" in inbox
    response = signed_in.submit("/concerns/inbox", {"concern_id": str(concern.id)},
                                page="/concerns/inbox")
    assert response.status_code == 302
    assert fresh(db_session, Concern, concern.id).status == "recorded"
    assert db_session.scalar(select(func.count()).select_from(Case)) == 1
    mine = teacher_client.get("/concerns/mine").get_data(as_text=True)
    assert "Taken in by the coordinator" in mine or "Modtaget" in mine
    db_session.rollback()
    for action in ("concern.report", "concern.list_own", "concern.inbox", "concern.accept"):
        assert audit_count(db_session, action) >= 1, action


def test_inbox_post_without_a_report_changes_nothing(signed_in, db_session):
    response = signed_in.submit("/concerns/inbox", {"concern_id": "abc"}, page="/concerns/inbox")
    assert response.status_code == 302
    response = signed_in.submit("/concerns/inbox", {"concern_id": "999"}, page="/concerns/inbox")
    assert response.status_code == 302
    assert "no longer waiting" in signed_in.get("/concerns/inbox").get_data(as_text=True)


def test_answering_the_notification_from_the_inbox(signed_in, db_session, area):
    signed_in.submit("/concerns/new", concern_form(area))
    db_session.rollback()
    concern = db_session.scalar(select(Concern))
    page = signed_in.get("/concerns/inbox").get_data(as_text=True)
    assert 'data-testid="unanswered"' in page
    response = signed_in.submit("/concerns/notification", {
        "concern_id": str(concern.id), "notification": "needed"}, page="/concerns/inbox")
    assert response.status_code == 302
    assert fresh(db_session, Concern, concern.id).notification == "needed"
    assert 'data-testid="unanswered"' not in signed_in.get("/concerns/inbox").get_data(
        as_text=True)


def test_a_reporter_cannot_name_existing_persons_by_id(app, db_session, coordinator, area):
    person = register_person(db_session, actor_for(coordinator), new_person(first="Ida"))
    db_session.commit()
    teacher = make_user(db_session, "assessor")
    client = new_client(app, ip="192.0.2.33")
    login(client, db_session, teacher)
    form = concern_form(area, person_ids=[str(person.id)], p1_first_name="", p1_last_name="",
                        p1_cpr="")
    form.pop("action")
    response = client.submit("/concerns/report", form)
    assert response.status_code == 200
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Concern)) == 0


def test_choosing_the_registered_duplicate_uses_it_instead_of_the_new_row(
        signed_in, db_session, coordinator, area):
    existing = register_person(db_session, actor_for(coordinator), new_person(
        first="Emil", last="Jensen", birth=dt.date(2011, 4, 17)))
    db_session.commit()
    form = concern_form(area)
    assert signed_in.submit("/concerns/new", form).status_code == 200
    response = signed_in.submit("/concerns/new", {**form, "person_ids": str(existing.id)})
    assert response.status_code == 302
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Person)) == 1
    assert db_session.scalar(select(Case.person_id)) == existing.id


def test_huge_ids_in_forms_change_nothing_and_never_fail(signed_in, db_session, area):
    huge = str(10**30)
    response = signed_in.submit("/concerns/new", concern_form(area, area_id=huge,
                                                              person_ids=[huge]))
    assert response.status_code == 200
    for path, data in (("/concerns/inbox", {"concern_id": huge}),
                       ("/concerns/notification", {"concern_id": huge, "notification": "made"})):
        assert signed_in.submit(path, data, page="/concerns/inbox").status_code == 302
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Concern)) == 0


def test_a_reported_person_who_is_already_registered_can_be_merged_from_the_inbox(
        app, signed_in, db_session, coordinator, area):
    registered = register_person(db_session, actor_for(coordinator), new_person(
        first="Emil", last="Jensen", birth=dt.date(2011, 4, 17)))
    db_session.commit()
    teacher = make_user(db_session, "assessor")
    teacher_client = new_client(app, ip="192.0.2.34")
    login(teacher_client, db_session, teacher)
    form = concern_form(area)
    form.pop("action")
    assert teacher_client.submit("/concerns/report", form).status_code == 302
    db_session.rollback()
    reported = db_session.scalar(select(Person).where(Person.id != registered.id))
    inbox = signed_in.get("/concerns/inbox").get_data(as_text=True)
    assert f'data-testid="merge-{reported.id}-{registered.id}"' in inbox
    response = signed_in.submit("/concerns/merge", {"keep_id": str(registered.id),
                                                    "merge_id": str(reported.id)},
                                page="/concerns/inbox")
    assert response.status_code == 302
    assert fresh(db_session, Person, reported.id).merged_into_id == registered.id
    concern = db_session.scalar(select(Concern))
    signed_in.submit("/concerns/inbox", {"concern_id": str(concern.id)}, page="/concerns/inbox")
    db_session.rollback()
    assert db_session.scalar(select(Case.person_id)) == registered.id
    assert audit_count(db_session, "person.merge") == 1
    response = signed_in.submit("/concerns/merge", {"keep_id": "x", "merge_id": "1"},
                                page="/concerns/inbox")
    assert response.status_code == 302


def test_the_report_page_shows_category_help_in_danish_by_default(app, db_session, area):
    teacher = make_user(db_session, "committee")
    client = new_client(app, ip="192.0.2.35")
    login(client, db_session, teacher)
    page = client.get("/concerns/report").get_data(as_text=True)
    violence = db_session.scalar(select(ConcernCategory).where(ConcernCategory.key == "violence"))
    assert violence.help_da[:40] in page and violence.help_en[:40] not in page
    assert 'data-testid="notification-reminder"' in page
    assert 'name="person_ids"' not in page and 'name="search_name"' not in page
