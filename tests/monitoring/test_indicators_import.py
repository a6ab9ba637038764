"""CSV import of area indicator values: all rows or none, each problem named by its line."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.audit.actor import Actor
from app.audit.models import AuditEvent
from app.monitoring.indicator_import import MAX_UPLOAD_BYTES, ImportRefused, import_values
from app.monitoring.indicators import DefinitionInput, save_definition
from app.monitoring.models import IndicatorValue
from tests.monitoring.factories import make_area, make_district

ACTOR = Actor.system("tests")
HEADER = "area_code,period,indicator_key,value,denominator\n"


@pytest.fixture
def setup(db_session):
    district = make_district(db_session)
    make_area(db_session, district, "A1", "Vollsmose")
    make_area(db_session, district, "A2", "Bolbro")
    save_definition(
        db_session,
        ACTOR,
        DefinitionInput("school_absence", "Skolefravær", "School absence", unit="share"),
    )
    save_definition(
        db_session,
        ACTOR,
        DefinitionInput("notifications", "Underretninger", "Notifications", unit="rate"),
    )
    db_session.commit()


def stored(db_session) -> list[tuple]:
    return sorted(
        (v.area_id, v.indicator_id, v.period, v.value, v.denominator)
        for v in db_session.scalars(select(IndicatorValue))
    )


def refused(db_session, text: str | bytes) -> list[str]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    with pytest.raises(ImportRefused) as caught:
        import_values(db_session, ACTOR, data)
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(IndicatorValue)) == 0
    return [str(problem) for problem in caught.value.problems]


def test_a_good_file_is_imported_and_audited(db_session, setup):
    summary = import_values(
        db_session,
        ACTOR,
        (
            HEADER
            + "A1,2026,school_absence,0.14,420\n"
            + "A2,2026-q1,school_absence,0.05,380\n"
            + "A1,2025,notifications,51.5,\n"
        ).encode(),
    )
    assert (summary.rows, summary.created, summary.updated) == (3, 3, 0)
    rows = stored(db_session)
    assert [(r[2], r[3], r[4]) for r in rows] == [
        ("2026", 0.14, 420),
        ("2025", 51.5, None),
        ("2026-Q1", 0.05, 380),
    ]
    event = db_session.scalar(
        select(AuditEvent).where(AuditEvent.action == "indicator_values.import")
    )
    assert event is not None and '"created": 3' in event.details


def test_semicolons_bom_decimal_comma_and_any_column_order(db_session, setup):
    text = (
        "\ufeffperiod;area_code;indicator_key;denominator;value\r\n"
        "2026;A1;school_absence;420;0,14\r\n"
        "\r\n"
        "2026;A2;notifications;380;42,5\r\n"
    )
    summary = import_values(db_session, ACTOR, text.encode("utf-8"))
    assert summary.rows == 2
    assert sorted(r[3] for r in stored(db_session)) == [0.14, 42.5]


def test_a_second_import_replaces_values(db_session, setup):
    import_values(db_session, ACTOR, (HEADER + "A1,2026,school_absence,0.14,420\n").encode())
    summary = import_values(
        db_session,
        ACTOR,
        (HEADER + "A1,2026,school_absence,0.2,430\nA2,2026,school_absence,0.1,300\n").encode(),
    )
    assert (summary.created, summary.updated) == (1, 1)
    assert [(r[3], r[4]) for r in stored(db_session)] == [(0.2, 430), (0.1, 300)]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("X9,2026,school_absence,0.1,400", "Line 3: unknown area code “X9”."),
        ("A1,2026,bogus,0.1,400", "Line 3: unknown indicator key “bogus”."),
        ("A1,2026-H1,school_absence,0.1,400", "Line 3: the period “2026-H1” is not a year"),
        ("A1,2026-05,school_absence,0.1,400", "Line 3: the period “2026-05” is not a year"),
        ("A1,2026,school_absence,lots,400", "Line 3: the value “lots” is not a number."),
        ("A1,2026,school_absence,14,400", "Line 3: a share must be between 0 and 1"),
        ("A1,2026,notifications,-3,400", "Line 3: the value must not be negative."),
        ("A1,2026,school_absence,0.1,-4", "Line 3: the denominator “-4” is not a whole number"),
        ("A1,2026,school_absence,0.1,40.5", "Line 3: the denominator “40.5” is not a whole"),
        ("A1,2026,school_absence,0.1", "Line 3: expected 5 fields, found 4."),
        ("A2,2026,school_absence,0.2,300", "Line 3: repeats line 2 (same area, indicator and"),
    ],
)
def test_each_problem_is_named_by_its_line_and_nothing_is_saved(db_session, setup, row, message):
    duplicate_of = (
        "A2,2026,school_absence,0.1,400"
        if "repeats" in message
        else ("A2,2025,school_absence,0.1,400")
    )
    problems = refused(db_session, HEADER + duplicate_of + "\n" + row + "\n")
    assert len(problems) == 1 and problems[0].startswith(message), problems


def test_every_problem_is_reported_at_once(db_session, setup):
    problems = refused(
        db_session,
        HEADER
        + "X1,2026,school_absence,0.1,4\n"
        + "A1,2026,school_absence,0.1,400\n"
        + "A2,20x6,nope,x,y\n",
    )
    assert problems[0].startswith("Line 2:")
    assert [p.split(":")[0] for p in problems[1:]] == ["Line 4"] * 4


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"area,period,value\nA1,2026,1\n", "Line 1: the header must name the columns"),
        (HEADER.encode(), "The file has no rows of values."),
        ((HEADER + "A1,2026,school_absence,0.1,400\n").encode("utf-16"), "The file is not UTF-8"),
        (b"x" * (MAX_UPLOAD_BYTES + 1), "The file is larger than 5 MB."),
    ],
)
def test_files_that_are_not_indicator_csv_are_refused(db_session, setup, data, message):
    assert refused(db_session, data)[0].startswith(message)


def test_the_cli_imports_and_refuses_like_the_page(app, db_session, setup, tmp_path):
    import click

    from app.monitoring.indicator_cli import register_indicator_commands

    group = click.Group("monitoring")
    register_indicator_commands(group)
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(HEADER + "A1,2026,school_absence,0.14,420\n", encoding="utf-8")
    bad.write_text(HEADER + "Z1,2026,school_absence,0.14,420\n", encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(group, ["indicators-import", str(bad)])
    assert result.exit_code == 1 and "Line 2: unknown area code “Z1”." in result.output
    result = runner.invoke(group, ["indicators-import", str(good)])
    assert result.exit_code == 0, result.output
    assert "Imported 1 values: 1 new, 0 replaced." in result.output
    result = runner.invoke(group, ["classify", "2026"])
    assert result.exit_code == 0 and "Classified 2 areas for 2026: other 2." in result.output
    db_session.rollback()
    assert len(stored(db_session)) == 1
