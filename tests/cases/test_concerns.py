"""Concerns: recording, reporting, the inbox, and group concerns that never leak peers."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.cases.concerns import (
    accept_report,
    answer_notification,
    concerns_for_case,
    inbox,
    my_reports,
    record_concern,
    report_concern,
    unanswered_notifications,
)
from app.cases.models import Case, CaseEvent, Concern, ConcernCategory, ConcernPerson
from app.cases.persons import register_person
from app.cases.workflow import Status
from app.core.errors import DomainError
from tests.cases.helpers import (
    actor_for,
    audit_count,
    concern_input,
    make_area,
    new_person,
    row_counts,
)
from tests.factories import make_case, make_user
from tests.support import write_concurrently


@pytest.fixture
def coordinator(db_session):
    return make_user(db_session, "coordinator")


@pytest.fixture
def area(db_session):
    return make_area(db_session)


def test_record_concern_opens_a_case_and_audits(db_session, coordinator, area):
    concern = record_concern(db_session, actor_for(coordinator), concern_input(
        area.id, categories=["violence", "weapons"], notification="needed",
        new_persons=[new_person(cpr="170411-4123")]))
    db_session.commit()
    assert concern.status == "recorded" and concern.reported_by_id is None
    assert [c.key for c in concern.categories] == ["violence", "weapons"]
    case = db_session.scalar(select(Case))
    assert case.status == Status.NEW.value and concern.links[0].case_id == case.id
    assert audit_count(db_session, "concern.create") == 1
    assert audit_count(db_session, "case.open") == 1
    assert audit_count(db_session, "person.create") == 1


def test_a_second_concern_attaches_to_the_existing_case_and_reopens_a_closed_one(
        db_session, coordinator, area):
    case = make_case(db_session, status="closed")
    record_concern(db_session, actor_for(coordinator), concern_input(
        area.id, new_persons=[], person_ids=[case.person_id]))
    db_session.commit()
    assert db_session.scalar(select(Case.status).where(Case.id == case.id)) == "new"
    assert len(db_session.scalars(select(Case)).all()) == 1
    assert db_session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case.id)
                              ).all().count("concern.added") == 2


BAD_INPUTS = [
    ({"area_id": 999_999}, "area_id", "area"),
    ({"area_id": None}, "area_id", "area"),
    ({"categories": []}, "categories", "at least one category"),
    ({"categories": ["violence", "no-such"]}, "categories", "from the list"),
    ({"narrative": "x" * 10_001}, "narrative", "10000"),
    ({"narrative": "   "}, "narrative", "Describe"),
    ({"legal_basis": "other"}, "legal_basis_note", "Explain"),
    ({"legal_basis": "whim"}, "legal_basis", "legal basis"),
    ({"reporter_type": "neighbour"}, "reporter_type", "who reported"),
    ({"notification": "maybe"}, "notification", "notification"),
    ({"occurred_on": None}, "occurred_on", "date"),
    ({"occurred_on": dt.date.today() + dt.timedelta(days=2)}, "occurred_on", "future"),
    ({"new_persons": []}, "persons", "at least one person"),
    ({"new_persons": [], "person_ids": [999_999]}, "persons", "does not exist"),
    ({"new_persons": [new_person(cpr="1704-114123")]}, "cpr", "DDMMYY-SSSS"),
    ({"new_persons": [new_person(cpr="300211-4123")]}, "cpr", "real date"),
    ({"new_persons": [new_person(), new_person(first="")]}, "first_name", "name"),
]


@pytest.mark.parametrize("overrides, field, message", BAD_INPUTS)
def test_every_bad_input_is_refused_clearly_and_changes_nothing(db_session, coordinator, area,
                                                                overrides, field, message):
    before = row_counts(db_session), audit_count(db_session)
    for service in (record_concern, report_concern):
        if service is report_concern and "person_ids" in overrides:
            continue
        with pytest.raises(DomainError) as error:
            service(db_session, actor_for(coordinator),
                    concern_input(**{"area_id": area.id, **overrides}))
        assert error.value.field == field
        assert message in str(error.value.message)
        assert (row_counts(db_session), audit_count(db_session)) == before


def test_an_inactive_category_is_refused(db_session, coordinator, area):
    category = db_session.scalar(select(ConcernCategory).where(ConcernCategory.key == "other"))
    category.active = False
    db_session.flush()
    with pytest.raises(DomainError, match="from the list"):
        record_concern(db_session, actor_for(coordinator),
                       concern_input(area.id, categories=["other"]))


def test_other_legal_basis_with_a_note_is_accepted(db_session, coordinator, area):
    concern = record_concern(db_session, actor_for(coordinator), concern_input(
        area.id, legal_basis="other", legal_basis_note="Barnets lov § 49 b"))
    assert concern.legal_basis_note == "Barnets lov § 49 b"


def test_group_concern_opens_one_case_per_person_and_no_case_shows_a_peer(
        db_session, coordinator, area):
    actor = actor_for(coordinator)
    existing = make_case(db_session, person=None)
    concern = record_concern(db_session, actor, concern_input(
        area.id, person_ids=[existing.person_id], narrative="En gruppe kastede sten.",
        new_persons=[new_person(first="Zorbatronix", last="Mikkelsen", cpr="010203-1234"),
                     new_person(first="Ida", last="Holm", birth=dt.date(2012, 5, 1))]))
    db_session.commit()
    cases = db_session.scalars(select(Case).order_by(Case.id)).all()
    assert len(cases) == 3
    assert {link.case_id for link in concern.links} == {c.id for c in cases}
    for case in cases:
        summaries = concerns_for_case(db_session, actor, case)
        assert concern.id in [s.id for s in summaries]
        shown = repr(summaries)
        for other in cases:
            if other.id == case.id:
                continue
            peer = other.person
            for value in (peer.first_name, peer.last_name, peer.cpr):
                if value:
                    assert value not in shown
            assert f"person_id={peer.id}" not in shown and f"case_id={other.id}" not in shown
        field_names = {f.name for f in dataclasses.fields(summaries[0])}
        assert not field_names & {"persons", "links", "person_ids", "case_ids"}
    assert audit_count(db_session, "concern.read") == 3


def test_report_lands_in_the_inbox_and_acceptance_opens_cases(db_session, coordinator, area):
    teacher = make_user(db_session, "assessor")
    police = make_user(db_session, "committee")
    report = report_concern(db_session, actor_for(teacher), concern_input(
        area.id, new_persons=[new_person(), new_person(first="Ida", birth=dt.date(2012, 1, 1))]))
    report_concern(db_session, actor_for(police), concern_input(area.id, reporter_type="police"))
    db_session.commit()
    assert report.status == "inbox" and report.reported_by_id == teacher.id
    assert db_session.scalar(select(Case)) is None
    assert all(link.case_id is None for link in report.links)
    items = inbox(db_session, actor_for(coordinator))
    assert [item.concern.id for item in items][0] == report.id and len(items) == 2
    assert sorted(p.first_name for p in items[0].persons) == ["Emil", "Ida"]
    accepted = accept_report(db_session, actor_for(coordinator), report.id)
    db_session.commit()
    assert accepted.status == "recorded"
    assert len(db_session.scalars(select(Case)).all()) == 2
    assert all(link.case_id for link in accepted.links)
    with pytest.raises(DomainError, match="no longer waiting"):
        accept_report(db_session, actor_for(coordinator), report.id)
    assert len(inbox(db_session, actor_for(coordinator))) == 1
    for action in ("concern.report", "concern.inbox", "concern.accept", "case.open"):
        assert audit_count(db_session, action) >= 1, action


def test_a_reporter_sees_only_their_own_reports_and_their_status(db_session, coordinator, area):
    teacher = make_user(db_session, "assessor")
    other = make_user(db_session, "assessor")
    mine = report_concern(db_session, actor_for(teacher), concern_input(area.id))
    report_concern(db_session, actor_for(other), concern_input(area.id))
    record_concern(db_session, actor_for(coordinator), concern_input(area.id))
    accept_report(db_session, actor_for(coordinator), mine.id)
    reports = my_reports(db_session, actor_for(teacher))
    assert [(r.id, r.status) for r in reports] == [(mine.id, "recorded")]
    assert not {f.name for f in dataclasses.fields(reports[0])} & {"narrative", "persons"}
    assert audit_count(db_session, "concern.list_own") == 1


def test_a_report_cannot_name_existing_persons(db_session, area):
    teacher = make_user(db_session, "assessor")
    case = make_case(db_session)
    with pytest.raises(DomainError):
        report_concern(db_session, actor_for(teacher),
                       concern_input(area.id, new_persons=[], person_ids=[case.person_id]))


def test_unanswered_notifications_until_answered(db_session, coordinator, area):
    actor = actor_for(coordinator)
    concern = record_concern(db_session, actor, concern_input(area.id))
    assert [c.id for c in unanswered_notifications(db_session, actor)] == [concern.id]
    with pytest.raises(DomainError):
        answer_notification(db_session, actor, concern.id, "perhaps")
    answer_notification(db_session, actor, concern.id, "made")
    assert unanswered_notifications(db_session, actor) == []
    assert audit_count(db_session, "concern.notification") == 1


def test_every_write_and_read_is_audited_by_the_acting_user(db_session, coordinator, area):
    record_concern(db_session, actor_for(coordinator), concern_input(area.id))
    db_session.commit()
    users = set(db_session.scalars(select(AuditEvent.user_id)))
    assert users == {coordinator.id}
    assert db_session.scalar(select(Concern.narrative)) == "Slog en anden elev."
    assert db_session.scalar(select(ConcernPerson.case_id)) is not None


def test_two_concerns_about_one_person_at_the_same_moment_open_one_case(app, db_session, area):
    """Two coordinators record a concern about the same registered young person, who has no
    case yet, at the same moment: both are recorded, onto one case (no duplicate-key error
    for the second one's new case)."""
    actor = actor_for(make_user(db_session, "coordinator"))
    persons = [
        register_person(db_session, actor, new_person(first=f"Samtidig{n}")) for n in range(8)
    ]
    db_session.commit()
    person_ids = [person.id for person in persons]

    def record(session, _thread: int, step: int) -> None:
        with app.app_context():
            record_concern(
                session,
                actor,
                concern_input(area.id, new_persons=[], person_ids=[person_ids[step]]),
            )

    assert write_concurrently(app, threads=2, writes=len(person_ids), write=record) == []
    db_session.rollback()
    for person_id in person_ids:
        [case] = db_session.scalars(select(Case).where(Case.person_id == person_id)).all()
        links = select(ConcernPerson.case_id).where(ConcernPerson.person_id == person_id)
        assert list(db_session.scalars(links)) == [case.id, case.id]
