"""Publishing a release from the page: a period that has ended, or a clear refusal."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from app.monitoring.models import Release
from app.monitoring.periods import last_complete
from tests.factories import make_user
from tests.monitoring.release_world import three_parishes
from tests.support import login


def test_the_coordinator_publishes_an_ended_quarter(client, db_session):
    three_parishes(db_session)
    coordinator = make_user(db_session, "coordinator")
    coordinator.locale = "en"
    db_session.commit()
    login(client, db_session, coordinator)
    quarter = last_complete("quarter", dt.date.today())
    page = client.get("/monitoring/releases/")
    assert page.status_code == 200 and quarter.label in page.get_data(as_text=True)
    response = client.submit("/monitoring/releases/publish", {"period": quarter.label},
                             page="/monitoring/releases/", follow_redirects=True)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert f"{quarter.label} is published as version 1" in text
    assert db_session.scalar(select(func.count()).select_from(Release)) == 1


def test_a_period_not_offered_is_refused_with_a_message_and_nothing_published(client, db_session):
    three_parishes(db_session)
    coordinator = make_user(db_session, "coordinator")
    coordinator.locale = "en"
    db_session.commit()
    login(client, db_session, coordinator)
    for period in ("2999-Q1", "2026-01-01..2026-03-31", ""):
        response = client.submit("/monitoring/releases/publish", {"period": period},
                                 page="/monitoring/releases/")
        assert response.status_code == 422, period
        assert "Please correct the following" in response.get_data(as_text=True)
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Release)) == 0
