"""The threshold k, the minimum population, board memberships, and the import commands."""

from __future__ import annotations

import json

import pytest
from flask.cli import AppGroup
from sqlalchemy import func, select

from app.areas.models import Area
from app.audit.models import AuditEvent
from app.auth.roles import Role
from app.core.errors import DomainError
from app.monitoring.area_cli import register_area_commands
from app.monitoring.disclosure_settings import update_settings
from app.monitoring.memberships import board_members, set_districts
from app.monitoring.models import AreaPopulation, BoardMembership
from app.monitoring.settings import thresholds
from tests.factories import make_user
from tests.monitoring.areas_helpers import grouping_csv, parishes_bytes
from tests.monitoring.factories import make_district
from tests.web.helpers import TEST_ACTOR


def events(session, action: str) -> list[dict]:
    rows = session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()
    return [json.loads(row.details) for row in rows]


@pytest.mark.parametrize(
    ("k", "message"),
    [
        (2, "k must be at least 3: smaller counts could point at a person."),
        (51, "k can be at most 50."),
    ],
)
def test_k_outside_its_range_is_refused(db_session, k, message):
    with pytest.raises(DomainError) as refused:
        update_settings(db_session, TEST_ACTOR, k, 200)
    assert (str(refused.value.message), refused.value.field) == (message, "k")
    assert thresholds(db_session).k == 5


def test_a_negative_minimum_population_is_refused(db_session):
    with pytest.raises(DomainError) as refused:
        update_settings(db_session, TEST_ACTOR, 5, -1)
    assert str(refused.value.message) == "The minimum population must be from 0 to 100000."


def test_raising_k_is_audited_and_lowering_it_is_audited_on_its_own(db_session):
    update_settings(db_session, TEST_ACTOR, 7, 250)
    assert (thresholds(db_session).k, thresholds(db_session).min_population) == (7, 250)
    assert events(db_session, "monitoring.settings.update") == [
        {"old": {"k": 5, "min_population": 200}, "new": {"k": 7, "min_population": 250}}
    ]
    assert events(db_session, "monitoring.k_lowered") == []
    update_settings(db_session, TEST_ACTOR, 4, 250)
    assert thresholds(db_session).k == 4
    assert events(db_session, "monitoring.k_lowered") == [{"old_k": 7, "new_k": 4}]
    assert len(events(db_session, "monitoring.settings.update")) == 2


def test_board_memberships_are_replaced_and_audited(db_session):
    member = make_user(db_session, Role.BOARD, full_name="Bo Bestyrelse")
    north, south = make_district(db_session, "N", "Nord"), make_district(db_session, "S", "Syd")
    set_districts(db_session, TEST_ACTOR, member, [north.id, south.id])
    set_districts(db_session, TEST_ACTOR, member, [south.id])
    assert [d.code for d in board_members(db_session)[0].districts] == ["S"]
    assert events(db_session, "monitoring.membership.update") == [
        {"before": [], "after": ["N", "S"]},
        {"before": ["N", "S"], "after": ["S"]},
    ]


def test_only_board_members_get_districts(db_session):
    coordinator = make_user(db_session, Role.COORDINATOR)
    district = make_district(db_session)
    with pytest.raises(DomainError) as refused:
        set_districts(db_session, TEST_ACTOR, coordinator, [district.id])
    assert str(refused.value.message) == "Only local board members are given districts."
    assert db_session.scalar(select(func.count()).select_from(BoardMembership)) == 0


@pytest.fixture
def monitoring_cli():
    return register_area_commands(AppGroup("monitoring"))


def test_the_import_commands_load_the_parishes_and_populations(
    runner, db_session, monitoring_cli, tmp_path
):
    (tmp_path / "parishes.geojson").write_bytes(parishes_bytes())
    (tmp_path / "districts.csv").write_bytes(grouping_csv())
    result = runner.invoke(
        monitoring_cli,
        [
            "areas-import",
            str(tmp_path / "parishes.geojson"),
            "--districts",
            str(tmp_path / "districts.csv"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "areas created 35, updated 0" in result.output
    (tmp_path / "youth.csv").write_text("area_code,year,youth_population\n7878,2025,812\n")
    result = runner.invoke(monitoring_cli, ["populations-import", str(tmp_path / "youth.csv")])
    assert result.exit_code == 0, result.output
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Area)) == 35
    assert db_session.scalar(select(AreaPopulation.youth_population)) == 812


def test_an_invalid_file_exits_1_with_the_report(runner, db_session, monitoring_cli, tmp_path):
    (tmp_path / "parishes.geojson").write_bytes(parishes_bytes())
    result = runner.invoke(monitoring_cli, ["areas-import", str(tmp_path / "parishes.geojson")])
    assert result.exit_code == 1
    assert "These new areas have no district: 7878 Åsum" in result.output
    (tmp_path / "youth.csv").write_text("area_code,year,youth_population\nNOPE,2025,1\n")
    result = runner.invoke(monitoring_cli, ["populations-import", str(tmp_path / "youth.csv")])
    assert result.exit_code == 1
    assert "- Line 2: there is no area with code NOPE." in result.output
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Area)) == 0
