"""The indicator pages over HTTP: the administrator manages, a board member reads."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from app.auth.roles import Role
from app.monitoring.classification import install_default_rules
from app.monitoring.models import (
    AreaClassification,
    ClassificationRule,
    IndicatorDefinition,
    IndicatorValue,
)
from tests.factories import make_user
from tests.monitoring.factories import make_area, make_district
from tests.support import fresh, login

HEADER = "area_code,period,indicator_key,value,denominator\n"


@pytest.fixture
def app_settings(app_settings):
    return {**app_settings, "BABEL_DEFAULT_LOCALE": "en"}


@pytest.fixture
def areas(db_session):
    district = make_district(db_session, "D1", "Øst")
    found = [
        make_area(db_session, district, "A1", "Vollsmose"),
        make_area(db_session, district, "A2", "Bolbro"),
        make_area(db_session, district, "A3", "Dalum"),
    ]
    db_session.commit()
    return found


@pytest.fixture
def admin(client, db_session, areas):
    user = make_user(db_session, Role.ADMIN)
    login(client, db_session, user)
    return user


@pytest.fixture
def board(client, db_session, areas):
    user = make_user(db_session, Role.BOARD)
    login(client, db_session, user)
    return user


def count(db_session, model) -> int:
    db_session.rollback()
    return db_session.scalar(select(func.count()).select_from(model))


def definition_form(**overrides) -> dict:
    return {
        "key": "school_absence",
        "name_da": "Skolefravær",
        "name_en": "School absence",
        "definition_da": "Andel elever med mindst 10 % fravær.",
        "definition_en": "Share of pupils with at least 10% absence.",
        "source": "Skoleforvaltningen (illustrative)",
        "unit": "share",
        "higher_is_worse": "y",
        **overrides,
    }


def upload(client, text: str):
    token = client.csrf_token("/monitoring/indicators/")
    return client.post(
        "/monitoring/indicators/import",
        data={
            "csrf_token": token,
            "file": (io.BytesIO(text.encode("utf-8")), "values.csv"),
        },
        content_type="multipart/form-data",
    )


def test_the_administrator_defines_imports_and_classifies(client, db_session, admin):
    response = client.submit("/monitoring/indicators/new", definition_form())
    assert response.status_code == 302
    response = upload(
        client,
        "area_code;period;indicator_key;value;denominator\n"
        "A1;2026;school_absence;0,14;420\nA2;2026;school_absence;0,04;380\n",
    )
    assert response.status_code == 302
    page = client.get("/monitoring/indicators/").get_data(as_text=True)
    assert "Imported 2 values: 2 new, 0 replaced." in page
    assert "Skoleforvaltningen (illustrative)" in page and "2026: 2" in page
    response = client.submit(
        "/monitoring/indicators/rules/new",
        {
            "class_key": "risk_area",
            "label_da": "Risikoområde",
            "label_en": "Risk area",
            "position": "10",
            "min_conditions": "1",
            "conditions-0-indicator": "school_absence",
            "conditions-0-op": ">=",
            "conditions-0-threshold": "0,10",
        },
    )
    assert response.status_code == 302
    response = client.submit(
        "/monitoring/indicators/classify", {"year": "2026"}, page="/monitoring/indicators/"
    )
    assert response.status_code == 302
    db_session.rollback()
    classes = dict(
        db_session.execute(select(AreaClassification.area_id, AreaClassification.class_key)).all()
    )
    assert sorted(classes.values()) == ["other", "other", "risk_area"]
    page = client.get("/monitoring/indicators/").get_data(as_text=True)
    assert "Classified 3 areas for 2026." in page and 'data-testid="rule-risk_area"' in page


def test_a_bad_file_is_refused_with_422_naming_the_lines(client, db_session, admin):
    client.submit("/monitoring/indicators/new", definition_form())
    response = upload(
        client,
        HEADER + "A1,2026,school_absence,0.1,400\n"
        "ZZ,2026,school_absence,0.1,400\nA2,2026,school_absence,12,400\n",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The file was not imported. Nothing was changed." in page
    assert "Line 3: unknown area code “ZZ”." in page
    assert "Line 4: a share must be between 0 and 1 (the value is 12)." in page
    assert count(db_session, IndicatorValue) == 0
    assert upload(client, "").status_code == 422


def test_bad_definitions_rules_and_years_are_refused_with_422(client, db_session, admin):
    response = client.submit("/monitoring/indicators/new", definition_form(key="Bad Key"))
    assert response.status_code == 422
    assert "Use lower-case letters a-z, digits and _ only" in response.get_data(as_text=True)
    assert client.submit("/monitoring/indicators/new", definition_form()).status_code == 302
    again = client.submit("/monitoring/indicators/new", definition_form(name_da="Andet"))
    assert again.status_code == 422
    assert "Another indicator already has this key." in again.get_data(as_text=True)
    assert count(db_session, IndicatorDefinition) == 1
    response = client.submit(
        "/monitoring/indicators/rules/new",
        {
            "class_key": "x",
            "label_da": "X",
            "label_en": "X",
            "position": "1",
            "min_conditions": "1",
            "conditions-0-indicator": "school_absence",
            "conditions-0-op": ">=",
            "conditions-0-threshold": "a lot",
        },
    )
    assert response.status_code == 422
    assert "Write a number, e.g. 0.10 or 40." in response.get_data(as_text=True)
    response = client.submit(
        "/monitoring/indicators/rules/new",
        {
            "class_key": "x",
            "label_da": "X",
            "label_en": "X",
            "position": "1",
            "min_conditions": "1",
        },
    )
    assert response.status_code == 422
    assert "Give between 1 and 4 conditions." in response.get_data(as_text=True)
    assert count(db_session, ClassificationRule) == 0
    response = client.submit(
        "/monitoring/indicators/classify", {"year": "twenty"}, page="/monitoring/indicators/"
    )
    assert response.status_code == 422
    assert count(db_session, AreaClassification) == 0


def test_the_administrator_edits_and_deletes_a_rule(client, db_session, admin):
    client.submit("/monitoring/indicators/new", definition_form())
    rule = ClassificationRule(
        class_key="risk_area",
        label_da="Risiko",
        label_en="Risk",
        conditions='[{"indicator": "school_absence", "op": ">=", "threshold": 0.1}]',
        min_conditions=1,
    )
    db_session.add(rule)
    db_session.commit()
    form = client.get(f"/monitoring/indicators/rules/{rule.id}").get_data(as_text=True)
    assert 'value="0.1"' in form and 'value="Risiko"' in form
    response = client.submit(
        f"/monitoring/indicators/rules/{rule.id}",
        {
            "class_key": "risk_area",
            "label_da": "Risikoområde",
            "label_en": "Risk area",
            "position": "5",
            "min_conditions": "1",
            "conditions-0-indicator": "school_absence",
            "conditions-0-op": "<=",
            "conditions-0-threshold": "0.2",
        },
    )
    assert response.status_code == 302
    assert fresh(db_session, ClassificationRule, rule.id).conditions == (
        '[{"indicator": "school_absence", "op": "<=", "threshold": 0.2}]'
    )
    response = client.submit(
        f"/monitoring/indicators/rules/{rule.id}/delete", {}, page="/monitoring/indicators/"
    )
    assert response.status_code == 302 and count(db_session, ClassificationRule) == 0


def seed_values(db_session, areas):
    definition = IndicatorDefinition(
        key="school_absence",
        name_da="Skolefravær",
        name_en="School absence",
        unit="share",
        definition_en="Share of pupils often absent.",
        source="The schools (invented for the test)",
    )
    db_session.add(definition)
    db_session.flush()
    vollsmose, bolbro, dalum = areas
    for area, period, value, denominator in [
        (vollsmose, "2025", 0.131, 400),
        (vollsmose, "2026", 0.147, 410),
        (bolbro, "2025", 0.052, 300),
        (bolbro, "2026", 0.917, 3),
        (dalum, "2026", 0.021, 350),
    ]:
        db_session.add(
            IndicatorValue(
                indicator_id=definition.id,
                area_id=area.id,
                period=period,
                value=value,
                denominator=denominator,
            )
        )
    db_session.commit()
    return definition


def test_a_board_member_reads_the_indicator_over_time(client, db_session, board, areas):
    definition = seed_values(db_session, areas)
    response = client.get(f"/monitoring/indicators/{definition.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "School absence" in page and "Share of pupils often absent." in page
    assert "The schools (invented for the test)" in page
    row = re.search(r'data-testid="row-A2">(.*?)</tr>', page, re.S).group(1)
    assert "5.2%" in row and "not shown" in row
    # The hidden value and its small denominator appear nowhere: not in the table, not in
    # the chart's points or titles.
    assert "91.7" not in page and "0.917" not in page
    assert "<polyline" in page and 'data-area="A1"' in page
    assert "14.7%" in page
    assert client.get("/monitoring/indicators/").status_code == 403
    refused = upload(client, HEADER + "A1,2026,school_absence,0.1,400\n")
    assert refused.status_code == 403 and count(db_session, IndicatorValue) == 5


def test_a_board_member_reads_the_classification_with_reasons(client, db_session, board, areas):
    from app.audit.actor import Actor
    from app.monitoring.classification import classify

    seed_values(db_session, areas)
    install_default_rules(db_session)
    classify(db_session, Actor.system("tests"), 2026)
    db_session.commit()
    response = client.get("/monitoring/indicators/classification")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    summary = re.search(r'data-testid="class-summary">(.*?)</ul>', page, re.S).group(1)
    assert "Risk area: 1 area" in summary and "Other areas: 2 areas" in summary
    vollsmose = re.search(r'data-testid="class-A1">(.*?)</tr>', page, re.S).group(1)
    assert "Risk area" in vollsmose and "1 of 3 conditions hold" in vollsmose
    assert "14.7%" in vollsmose and "holds" in vollsmose and "no value" in vollsmose
    bolbro = re.search(r'data-testid="class-A2">(.*?)</tr>', page, re.S).group(1)
    assert "Other" in bolbro and "not shown" in bolbro and "91.7" not in page
    bad = client.get("/monitoring/indicators/classification?year=1999")
    assert bad.status_code == 422
    assert "There is no classification for that year." in bad.get_data(as_text=True)


def upload_bytes(client, content: bytes):
    """Encoded here: the test client would spool a large body to a file it leaves open."""
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    boundary, body = encode_multipart(
        {
            "csrf_token": client.csrf_token("/monitoring/indicators/"),
            "file": FileStorage(io.BytesIO(content), filename="values.csv"),
        }
    )
    return client.post(
        "/monitoring/indicators/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def test_a_values_file_up_to_5_mb_is_read_and_a_larger_one_refused_clearly(
    client, db_session, admin
):
    client.submit("/monitoring/indicators/new", definition_form())
    # 3 MB (blank lines, as spreadsheets leave them, are skipped): above the app's 2 MB
    # limit for ordinary forms, within the page's own 5 MB.
    padded = HEADER + "A1,2026,school_absence,0.14,420\n" + "\n" * (3 * 1024 * 1024)
    response = upload_bytes(client, padded.encode())
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert count(db_session, IndicatorValue) == 1

    one_long_field = HEADER + "A1,2026,school_absence," + "1" * 200_000 + ",420\n"
    response = upload_bytes(client, one_long_field.encode())
    assert response.status_code == 422
    assert "The file cannot be read as CSV." in response.get_data(as_text=True)

    response = upload_bytes(client, b"x" * (6 * 1024 * 1024))
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "The file is larger than 5 MB." in html
    assert 'action="/monitoring/indicators/import"' in html  # the page, to try again


def oversized_post(client, path: str, field: str, size: int):
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    boundary, body = encode_multipart(
        {"csrf_token": "x", field: FileStorage(io.BytesIO(b" " * size), filename="f.csv")}
    )
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


@pytest.mark.parametrize("who", ["anonymous", "board"])
def test_an_oversized_upload_by_someone_not_allowed_shows_no_admin_page(
    app, client, db_session, areas, who
):
    # The body is read (for the CSRF check) before the access guard runs, so the 413
    # answer itself must not render the administrator's page for just anyone.
    admin = make_user(db_session, Role.ADMIN)
    db_session.commit()
    login(client, db_session, admin)
    client.submit("/monitoring/indicators/new", definition_form())
    intruder = app.test_client()
    if who == "board":
        login(intruder, db_session, make_user(db_session, Role.BOARD))

    response = oversized_post(intruder, "/monitoring/indicators/import", "file", 6 << 20)
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "Skoleforvaltningen" not in html and "School absence" not in html
    assert 'action="/monitoring/indicators/import"' not in html
    response = oversized_post(intruder, "/monitoring/admin/populations", "populations", 11 << 20)
    assert response.status_code == 413
    assert 'action="/monitoring/admin/populations"' not in response.get_data(as_text=True)
