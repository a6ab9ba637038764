"""The agenda and the minutes as page and PDF: each reader gets only their version, in their
language, and every look or download is in the audit trail."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass

import pypdf
import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.auth.models import User
from app.auth.roles import OrganisationType, Role
from app.cases.models import Guardian
from app.meetings import agenda, follow_up, minutes, recommendations, running
from app.meetings.models import Meeting
from tests.cases.helpers import make_area
from tests.factories import make_case, make_organisation, make_person, make_user
from tests.meetings.helpers import MONDAY, action_input, actor_for, committee_member
from tests.support import login

XSS = "<script>alert(1)</script>{{7*7}}"
EMIL_CPR = "170411-1235"


@dataclass
class Held:
    meeting_id: int
    coordinator: User
    school_member: User
    club_member: User
    school_id: int
    club_id: int


@pytest.fixture
def held(db_session) -> Held:
    """Last week's meeting gave the school a school meeting for Ida; this week's meeting
    (25 November 2026) checks it, and recommends for Emil (school and club) and Sara (club)."""
    coordinator = make_user(db_session, Role.COORDINATOR)
    actor = actor_for(coordinator)
    school = make_organisation(db_session, name="Rosengårdskolen", type=OrganisationType.SCHOOL)
    club = make_organisation(db_session, name="Klub Vollsmose", type=OrganisationType.CLUB)
    school_member = committee_member(db_session, school, full_name="Sofie Skov")
    club_member = committee_member(db_session, club, full_name="Mads Krogh")
    area = make_area(db_session, "Vollsmose Øst")

    make_case(
        db_session,
        person=make_person(db_session, first_name="Ida", last_name="Berg"),
        status="ready_for_review",
    )
    earlier = agenda.plan_meeting(db_session, actor, today=MONDAY - dt.timedelta(days=7))
    running.start_meeting(db_session, actor, earlier)
    recommendations.record_recommendation(
        db_session,
        actor,
        earlier,
        earlier.items[0],
        text="Skolemøde.",
        next_review_on=None,
        actions=[action_input(db_session, school, "school_meeting", held_on=earlier.held_on)],
    )
    running.finish_meeting(db_session, actor, earlier)

    emil = make_person(
        db_session,
        first_name="Emil",
        last_name="Jensen",
        cpr=EMIL_CPR,
        birth_date=dt.date(2011, 4, 17),
        area_id=area.id,
        commit=False,
    )
    emil.guardians.append(Guardian(name="Hanne Jensen", relation="mother", phone="20304050"))
    make_case(
        db_session,
        person=emil,
        status="ready_for_review",
        narrative="NARRATIVE-SECRET slog en elev.",
        categories=("violence", "weapons"),
    )
    sara = make_person(
        db_session,
        first_name="Sara",
        last_name="Holm",
        birth_date=dt.date(2012, 2, 3),
        area_id=area.id,
        commit=False,
    )
    make_case(db_session, person=sara, status="ready_for_review", categories=("drugs",))
    meeting = agenda.plan_meeting(db_session, actor, today=MONDAY)
    running.start_meeting(db_session, actor, meeting)
    running.record_attendance(db_session, actor, meeting, {school_member.id})
    running.save_notes(db_session, actor, meeting, "NOTES-SECRET Mads kom for sent.")
    ida_action = follow_up.open_actions_before(db_session, meeting)[0]
    follow_up.check_action(
        db_session, actor, meeting, ida_action.id, result="not_done", reason="not_possible"
    )
    emil_item, sara_item = meeting.items
    held_on = meeting.held_on
    recommendations.record_recommendation(
        db_session,
        actor,
        meeting,
        emil_item,
        text=f"Samtale og mentor. {XSS}",
        next_review_on=held_on + dt.timedelta(days=28),
        actions=[
            action_input(
                db_session, school, "concern_talk", held_on=held_on, note="NOTE-SCHOOL ring til far"
            ),
            action_input(db_session, club, "mentor", held_on=held_on),
        ],
    )
    recommendations.record_recommendation(
        db_session,
        actor,
        meeting,
        sara_item,
        text="Klubben tager kontakt.",
        next_review_on=None,
        actions=[action_input(db_session, club, "leisure_referral", held_on=held_on)],
    )
    running.finish_meeting(db_session, actor, meeting)
    db_session.commit()
    return Held(meeting.id, coordinator, school_member, club_member, school.id, club.id)


def pdf_text(response) -> str:
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def new_audit_rows(db_session, after: int) -> list[AuditEvent]:
    db_session.rollback()
    return list(db_session.scalars(select(AuditEvent).where(AuditEvent.seq > after)))


def last_seq(db_session) -> int:
    db_session.rollback()
    return db_session.scalar(select(func.max(AuditEvent.seq))) or 0


COMMITTEE_SECRETS = [
    "17. april 2011",
    "17.04.2011",
    "2011-04-17",  # Emil's birth date
    "Hanne Jensen",
    "20304050",  # his guardian
    "NARRATIVE-SECRET",
    EMIL_CPR,
    EMIL_CPR.replace("-", ""),
    "NOTES-SECRET",
    "NOTE-SCHOOL",
    "Ida Berg",  # checked at this meeting, but not on its agenda
]


def test_committee_minutes_hold_the_meeting_but_no_birth_date_guardian_narrative_or_notes(
    client, db_session, held
):
    login(client, db_session, held.school_member)
    text = pdf_text(client.get(f"/meetings/{held.meeting_id}/minutes.pdf"))

    for expected in (
        "Emil Jensen",
        "Sara Holm",
        "Alder: 15",
        "Vollsmose Øst",
        "Vold",
        "Våben",
        "Samtale og mentor.",
        "Bekymringssamtale",
        "Klub Vollsmose",
        "Rosengårdskolen",
        "Sofie Skov",
        "Mads Krogh",
        "Skolemøde",
        "25. november 2026",
    ):
        assert expected in text, expected
    for secret in COMMITTEE_SECRETS:
        assert secret not in text, secret


def test_coordinator_version_adds_birth_date_guardians_and_notes(client, db_session, held):
    login(client, db_session, held.coordinator)
    text = pdf_text(client.get(f"/meetings/{held.meeting_id}/minutes.pdf"))

    for expected in ("17. april 2011", "Hanne Jensen", "20304050", "NOTES-SECRET", "NOTE-SCHOOL"):
        assert expected in text, expected
    assert "NARRATIVE-SECRET" not in text and EMIL_CPR not in text
    assert "1704111235" not in text


def test_an_organisation_gets_only_its_own_actions_from_this_meeting(client, db_session, held):
    login(client, db_session, held.school_member)
    response = client.get(
        f"/meetings/{held.meeting_id}/minutes.pdf?version=organisation&organisation={held.school_id}"
    )
    text = pdf_text(response)

    assert "Emil Jensen" in text and "Bekymringssamtale" in text and "NOTE-SCHOOL" in text
    for other in (
        "Sara Holm",
        "Klub Vollsmose",
        "Mentor",
        "Samtale og mentor",
        "Sofie Skov",
        "Skolemøde",
        "Hanne Jensen",
        "17. april 2011",
    ):
        assert other not in text, other


def test_the_pdf_is_in_the_readers_language(client, db_session, held):
    login(client, db_session, held.coordinator)
    danish = pdf_text(client.get(f"/meetings/{held.meeting_id}/agenda.pdf"))
    assert "Alder" in danish and "Område" in danish and "25. november 2026" in danish

    user = db_session.get(User, held.coordinator.id)
    user.locale = "en"
    db_session.commit()
    english = pdf_text(client.get(f"/meetings/{held.meeting_id}/minutes.pdf"))
    assert "Minutes of the AVA meeting" in english and "November 25, 2026" in english
    assert "Age: 15" in english and "Violence" in english and "Alder" not in english
    assert "Structured talk" in english  # the measure catalogue's English label


def test_download_is_one_export_row_with_what_was_exported(client, db_session, held):
    login(client, db_session, held.club_member)
    cases = [
        ("minutes.pdf", {"document": "minutes", "format": "pdf", "version": "committee"}),
        ("agenda.pdf", {"document": "agenda", "format": "pdf", "version": "committee"}),
        (
            f"minutes.pdf?version=organisation&organisation={held.club_id}",
            {
                "document": "minutes",
                "format": "pdf",
                "version": "organisation",
                "organisation": held.club_id,
            },
        ),
    ]
    for path, details in cases:
        before = last_seq(db_session)
        response = client.get(f"/meetings/{held.meeting_id}/{path}")
        assert response.status_code == 200
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment;") and "2026-11-25" in disposition
        assert "Emil" not in disposition and "Jensen" not in disposition
        assert "no-store" in response.headers["Cache-Control"]
        rows = new_audit_rows(db_session, before)
        assert [(r.action, r.object_id, r.user_id, r.outcome) for r in rows] == [
            ("meeting.export", str(held.meeting_id), held.club_member.id, "ok")
        ]
        assert json.loads(rows[0].details) == details
        assert rows[0].purpose


def test_minutes_page_is_audited_and_escapes_what_people_wrote(client, db_session, held):
    login(client, db_session, held.coordinator)
    before = last_seq(db_session)
    response = client.get(f"/meetings/{held.meeting_id}/minutes")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{7*7}}" in html
    assert "<script>alert(1)" not in html
    assert f"/meetings/{held.meeting_id}/agenda.pdf" in html
    rows = new_audit_rows(db_session, before)
    assert [(r.action, json.loads(r.details)) for r in rows] == [
        ("meeting.minutes_view", {"version": "coordinator"})
    ]
    assert "Hanne Jensen" in html  # the coordinator's version

    pdf = pdf_text(client.get(f"/meetings/{held.meeting_id}/minutes.pdf"))
    assert XSS in pdf and "</script>49" not in pdf


def test_committee_page_offers_the_own_extract_and_hides_the_coordinators_fields(
    client, db_session, held
):
    login(client, db_session, held.school_member)
    html = client.get(f"/meetings/{held.meeting_id}/minutes").get_data(as_text=True)
    assert 'data-testid="extract-pdf"' in html and 'data-testid="version-form"' not in html
    assert "Emil Jensen" in html
    for secret in COMMITTEE_SECRETS:
        assert secret not in html, secret


@pytest.mark.parametrize(
    "query",
    [
        "?version=coordinator",
        "?version=organisation&organisation={club_id}",
    ],
)
def test_a_member_asking_for_a_version_not_theirs_is_refused_and_logged(
    client, db_session, held, query
):
    login(client, db_session, held.school_member)
    for path in ("minutes.pdf", "minutes"):
        url = f"/meetings/{held.meeting_id}/{path}{query.format(club_id=held.club_id)}"
        before = last_seq(db_session)
        response = client.get(url)
        assert response.status_code == 403
        assert b"Emil" not in response.data
        rows = new_audit_rows(db_session, before)
        assert [r.outcome for r in rows] == ["denied"]


def test_a_committee_member_not_at_the_meeting_gets_nothing(client, db_session, held):
    outsider = committee_member(db_session)
    login(client, db_session, outsider)
    for path in ("minutes", "minutes.pdf", "agenda.pdf"):
        response = client.get(f"/meetings/{held.meeting_id}/{path}")
        assert response.status_code == 403 and b"Emil" not in response.data


@pytest.mark.parametrize(
    "query, status",
    [
        ("minutes.pdf?version=secret", 400),
        ("minutes.pdf?version=organisation", 400),  # the coordinator must say which
        ("minutes.pdf?version=organisation&organisation=abc", 404),
        ("minutes.pdf?version=organisation&organisation=%C2%B2", 404),
        ("minutes.pdf?version=organisation&organisation=99999999999", 404),
        ("minutes.pdf?version=organisation&organisation=987654", 404),
        ("agenda.pdf?version=organisation&organisation=1", 404),
        ("minutes?version=x", 400),
    ],
)
def test_bad_parameters_get_a_plain_error_never_a_crash(client, db_session, held, query, status):
    login(client, db_session, held.coordinator)
    response = client.get(f"/meetings/{held.meeting_id}/{query}")
    assert response.status_code == status
    assert b"Emil" not in response.data


def test_the_agenda_lists_cases_with_their_open_actions(client, db_session, held):
    coordinator = actor_for(held.coordinator)
    meeting = db_session.get(Meeting, held.meeting_id)
    next_meeting = agenda.plan_meeting(
        db_session, coordinator, today=meeting.held_on + dt.timedelta(days=1)
    )
    case_id = meeting.items[0].case_id
    agenda.add_case(db_session, coordinator, next_meeting, case_id)
    db_session.commit()
    login(client, db_session, held.club_member)
    text = pdf_text(client.get(f"/meetings/{next_meeting.id}/agenda.pdf"))
    assert "Dagsorden" in text or "Agenda" in text
    assert "Emil Jensen" in text and "Bekymringssamtale" in text and "Rosengårdskolen" in text
    assert "Sara Holm" not in text and "Samtale og mentor" not in text


def test_every_version_fills_only_its_allowed_fields(app, db_session, held):
    """The allow-list is the single source: an empty field is what it leaves out."""
    meeting = db_session.get(Meeting, held.meeting_id)
    extract = minutes.Recipient("organisation", held.club_id, "Klub Vollsmose")
    with app.test_request_context():
        for recipient in (minutes.Recipient("committee"), extract):
            doc = minutes.build_minutes(db_session, meeting, recipient, "da")
            shown = recipient.shows
            assert bool(doc.members) == shown("meeting.members")
            assert bool(doc.checks) == shown("checks")
            assert doc.notes is None
            for item in doc.items:
                assert item.birth_date is None and item.guardians == []
                assert (item.recommendation is not None) == shown("recommendation.text")
                assert all((a.owner is not None) == shown("action.owner") for a in item.actions)
        extract_items = minutes.build_minutes(db_session, meeting, extract, "da").items
        assert [len(item.actions) for item in extract_items] == [1, 1]


def test_the_coordinator_may_pick_any_organisations_extract(client, db_session, held):
    login(client, db_session, held.coordinator)
    page = client.get(
        f"/meetings/{held.meeting_id}/minutes?version=organisation&organisation={held.club_id}"
    ).get_data(as_text=True)
    assert 'data-testid="extract-organisation">Klub Vollsmose<' in page
    assert "Sara Holm" in page and "Emil Jensen" in page  # the club has actions for both
    assert "NOTE-SCHOOL" not in page and "Samtale og mentor" not in page
    assert "agenda.pdf" not in page  # the agenda has no extract
    assert f"version=organisation&amp;organisation={held.club_id}" in page
