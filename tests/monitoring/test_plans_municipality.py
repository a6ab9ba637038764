"""The coordinator's plan for the whole municipality, followed on the municipality's rate."""

from __future__ import annotations

import re

from app.auth.roles import Role
from tests.factories import make_user
from tests.monitoring.factories import make_area, make_district, make_release
from tests.support import login


def test_a_municipality_plan_follows_the_published_rate(client, db_session):
    nord = make_district(db_session, "D1", "Nord")
    make_area(db_session, nord, "A1", "Tarup")
    make_release(
        db_session,
        "2027",
        cells=[
            {
                "measure": "concerns",
                "unit_code": "ALL",
                "value": 310,
                "status": "shown",
                "rate": 12.4,
            }
        ],
    )
    login(client, db_session, make_user(db_session, Role.COORDINATOR))
    assert client.submit("/language", {"locale": "en", "next": "/"}, page="/").status_code == 302

    new = client.get("/monitoring/plans/new").get_data(as_text=True)
    assert re.search(r"<option[^>]*value=\"\"[^>]*>The whole municipality</option>", new)
    assert 'id="focus-A1"' in new  # every district's areas, grouped by district
    saved = client.submit(
        "/monitoring/plans/new",
        {
            "district_id": "",
            "title": "Kommunens plan",
            "first_year": "2027",
            "last_year": "2028",
            "description": "",
            "focus_areas": ["A1"],
        },
    )
    assert saved.status_code == 303
    plan_path = saved.headers["Location"]
    goal = client.submit(
        f"{plan_path}/goals/new",
        {
            "version": "1",
            "text": "Under 12 pr. 1.000",
            "metric": "concerns_rate",
            "unit_code": "ALL",
            "baseline": "13,5",
            "target": "12",
            "direction": "down",
        },
    )
    assert goal.status_code == 303

    html = client.get(plan_path).get_data(as_text=True)
    assert 'data-testid="plan-district">The whole municipality<' in html
    assert 'data-testid="plan-focus">Tarup<' in html
    assert re.search(r'data-testid="baseline">13.5<', html)
    assert re.search(r'<th scope="row">2027</th>\s*<td data-testid="value">12.4</td>', html)
    assert 'data-testid="status-improving"' in html
