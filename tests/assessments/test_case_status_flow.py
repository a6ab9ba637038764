"""Asking for assessments moves the case along; the last answer makes it ready for review."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.assessments import answering, links, requests
from app.assessments.models import Assessment, AssessmentRequest, Invitation
from app.cases.models import CaseEvent
from app.core.errors import DomainError
from tests.assessments.helpers import (
    LINKS,
    SYSTEM,
    ask,
    complete_answers,
    invitation_of,
    submit_answers,
    teacher,
)
from tests.factories import make_case

SESSION = dt.timedelta(minutes=60)


def test_requesting_moves_a_new_case_to_assessments_requested(db_session):
    case = make_case(db_session)
    ask(db_session, case, teacher(1), teacher(2))
    assert case.status == "assessments_requested"
    kinds = db_session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case.id)).all()
    assert "assessments.requested" in kinds


def test_the_case_is_ready_for_review_once_every_request_is_answered_or_declined(db_session):
    case = make_case(db_session)
    first, second, third = ask(db_session, case, teacher(1), teacher(2), teacher(3))
    submit_answers(db_session, first)
    assert case.status == "assessments_requested"
    answering.decline(
        db_session,
        SYSTEM,
        invitation_of(db_session, second),
        "not_my_setting",
        "https://localhost/cases/1",
    )
    assert case.status == "assessments_requested"
    requests.revoke_request(db_session, SYSTEM, case, third.request.id)
    assert case.status == "ready_for_review"


def test_a_closed_case_cannot_be_asked_about(db_session):
    case = make_case(db_session, status="closed")
    with pytest.raises(DomainError):
        ask(db_session, case)


@pytest.mark.parametrize("due_in", [0, -1, 61])
def test_the_due_date_must_be_ahead_and_within_60_days(db_session, due_in):
    with pytest.raises(DomainError) as refused:
        ask(db_session, make_case(db_session), due_in=due_in)
    assert refused.value.field == "due_on"


def test_an_assessor_needs_a_valid_email_and_a_setting(db_session):
    case = make_case(db_session)
    bad_mail = requests.AssessorInput("Lærer", "not-an-address", "Tarup Skole")
    with pytest.raises(DomainError) as refused:
        ask(db_session, case, bad_mail)
    assert refused.value.field == "assessors-0-email"
    no_setting = requests.AssessorInput("Lærer", "l@skole.example", "  ")
    with pytest.raises(DomainError) as refused:
        ask(db_session, case, no_setting)
    assert refused.value.field == "assessors-0-setting"
    assert db_session.scalar(select(AssessmentRequest.id)) is None


def test_opening_the_link_again_ends_the_earlier_session_and_keeps_the_draft(db_session):
    case = make_case(db_session)
    (issued,) = ask(db_session, case)
    raw = issued.link.rsplit("/i/", 1)[1]
    invitation, first_session = links.open_link(db_session, SYSTEM, raw, SESSION)
    answering.save_draft(db_session, SYSTEM, invitation, {"R1-answer": "2"})
    _, second_session = links.open_link(db_session, SYSTEM, raw, SESSION)
    with pytest.raises(links.LinkGone):
        links.resolve_session(db_session, first_session, SESSION)
    again = links.resolve_session(db_session, second_session, SESSION)
    assert answering.load_draft(db_session, SYSTEM, again)["domains"]["R1"]["answer"] == "2"


def test_the_session_never_outlives_the_link(db_session):
    case = make_case(db_session)
    (issued,) = ask(db_session, case)
    raw = issued.link.rsplit("/i/", 1)[1]
    invitation, session_token = links.open_link(db_session, SYSTEM, raw, dt.timedelta(days=30))
    assert invitation.session_expires_at == invitation.expires_at
    later = invitation.expires_at + dt.timedelta(seconds=1)
    with pytest.raises(links.LinkGone) as gone:
        links.resolve_session(db_session, session_token, SESSION, now=later)
    assert gone.value.reason == "expired"


def test_a_refused_submission_keeps_the_draft(db_session):
    case = make_case(db_session)
    (issued,) = ask(db_session, case)
    data = complete_answers(db_session, overrides={"R1-answer": "2"})
    with pytest.raises(answering.SubmissionRefused) as refused:
        answering.submit(
            db_session, SYSTEM, invitation_of(db_session, issued), data, notice_acknowledged=False
        )
    assert refused.value.notice_needed
    assert [p.field for p in refused.value.problems] == ["acknowledge_notice"]
    draft = db_session.scalar(select(Assessment).where(Assessment.request_id == issued.request.id))
    assert draft.status == "draft" and '"R1"' in draft.content


def test_submission_records_the_acknowledged_notice_and_kills_every_link(db_session):
    case = make_case(db_session)
    (issued,) = ask(db_session, case)
    requests.resend_link(db_session, SYSTEM, case, issued.request.id, LINKS)
    assessment = submit_answers(db_session, issued, risk="2")
    assert assessment.status == "submitted" and assessment.notify_acknowledged_at is not None
    used = db_session.scalars(
        select(Invitation.used_at).where(Invitation.request_id == issued.request.id)
    ).all()
    assert len(used) == 2 and all(used)


def test_a_link_replaced_by_a_newer_one_says_so_and_the_new_one_works(db_session):
    case = make_case(db_session)
    (issued,) = ask(db_session, case)
    old_token = issued.link.rsplit("/i/", 1)[1]
    newer = requests.resend_link(db_session, SYSTEM, case, issued.request.id, LINKS)
    with pytest.raises(links.LinkGone) as gone:
        links.open_link(db_session, SYSTEM, old_token, SESSION)
    assert gone.value.reason == "replaced"
    links.open_link(db_session, SYSTEM, newer.link.rsplit("/i/", 1)[1], SESSION)
    requests.revoke_request(db_session, SYSTEM, case, issued.request.id)
    with pytest.raises(links.LinkGone) as gone:
        links.open_link(db_session, SYSTEM, old_token, SESSION)
    assert gone.value.reason == "revoked"
