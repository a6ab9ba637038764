"""Acceptance (issue 4): an assessment submitted under instrument version 1 still renders
after version 2 is introduced, and comparisons match domains by key."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import text

from app.assessments import queries
from app.assessments.instrument import DATA_DIR, current_instrument, load_version
from app.auth.roles import Role
from tests.assessments.helpers import SYSTEM
from tests.assessments.profile_helpers import answered, profile_of, repeated, teacher
from tests.conftest import POSTGRES_URL
from tests.factories import make_case, make_user
from tests.support import login


@pytest.fixture
def app_settings(app_settings):
    return {**app_settings, "BABEL_DEFAULT_LOCALE": "en"}


def version_2() -> dict:
    """v1 with R2 relabelled, a new risk R9, and P6 taken out."""
    definition = json.loads((DATA_DIR / "instrument-v1.json").read_text(encoding="utf-8"))
    definition["version"] = 2
    domains = [d for d in definition["domains"] if d["key"] != "P6"]
    for domain in domains:
        if domain["key"] == "R2":
            domain["label"] = {"da": "Skolegang", "en": "Going to school"}
    r9 = {
        "key": "R9",
        "kind": "risk",
        "label": {"da": "Penge og gæld", "en": "Money and debt"},
        "help": {"da": "Hvad har du set?", "en": "What have you seen?"},
    }
    definition["domains"] = domains[:8] + [r9] + domains[8:]
    return definition


@pytest.fixture
def with_version_2(db_session):
    yield lambda: load_version(db_session, version_2())
    if POSTGRES_URL:
        # Instrument versions are kept between tests (reference data): take v2 out again.
        db_session.rollback()
        with db_session.get_bind().begin() as connection:
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            connection.execute(text("DELETE FROM instrument_versions WHERE version > 1"))


def test_a_v1_assessment_still_renders_and_compares_by_key_after_v2(db_session, with_version_2):
    case = make_case(db_session)
    (first,) = answered(db_session, case, (teacher(1), {"R2-answer": "0", "P6-answer": "2"}))
    with_version_2()
    assert current_instrument(db_session).version == 2
    repeated(db_session, case, {"R2-answer": "2", "R9-answer": "1"})

    profile = profile_of(db_session, case)
    before, now = profile.previous.assessors[0], profile.latest.assessors[0]
    assert (before.instrument_version, now.instrument_version) == (1, 2)
    assert [c.key for c in before.rows["resilience"]][-1] == "P6"  # v1 keeps its P6
    assert [c.key for c in now.rows["risk"]][-1] == "R9"
    assert now.coverage == (14, 14) and before.coverage == (14, 14)
    # Same key, new label: still compared.
    assert now.cell("R2").label == "Going to school"
    assert now.cell("R2").change == "up"
    assert now.cell("R9").change == "new_information"  # not asked before
    assert now.cell("P6") is None
    assert [key for key, _kind, _label in profile.latest.domains][-1] == "P5"

    detail = queries.view_assessment(db_session, SYSTEM, first.request, "en", dt.date.today())
    labels = [d.label for d in detail.latest.domains]
    assert "School attendance and engagement" in labels  # v1's own wording
    assert detail.latest.instrument_version == 1


def test_the_pages_render_both_versions(client, db_session, with_version_2):
    case = make_case(db_session)
    (first,) = answered(db_session, case, (teacher(1), {"P6-answer": "2"}))
    with_version_2()
    repeated(db_session, case, {"R9-answer": "2"})
    db_session.commit()
    login(client, db_session, make_user(db_session, Role.COORDINATOR))

    page = client.get(f"/cases/{case.id}/assessments/{first.request.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "School attendance and engagement" in html and "P6" in html

    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'data-round="2"' in html and 'data-round="1"' in html
    assert 'data-key="R9"' in html and 'data-key="P6"' in html
