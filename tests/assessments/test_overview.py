"""The coordinator sees waiting and declined requests at once: on the home page and a list."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.assessments import answering
from app.audit.models import AuditEvent
from app.auth.roles import Role
from tests.assessments.helpers import SYSTEM, ask, invitation_of, teacher
from tests.factories import make_case, make_person, make_user
from tests.support import login


def test_declined_and_overdue_requests_reach_the_coordinators_home_and_list(client, db_session):
    coordinator = make_user(db_session, Role.COORDINATOR)
    case = make_case(
        db_session, person=make_person(db_session, first_name="Ida", last_name="Kragh")
    )
    waiting, declining = ask(db_session, case, teacher(1), teacher(2))
    answering.decline(
        db_session,
        SYSTEM,
        invitation_of(db_session, declining),
        "not_known_well_enough",
        "https://localhost/cases/1",
    )
    waiting.request.due_on = dt.date.today() - dt.timedelta(days=1)
    db_session.commit()
    login(client, db_session, coordinator)

    home = client.get("/").get_data(as_text=True)  # Danish, the default
    assert "Vurderinger over fristen" in home
    assert "Anmodninger om vurdering afslået de seneste to uger" in home
    page = client.get("/assessments/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'data-testid="waiting-{waiting.request.id}"' in html
    assert 'data-testid="overdue"' in html
    assert f'data-testid="declined-{declining.request.id}"' in html
    assert "Ida Kragh" in html
    db_session.rollback()
    assert db_session.scalar(
        select(AuditEvent.seq).where(AuditEvent.action == "assessment.overview")
    )


def test_a_committee_member_has_no_overview(client, db_session):
    login(client, db_session, make_user(db_session, Role.COMMITTEE))
    assert client.get("/assessments/").status_code == 403
