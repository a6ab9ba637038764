"""The grouping CSV and the youth population CSV: every problem listed, all or nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app.areas.models import Area, District
from app.audit.models import AuditEvent
from app.monitoring.districts import import_grouping
from app.monitoring.models import AreaPopulation, BoardMembership
from app.monitoring.populations import import_populations, population_for
from app.monitoring.uploads import UploadRejected
from tests.factories import make_user
from tests.monitoring.factories import make_area, make_district
from tests.web.helpers import TEST_ACTOR


@pytest.fixture
def areas(db_session):
    north = make_district(db_session, "N", "Nord")
    south = make_district(db_session, "S", "Syd")
    return {
        "A1": make_area(db_session, north, "A1", "Alfa", youth_population=None),
        "A2": make_area(db_session, north, "A2", "Beta", youth_population=None),
        "B1": make_area(db_session, south, "B1", "Gamma", youth_population=300),
    }


def refusal(function, session, data: bytes) -> list[str]:
    with pytest.raises(UploadRejected) as refused:
        function(session, TEST_ACTOR, data)
    return [str(problem) for problem in refused.value.problems]


def district_of(session, code: str) -> str:
    return session.scalar(select(District.code).join(Area).where(Area.code == code))


def test_grouping_moves_areas_renames_and_removes_an_emptied_district(db_session, areas):
    data = "\ufeffarea_code;district_code;district_name\nA1;N;Nordøst\nA2;N;Nordøst\nB1;N;Nordøst\n"
    result = import_grouping(db_session, TEST_ACTOR, data.encode("utf-8"))
    assert result.districts_renamed == ["N"] and result.districts_removed == ["S"]
    assert result.areas_moved == ["B1"]
    assert db_session.scalars(select(District.name)).all() == ["Nordøst"]
    event = db_session.scalar(
        select(AuditEvent).where(AuditEvent.action == "monitoring.districts.import")
    )
    assert json.loads(event.details)["removed"] == ["S"]


def test_an_emptied_district_that_a_board_member_reads_is_kept(db_session, areas):
    board = make_user(db_session, "board")
    south = db_session.scalar(select(District).where(District.code == "S"))
    db_session.add(BoardMembership(user_id=board.id, district_id=south.id))
    db_session.flush()
    result = import_grouping(
        db_session, TEST_ACTOR, b"area_code,district_code,district_name\nB1,N,Nord\n"
    )
    assert result.districts_removed == []
    assert district_of(db_session, "B1") == "N"
    assert db_session.scalar(select(func.count()).select_from(District)) == 2


def test_grouping_errors_are_all_listed_and_nothing_moves(db_session, areas):
    data = (
        b"area_code,district_code,district_name\n"
        b"A1,S,Syd\n"
        b"ZZ,S,Syd\n"
        b"A2,,Syd\n"
        b"A1,N,Nord\n"
        b"B1,S,Sydvest\n"
    )
    assert refusal(import_grouping, db_session, data) == [
        "Line 3: there is no area with code ZZ.",
        "Line 4: district_code is empty.",
        "Line 5: area A1 is already listed on line 2.",
        "Line 6: district S is called Sydvest here but Syd on line 2.",
    ]
    assert district_of(db_session, "A1") == "N"


def test_a_grouping_file_without_its_header_is_refused(db_session, areas):
    assert refusal(import_grouping, db_session, b"A1,N,Nord\n") == [
        "The first line must name the columns area_code, district_code, district_name; "
        "missing: area_code, district_code, district_name."
    ]


def test_populations_upsert_and_set_the_latest_year_on_the_area(db_session, areas):
    first = b"area_code,year,youth_population\nA1,2024,150\nA1,2025,170\nB1,2025,400\n"
    result = import_populations(db_session, TEST_ACTOR, first)
    assert (result.created, result.updated, result.years) == (3, 0, [2024, 2025])
    assert areas["A1"].youth_population == 170
    result = import_populations(
        db_session, TEST_ACTOR, b"area_code;year;youth_population\nA1;2024;155\n"
    )
    assert (result.created, result.updated) == (0, 1)
    assert areas["A1"].youth_population == 170  # 2025 is still the latest year
    assert db_session.scalar(select(func.count()).select_from(AreaPopulation)) == 3
    assert (
        db_session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "monitoring.populations.import")
        )
        == 2
    )


def test_population_errors_are_all_listed_and_nothing_is_stored(db_session, areas):
    data = (
        b"area_code,year,youth_population\n"
        b"A1,2025,100\n"
        b"XX,2025,100\n"
        b"A2,1850,100\n"
        b"A2,2025,-4\n"
        b"A2,2025,12.5\n"
        b"A1,2025,120\n"
        b"B1,,7\n"
    )
    assert refusal(import_populations, db_session, data) == [
        "Line 3: there is no area with code XX.",
        "Line 4: the year must be a whole number from 1900 to 2999.",
        "Line 5: the youth population must be a whole number, 0 or more.",
        "Line 6: the youth population must be a whole number, 0 or more.",
        "Line 6: area A2 has year 2025 already on line 5.",
        "Line 7: area A1 has year 2025 already on line 2.",
        "Line 8: year is empty.",
    ]
    assert db_session.scalar(select(func.count()).select_from(AreaPopulation)) == 0
    assert areas["A1"].youth_population is None


def test_population_for_falls_back_to_an_earlier_year_then_to_the_area(db_session, areas):
    import_populations(
        db_session, TEST_ACTOR, b"area_code,year,youth_population\nA1,2023,90\nA1,2025,110\n"
    )
    assert population_for(db_session, 2026) == {areas["A1"].id: 110, areas["B1"].id: 300}
    assert population_for(db_session, 2024)[areas["A1"].id] == 90
    # Before any uploaded year: the area's own figure (set to the latest upload).
    assert population_for(db_session, 2020)[areas["A1"].id] == 110
    assert areas["A2"].id not in population_for(db_session, 2026)


def test_a_file_that_is_not_utf8_is_refused(db_session, areas):
    data = "area_code,year,youth_population\nA1,2025,1\n".encode("utf-16")
    assert refusal(import_populations, db_session, data) == ["The file is not UTF-8 text."]
