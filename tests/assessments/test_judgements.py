"""The committee's own judgement: 0–10 and/or a level with reasons, a timeline of its own."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from app.assessments import judgements
from app.assessments.models import CommitteeJudgement
from app.audit.models import AuditEvent
from app.auth.roles import Role
from app.cases.models import CaseEvent
from app.core.errors import DomainError
from tests.assessments.profile_helpers import answered, teacher
from tests.cases.helpers import actor_for
from tests.factories import make_case, make_user
from tests.meetings.mode_helpers import make_room
from tests.support import login


@pytest.fixture
def app_settings(app_settings):
    return {**app_settings, "BABEL_DEFAULT_LOCALE": "en"}


def test_a_judgement_is_recorded_encrypted_audited_and_shown_in_order(db_session):
    case = make_case(db_session)
    coordinator = make_user(db_session, Role.COORDINATOR, full_name="Karen Koordinator")
    actor = actor_for(coordinator)
    first = judgements.record_judgement(
        db_session, actor, case, worry=6, level=None, reasons="Mange fravær, ny omgangskreds."
    )
    judgements.record_judgement(
        db_session, actor, case, worry=None, level="low", reasons="Mentor virker."
    )
    timeline = judgements.judgements_for_case(db_session, case.id)
    assert [(j.worry, j.level, j.reasons) for j in timeline] == [
        (6, None, "Mange fravær, ny omgangskreds."),
        (None, "low", "Mentor virker."),
    ]
    assert timeline[0].recorded_by == "Karen Koordinator"
    raw = db_session.execute(
        text("SELECT content FROM committee_judgements WHERE id = :id"), {"id": first.id}
    ).scalar()
    assert "omgangskreds" not in raw  # encrypted at rest
    assert db_session.scalar(
        select(AuditEvent.seq).where(
            AuditEvent.action == "judgement.record", AuditEvent.object_id == str(first.id)
        )
    )
    kinds = db_session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case.id)).all()
    assert kinds.count("judgement.recorded") == 2


@pytest.mark.parametrize(
    ("worry", "level", "reasons", "field"),
    [
        (None, None, "Begrundelse.", "worry"),
        (11, None, "Begrundelse.", "worry"),
        (None, "extreme", "Begrundelse.", "level"),
        (5, "high", "   ", "reasons"),
    ],
)
def test_a_judgement_needs_a_worry_or_level_and_reasons(db_session, worry, level, reasons, field):
    case = make_case(db_session)
    with pytest.raises(DomainError) as refused:
        judgements.record_judgement(
            db_session,
            actor_for(make_user(db_session)),
            case,
            worry=worry,
            level=level,
            reasons=reasons,
        )
    assert refused.value.field == field
    assert db_session.scalar(select(CommitteeJudgement.id)) is None


def test_from_meeting_mode_only_for_an_open_meeting_with_the_case_on_its_agenda(db_session):
    room = make_room(db_session)
    case = room.cases[0]
    other = make_case(db_session)
    with pytest.raises(DomainError):
        judgements.record_judgement(
            db_session, room.actor, other, worry=3, level=None, reasons="X.", meeting=room.meeting
        )
    judgement = judgements.record_judgement(
        db_session, room.actor, case, worry=3, level=None, reasons="Ro på.", meeting=room.meeting
    )
    assert judgement.meeting_id == room.meeting.id
    assert judgements.judgements_for_case(db_session, case.id)[0].meeting_held_on == (
        room.meeting.held_on
    )
    room.meeting.status = "held"
    with pytest.raises(DomainError):
        judgements.record_judgement(
            db_session, room.actor, case, worry=3, level=None, reasons="Y.", meeting=room.meeting
        )


def test_meeting_mode_shows_the_profile_and_records_the_judgement(client, db_session):
    room = make_room(db_session)
    case = room.cases[0]
    item = room.items[0]
    answered(
        db_session,
        case,
        (
            teacher(1),
            {"R2-answer": "2", "R3-answer": "dont_know", "R3-unknown_reason": "no_insight"},
        ),
        (teacher(2), {"R2-answer": "0"}),
    )
    db_session.commit()
    login(client, db_session, room.coordinator)
    url = room.run_url(f"/{item.id}")
    html = client.get(url).get_data(as_text=True)
    assert 'data-testid="profile-grid"' in html and 'data-testid="profile-table"' in html
    assert "13 of 14 known" in html and "14 of 14 known" in html
    assert 'data-testid="discussion-points"' in html and '<li data-key="R2">' in html
    assert 'data-testid="suggestions"' in html  # the registered provider feeds suggestions
    assert 'data-testid="judgement-form"' in html

    judgement_url = f"/meetings/{room.meeting.id}/run/{item.id}/judgement"
    refused = client.submit(judgement_url, {"worry": "4", "reasons": ""}, page=url)
    assert refused.status_code == 422
    assert "Write the committee's reasons." in refused.get_data(as_text=True)
    response = client.submit(
        judgement_url,
        {"worry": "4", "level": "medium", "reasons": "Skolen og klubben er uenige."},
        page=url,
    )
    assert response.status_code == 303
    html = client.get(url).get_data(as_text=True)
    assert "Skolen og klubben er uenige." in html and "Worry: 4 of 10" in html
    db_session.rollback()
    assert db_session.scalar(select(CommitteeJudgement.meeting_id)) == room.meeting.id


def test_a_member_reads_the_judgements_but_gets_no_form(client, db_session):
    room = make_room(db_session)
    case = room.cases[0]
    item = room.items[0]
    judgements.record_judgement(db_session, room.actor, case, worry=2, level=None, reasons="Rolig.")
    db_session.commit()
    login(client, db_session, room.member)
    html = client.get(room.run_url(f"/{item.id}")).get_data(as_text=True)
    assert "Rolig." in html and 'data-testid="judgement-form"' not in html
