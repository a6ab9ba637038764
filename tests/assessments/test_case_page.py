"""The assessments on the case page: requests per round, the profile drawn and tabled, the
judgement form; and who sees them (the case policy decides, the assessor never does)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from sqlalchemy import select

from app.assessments import answering
from app.assessments.models import CommitteeJudgement
from app.audit.models import AuditEvent
from app.auth.roles import Role
from tests.assessments.helpers import SYSTEM, ask, invitation_of
from tests.assessments.profile_helpers import answered, teacher
from tests.factories import make_case, make_user
from tests.meetings.mode_helpers import make_room
from tests.support import login


@pytest.fixture
def app_settings(app_settings):
    return {**app_settings, "BABEL_DEFAULT_LOCALE": "en"}


DONT_KNOW = {"R3-answer": "dont_know", "R3-unknown_reason": "no_insight"}


def case_with_every_status(db_session):
    case = make_case(db_session)
    (done,) = answered(db_session, case, (teacher(1), {**DONT_KNOW, "R2-answer": "2"}))
    late, open_, declined, withdrawn = ask(
        db_session, case, teacher(2), teacher(3), teacher(4), teacher(5)
    )
    late.request.due_on = dt.date.today() - dt.timedelta(days=1)
    answering.decline(
        db_session, SYSTEM, invitation_of(db_session, declined), "not_known_well_enough", "x"
    )
    withdrawn.request.status = "revoked"
    db_session.commit()
    return case, done


def test_the_case_page_lists_requests_and_draws_dont_know_hatched(client, db_session):
    case, done = case_with_every_status(db_session)
    login(client, db_session, make_user(db_session, Role.COORDINATOR))
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)

    statuses = re.findall(r'data-testid="request-row" data-request="\d+" data-status="(\w+)"', html)
    assert Counter(statuses) == Counter(["submitted", "overdue", "open", "declined", "revoked"])
    assert "Declined: Does not know the child well enough" in html
    assert html.count('data-testid="revoke"') == 2  # the open ones only

    # Don't know: a hatched cell (a pattern defined on this page), never a 0; the table says so.
    hatched = re.search(r'<rect [^>]*fill="url\(#([^)]+)\)" data-state="dont_know"', html)
    assert hatched and f'<pattern id="{hatched.group(1)}"' in html
    row = re.search(r'<tr data-key="R3"\s*>(.*?)</tr>', html, re.S).group(1)
    assert '<td data-state="dont_know">Don&#39;t know</td>' in row
    assert re.search(r'<g data-key="R3">\s*<title>R3 [^<]*: Don&#39;t know</title>', html)
    assert re.search(r'fill="#b51d09" data-state="2"', html)  # R2 rated 2
    assert "13 of 14 known" in html
    # CSP: no style attributes or blocks; every id (SVG patterns too) once on the page.
    assert "style=" not in html and "<style" not in html
    ids = Counter(re.findall(r'\bid="([^"]+)"', html))
    assert [key for key, count in ids.items() if count > 1] == []
    assert f"/cases/{case.id}/assessments/{done.request.id}" in html
    db_session.rollback()
    read = db_session.scalars(
        select(AuditEvent.object_id).where(AuditEvent.action == "assessment.profile_view")
    ).all()
    assert read == [str(case.id)]  # the look at the assessments is in the audit trail


def test_one_assessment_in_full(client, db_session):
    case = make_case(db_session)
    (done,) = answered(
        db_session,
        case,
        (teacher(1), {**DONT_KNOW, "R1-evidence": "Slagsmål 3/11 i frikvarteret."}),
    )
    db_session.commit()
    login(client, db_session, make_user(db_session, Role.COORDINATOR))
    html = client.get(f"/cases/{case.id}/assessments/{done.request.id}").get_data(as_text=True)
    assert "Slagsmål 3/11 i frikvarteret." in html
    assert "Don&#39;t know (I have no insight into it)" in html
    assert "Own observation" in html and "Medium" in html
    assert 'data-testid="correct"' in html


def test_a_committee_member_without_the_case_sees_no_assessment(client, db_session):
    case = make_case(db_session)
    (done,) = answered(db_session, case, (teacher(1), {}))
    db_session.commit()
    login(client, db_session, make_user(db_session, Role.COMMITTEE))
    assert client.get(f"/cases/{case.id}/assessments/{done.request.id}").status_code == 403
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'data-testid="case-assessments"' not in page and "Lærer 1" not in page


def test_an_assigned_member_reads_but_cannot_ask_correct_or_judge(client, db_session):
    room = make_room(db_session)
    case = room.cases[0]
    (done,) = answered(db_session, case, (teacher(1), {}))
    db_session.commit()
    login(client, db_session, room.member)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'data-testid="profile-grid"' in html
    for absent in ("request-assessments", "repeat-round", "revoke", "judgement-form"):
        assert f'data-testid="{absent}"' not in html
    detail = client.get(f"/cases/{case.id}/assessments/{done.request.id}")
    assert detail.status_code == 200 and 'data-testid="correct"' not in detail.get_data(
        as_text=True
    )
    assert client.get(f"/cases/{case.id}/assessments/{done.request.id}/correct").status_code == 403


def test_the_coordinator_records_the_committees_judgement_on_the_case(client, db_session):
    case = make_case(db_session)
    db_session.commit()
    login(client, db_session, make_user(db_session, Role.COORDINATOR))
    url, page = f"/cases/{case.id}/judgements", f"/cases/{case.id}"
    refused = client.submit(url, {"worry": "", "level": "", "reasons": "Uklart."}, page=page)
    assert refused.status_code == 422
    assert "Give a worry from 0 to 10, a level, or both." in refused.get_data(as_text=True)
    response = client.submit(
        url, {"worry": "7", "level": "high", "reasons": "Ny hændelse."}, page=page
    )
    assert response.status_code == 303
    html = client.get(page).get_data(as_text=True)
    assert "Worry: 7 of 10" in html and "Level: High" in html and "Ny hændelse." in html
    assert "Committee judgement recorded" in html
    db_session.rollback()
    assert db_session.scalar(select(CommitteeJudgement.meeting_id)) is None
