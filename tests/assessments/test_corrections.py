"""Corrections: a new version with a reason, never an edit of the assessor's own answers."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.assessments import content, corrections, queries
from app.assessments.models import Assessment
from app.audit.models import AuditEvent
from app.auth.roles import Role
from app.cases.models import CaseEvent
from app.core.errors import DomainError
from tests.assessments.helpers import ask, complete_answers, teacher
from tests.assessments.profile_helpers import answered, profile_of
from tests.cases.helpers import actor_for
from tests.factories import make_case, make_user
from tests.support import login


@pytest.fixture
def app_settings(app_settings):
    return {**app_settings, "BABEL_DEFAULT_LOCALE": "en"}


def test_a_correction_is_a_new_version_and_the_old_one_is_kept(db_session):
    case = make_case(db_session)
    coordinator = make_user(db_session, Role.COORDINATOR)
    (issued,) = answered(db_session, case, (teacher(1), {"R1-answer": "0"}))
    original = db_session.scalar(
        select(Assessment).where(Assessment.request_id == issued.request.id)
    )
    before = original.content

    data = complete_answers(db_session, overrides={"R1-answer": "2"})
    corrected = corrections.correct_assessment(
        db_session, actor_for(coordinator), issued.request, data, "Læreren ringede 5/11."
    )
    assert (corrected.version, corrected.status) == (2, "submitted")
    assert corrected.corrected_by_id == coordinator.id
    assert corrected.correction_reason == "Læreren ringede 5/11."
    assert corrected.instrument_version_id == original.instrument_version_id
    db_session.refresh(original)
    assert original.content == before and original.version == 1
    assert content.rating(content.loads(original.content), "R1") == 0

    # The profile reads the newest version; the full view lists both, newest first.
    assert profile_of(db_session, case).latest.assessors[0].cell("R1").rating == 2
    assert profile_of(db_session, case).latest.assessors[0].version == 2
    detail = queries.view_assessment(
        db_session, actor_for(coordinator), issued.request, "en", case.opened_at.date()
    )
    assert [v.version for v in detail.versions] == [2, 1]
    assert detail.versions[0].correction_reason == "Læreren ringede 5/11."

    actions = db_session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_id == str(issued.request.id))
    ).all()
    assert "assessment.correct" in actions and "assessment.view" in actions
    kinds = db_session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case.id)).all()
    assert "assessment.corrected" in kinds


def versions_of(db_session, request_id):
    return db_session.scalar(
        select(func.count()).select_from(Assessment).where(Assessment.request_id == request_id)
    )


def test_a_correction_needs_a_reason_and_complete_answers(db_session):
    case = make_case(db_session)
    (issued,) = answered(db_session, case, (teacher(1), {}))
    actor = actor_for(make_user(db_session, Role.COORDINATOR))
    with pytest.raises(corrections.CorrectionRefused) as refused:
        corrections.correct_assessment(
            db_session, actor, issued.request, complete_answers(db_session), "  "
        )
    assert [p.field for p in refused.value.problems] == ["reason"]
    incomplete = complete_answers(db_session)
    del incomplete["R5-answer"]
    with pytest.raises(corrections.CorrectionRefused) as refused:
        corrections.correct_assessment(db_session, actor, issued.request, incomplete, "Fejl.")
    assert "R5-answer" in [p.field for p in refused.value.problems]
    assert versions_of(db_session, issued.request.id) == 1


def test_an_open_request_cannot_be_corrected(db_session):
    case = make_case(db_session)
    (waiting,) = ask(db_session, case, teacher(1))
    actor = actor_for(make_user(db_session, Role.COORDINATOR))
    with pytest.raises(DomainError):
        corrections.correct_assessment(
            db_session, actor, waiting.request, complete_answers(db_session), "Fejl."
        )


def test_the_correction_form_is_prefilled_and_saves_a_version(client, db_session):
    case = make_case(db_session)
    (issued,) = answered(
        db_session, case, (teacher(1), {"R1-answer": "0", "R2-evidence": "Fravær 4/11."})
    )
    db_session.commit()
    login(client, db_session, make_user(db_session, Role.COORDINATOR))
    url = f"/cases/{case.id}/assessments/{issued.request.id}/correct"
    html = client.get(url).get_data(as_text=True)
    assert 'id="R1-answer-0" name="R1-answer" value="0" checked' in html
    assert "Fravær 4/11." in html

    data = complete_answers(db_session, overrides={"R1-answer": "1"})
    refused = client.submit(url, {**data, "reason": ""})
    assert refused.status_code == 422
    assert "Say why the assessment is corrected." in refused.get_data(as_text=True)

    response = client.submit(url, {**data, "reason": "Rettet efter samtale."})
    assert response.status_code == 303
    db_session.rollback()
    assert versions_of(db_session, issued.request.id) == 2
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Rettet efter samtale." in page and 'data-version="1"' in page
