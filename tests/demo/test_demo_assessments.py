"""The demo's assessments: a believable share of cases assessed, through the real services."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from sqlalchemy import select

from app.assessments import content
from app.assessments.instrument import current_instrument
from app.assessments.listing import case_assessments
from app.assessments.models import Assessment, AssessmentRequest, Invitation
from app.audit.actor import Actor
from app.cases.models import Case, CaseEvent
from app.cases.policy import CaseAccess
from app.mail.models import OutboxMessage


def seeded(runner, db_session):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db_session.rollback()


def check_about_forty_cases_have_two_assessors_and_some_two_rounds(db_session):
    requests = db_session.scalars(select(AssessmentRequest)).all()
    by_case_round = Counter((r.case_id, r.round) for r in requests)
    cases = {case_id for case_id, _round in by_case_round}
    assert 35 <= len(cases) <= 45
    assert set(by_case_round.values()) == {2}
    second = {case_id for case_id, number in by_case_round if number == 2}
    assert len(second) >= 4
    statuses = Counter(r.status for r in requests)
    assert statuses["submitted"] >= 60 and statuses["open"] >= 5
    assert 1 <= statuses["declined"] <= 3
    assert {r.setting_kind for r in requests} >= {"school", "club", "youth_school"}
    # Waiting requests: some due soon, some overdue, as a daily reminder run would find them.
    today = dt.date.today()
    waiting = [r for r in requests if r.status == "open"]
    assert any(r.due_on < today for r in waiting) and any(r.due_on >= today for r in waiting)
    assert all(r.requested_at.date() <= today for r in requests)


def check_answers_have_dont_knows_and_show_change_between_rounds(db_session):
    form = current_instrument(db_session)
    submitted = db_session.scalars(select(Assessment).where(Assessment.status == "submitted")).all()
    documents = {a.request_id: content.loads(a.content) for a in submitted}
    assert all(not content.submission_problems(form, d) for d in documents.values())
    states = Counter(content.state(d, key.key) for d in documents.values() for key in form.domains)
    assert states["dont_know"] >= 20 and states["not_relevant"] >= 1
    assert {states[str(r)] > 0 for r in (0, 1, 2)} == {True}
    requests = {r.id: r for r in db_session.scalars(select(AssessmentRequest))}
    rounds = defaultdict(dict)
    for request_id, document in documents.items():
        request = requests[request_id]
        rounds[(request.case_id, request.assessor_email)][request.round] = document
    changed = [
        key.key
        for pair in rounds.values()
        if 1 in pair and 2 in pair
        for key in form.domains
        if None not in (content.rating(pair[1], key.key), content.rating(pair[2], key.key))
        and content.rating(pair[1], key.key) != content.rating(pair[2], key.key)
    ]
    assert len(changed) >= 5
    # Drafts for some waiting requests: half-filled forms.
    drafts = db_session.scalars(select(Assessment).where(Assessment.status == "draft")).all()
    assert drafts and all(requests[d.request_id].status == "open" for d in drafts)


def check_times_are_the_storys_and_case_statuses_are_kept(db_session):
    requests = db_session.scalars(select(AssessmentRequest)).all()
    for request in requests:
        invitation = db_session.scalar(
            select(Invitation).where(Invitation.request_id == request.id).limit(1)
        )
        assert invitation.created_at == request.requested_at
        if request.closed_at:
            assert request.closed_at > request.requested_at
    case_ids = {r.case_id for r in requests}
    events = db_session.scalars(
        select(CaseEvent).where(
            CaseEvent.case_id.in_(case_ids), CaseEvent.kind == "assessments.requested"
        )
    ).all()
    asked = {r.requested_at for r in requests}
    assert events and all(e.occurred_at in asked for e in events)
    statuses = Counter(db_session.get(Case, case_id).status for case_id in case_ids)
    assert statuses["new"] == 0 and statuses["in_follow_up"] >= 4
    assert statuses["assessments_requested"] >= 3


def check_no_demo_mail_names_the_canary_and_every_mail_is_marked_sent(db_session):
    mails = db_session.scalars(select(OutboxMessage)).all()
    assert len(mails) >= 80
    assert {m.kind for m in mails} >= {"assessment.invitation", "assessment.declined"}
    for mail in mails:
        text = f"{mail.subject}\n{mail.body}".lower()
        assert "zorbatronix" not in text and "mikkelsen" not in text
        assert mail.sent_at is not None and mail.sent_at > mail.created_at
    canary_case = next(
        c for c in db_session.scalars(select(Case)) if c.person.first_name == "Zorbatronix"
    )
    assert not db_session.scalars(
        select(AssessmentRequest).where(AssessmentRequest.case_id == canary_case.id)
    ).all()


def check_a_demo_case_lists_through_the_api_service(db_session):
    case_id = db_session.scalar(
        select(AssessmentRequest.case_id).where(AssessmentRequest.round == 2).limit(1)
    )
    case = db_session.get(Case, case_id)
    rows = case_assessments(
        db_session, Actor.system("tests"), CaseAccess(case, None, outside_assignment=False)
    )
    assert [r.request.round for r in rows] == [1, 1, 2, 2]
    assert all(r.answers["coverage"]["total"] == 14 for r in rows if r.answers)


def check_the_next_meetings_cases_have_their_assessments(db_session):
    from app.meetings.models import AgendaItem, Meeting

    upcoming = set(db_session.scalars(
        select(AgendaItem.case_id).join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(Meeting.status == "planned")
    ))
    answered = set(db_session.scalars(
        select(AssessmentRequest.case_id).where(AssessmentRequest.status == "submitted")
    ))
    assert upcoming and upcoming <= answered


def test_the_demo_assessments(runner, db_session):
    """One seeding for all the checks: seeding the demo is the slow part (~6 s)."""
    seeded(runner, db_session)
    check_about_forty_cases_have_two_assessors_and_some_two_rounds(db_session)
    check_answers_have_dont_knows_and_show_change_between_rounds(db_session)
    check_times_are_the_storys_and_case_statuses_are_kept(db_session)
    check_no_demo_mail_names_the_canary_and_every_mail_is_marked_sent(db_session)
    check_a_demo_case_lists_through_the_api_service(db_session)
    check_the_next_meetings_cases_have_their_assessments(db_session)
