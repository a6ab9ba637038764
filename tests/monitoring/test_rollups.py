"""Rollups count recorded concerns in the concern's own transaction; rebuild gives the same."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from app.audit.actor import Actor
from app.cases.concerns import accept_report, record_concern, report_concern
from app.monitoring.feeds import FEEDS
from app.monitoring.models import ALL, ConcernCell, PersonMark
from app.monitoring.rollups import age_band, rebuild
from tests.cases.helpers import actor_for, concern_input, make_area, new_person
from tests.factories import make_user


def cells(session) -> dict:
    rows = session.execute(
        select(ConcernCell.category, ConcernCell.age_band, ConcernCell.gender,
               func.sum(ConcernCell.concerns))
        .group_by(ConcernCell.category, ConcernCell.age_band, ConcernCell.gender)
    )
    return {(c, a, g): n for c, a, g, n in rows}


def test_age_bands_follow_the_birthday():
    assert age_band(dt.date(2012, 5, 2), dt.date(2024, 5, 1)) == "0-11"
    assert age_band(dt.date(2012, 5, 2), dt.date(2024, 5, 2)) == "12-14"
    assert age_band(dt.date(2009, 1, 1), dt.date(2024, 6, 1)) == "15-17"
    assert age_band(dt.date(2000, 1, 1), dt.date(2024, 6, 1)) == "18+"


def test_a_recorded_concern_is_counted_per_person_and_category(db_session):
    coordinator = make_user(db_session, "coordinator")
    area = make_area(db_session)
    on = dt.date.today() - dt.timedelta(days=3)
    record_concern(db_session, actor_for(coordinator), concern_input(
        area.id, occurred_on=on, categories=["violence", "weapons"],
        new_persons=[new_person(birth=on.replace(year=on.year - 13), gender="female"),
                     new_person(first="Ali", last="Hansen", birth=on.replace(year=on.year - 16),
                                gender="male")]))
    db_session.commit()
    counted = cells(db_session)
    assert counted[(ALL, "12-14", "female")] == 1
    assert counted[(ALL, "15-17", "male")] == 1
    assert counted[("violence", "12-14", "female")] == 1
    assert counted[("weapons", "15-17", "male")] == 1
    assert sum(n for (c, _, _), n in counted.items() if c == ALL) == 2
    assert db_session.scalar(select(func.count()).select_from(PersonMark)) == 6


def test_a_rolled_back_concern_leaves_no_count(db_session):
    coordinator = make_user(db_session, "coordinator")
    area = make_area(db_session)
    db_session.commit()
    record_concern(db_session, actor_for(coordinator), concern_input(area.id))
    db_session.rollback()
    assert cells(db_session) == {}


def test_a_report_counts_only_once_the_coordinator_takes_it_in(db_session):
    reporter = make_user(db_session, "committee")
    coordinator = make_user(db_session, "coordinator")
    area = make_area(db_session)
    concern = report_concern(db_session, actor_for(reporter), concern_input(area.id))
    db_session.commit()
    assert cells(db_session) == {}
    accept_report(db_session, actor_for(coordinator), concern.id)
    db_session.commit()
    assert sum(n for (c, _, _), n in cells(db_session).items() if c == ALL) == 1


def test_rebuild_gives_the_counts_the_transactions_gave(db_session, runner):
    coordinator = make_user(db_session, "coordinator")
    area = make_area(db_session)
    for categories in (["violence"], ["drugs", "theft_burglary"], ["violence"]):
        record_concern(db_session, actor_for(coordinator),
                       concern_input(area.id, categories=categories))
    db_session.commit()
    before = cells(db_session)
    rebuild(db_session, [])
    db_session.commit()
    assert cells(db_session) == {}
    result = runner.invoke(args=["monitoring", "rebuild"])
    assert result.exit_code == 0, result.output
    db_session.expire_all()
    assert cells(db_session) == before
    assert FEEDS.concern_facts is not None


def test_rebuild_skips_concerns_without_any_area(db_session):
    coordinator = make_user(db_session, "coordinator")
    area = make_area(db_session)
    concern = record_concern(db_session, actor_for(coordinator), concern_input(area.id))
    concern.area_id = None
    db_session.commit()
    assert rebuild(db_session, FEEDS.concern_facts(db_session)) == 0
    assert Actor.system().user_id is None
