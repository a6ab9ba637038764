"""Freezing releases: suppression, rates, refusals, versions and differencing (SB-D1.1/.3)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import func, select

from app.audit.actor import Actor
from app.audit.models import AuditEvent
from app.monitoring.disclosure import is_sensitive
from app.monitoring.models import ALL, Release, ReleaseUnit
from app.monitoring.periods import parse_period
from app.monitoring.releases import ReleaseRefused, publish_release
from app.monitoring.rollups import rebuild
from tests.monitoring.release_world import (
    TODAY,
    count,
    fact,
    published,
    random_facts,
    shown_values,
    summary,
    three_parishes,
    total_key,
)

ACTOR = Actor.system("tests")


def publish(db_session, label: str):
    release = publish_release(db_session, ACTOR, label, TODAY)
    db_session.commit()
    return release


def test_small_counts_are_hidden_and_no_line_gives_them_back(db_session):
    district, (big, small, empty) = three_parishes(db_session)
    on = dt.date(2026, 2, 10)
    count(db_session, [fact(big, on) for _ in range(12)] + [fact(small, on) for _ in range(3)])
    release = publish(db_session, "2026-Q1")
    cells = published(db_session, release)
    assert cells[total_key(small.code)].status == "primary"
    assert cells[total_key(small.code)].value is None
    assert cells[total_key(empty.code)].value == 0  # zeros point at no one
    # 12 + 3 = 15 in the district: with the district shown, Vollsmose must be hidden too.
    shown = {key for key, cell in cells.items() if cell.value is not None}
    assert not (total_key(district.code) in shown and total_key(big.code) in shown)
    for key, cell in cells.items():
        assert cell.value is None or not is_sensitive(cell.value, 5), key
    assert summary(release)["cells"]["primary"] > 0
    assert db_session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "monitoring.release.publish")) == 1


def test_rates_per_1000_only_for_shown_totals_with_a_population_of_at_least_k(db_session):
    _, (vollsmose, korsloekke, fredens) = three_parishes(db_session)
    fredens.youth_population = 3
    on = dt.date(2026, 2, 10)
    count(db_session, [fact(a, on) for a in (vollsmose, korsloekke, fredens) for _ in range(20)])
    release = publish(db_session, "2026-Q1")
    cells = published(db_session, release)
    areas = {u.code: u for u in release.units if u.level == "area"}
    # Fredens (3 young people) is published together with its neighbour Vollsmose.
    assert sorted(areas) == sorted([korsloekke.code, "+".join(sorted([vollsmose.code,
                                                                       fredens.code]))])
    assert all(u.youth_population >= 200 for u in areas.values())
    assert cells[total_key(korsloekke.code)].rate == pytest.approx(20.0)
    for cell in cells.values():
        if cell.rate is not None:
            assert cell.value is not None and cell.category == ALL


def test_an_unfinished_period_or_a_free_range_is_refused_and_nothing_is_written(db_session):
    three_parishes(db_session)
    for label, message in (("2026-Q4", "after it has ended"), ("2026-01-01..2026-02-03",
                                                               "2026-Q3")):
        with pytest.raises(ReleaseRefused) as refused:
            publish_release(db_session, ACTOR, label, TODAY)
        assert message in str(refused.value.message)
        db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Release)) == 0


def test_a_second_version_never_differs_from_the_first_by_a_small_number(db_session):
    _, areas = three_parishes(db_session)
    on = dt.date(2026, 2, 10)
    count(db_session, [fact(a, on) for a in areas for _ in range(9)])
    first = publish(db_session, "2026-Q1")
    count(db_session, [fact(areas[0], on)])  # one late concern: 9 -> 10
    second = publish(db_session, "2026-Q1")
    assert second.version == 2
    before, after = shown_values(db_session, first), shown_values(db_session, second)
    for key, value in after.items():
        if key in before:
            assert not is_sensitive(abs(value - before[key]), 5), key
    assert total_key(areas[0].code) not in after or total_key(areas[0].code) not in before


def test_consecutive_quarters_and_their_year_reveal_no_small_difference(db_session):
    _, areas = three_parishes(db_session)
    rng = random.Random(7)
    count(db_session, random_facts(rng, areas, dt.date(2025, 1, 1), 365, 260))
    quarters = [publish(db_session, f"2025-Q{n}") for n in range(1, 5)]
    count(db_session, random_facts(rng, areas, dt.date(2025, 4, 1), 90, 12))  # late concerns
    quarters.append(publish(db_session, "2025-Q2"))  # a second version: the year uses it
    year = publish(db_session, "2025")
    half = publish(db_session, "2025-H1")
    releases = [*quarters, year, half]
    views = {r.label: (parse_period(r.label), shown_values(db_session, r)) for r in releases}
    for small_label, (small, small_cells) in views.items():
        for large_label, (large, large_cells) in views.items():
            if small == large or not large.contains(small):
                continue
            for key, value in small_cells.items():
                if key in large_cells:
                    assert not is_sensitive(large_cells[key] - value, 5), (
                        small_label, large_label, key)
    # A year minus all four quarters: every quarter shown, or the year hidden.
    year_cells = views["2025"][1]
    for key, value in year_cells.items():
        parts = [views[f"2025-Q{n}"][1].get(key) for n in range(1, 5)]
        if sum(p is None for p in parts) == 1:
            pytest.fail(f"{key}: the year minus three shown quarters gives the fourth")
        if all(p is not None for p in parts):
            assert sum(parts) == value


def test_deleting_personal_data_later_changes_no_published_figure(db_session):
    _, areas = three_parishes(db_session)
    count(db_session, [fact(a, dt.date(2026, 5, 5)) for a in areas for _ in range(8)])
    release = publish(db_session, "2026-Q2")
    before = {k: (c.value, c.status) for k, c in published(db_session, release).items()}
    digest = release.content_hash
    rebuild(db_session, [])  # as if retention had deleted every concern
    db_session.commit()
    db_session.expire_all()
    after = {k: (c.value, c.status) for k, c in published(db_session, release).items()}
    assert after == before and db_session.get(Release, release.id).content_hash == digest


def test_units_are_frozen_with_their_names_members_and_boundaries(db_session):
    district, areas = three_parishes(db_session)
    release = publish(db_session, "2026-Q2")
    areas[0].name = "Omdøbt"
    db_session.commit()
    units = db_session.scalars(select(ReleaseUnit).where(ReleaseUnit.release_id == release.id))
    by_level = {}
    for unit in units:
        by_level.setdefault(unit.level, []).append(unit)
    assert {u.name for u in by_level["area"]} >= {"Vollsmose"}
    assert all(u.geometry for u in by_level["area"])
    assert [u.code for u in by_level["district"]] == [district.code]
    assert [u.code for u in by_level["municipality"]] == ["ALL"]


def test_the_command_publishes_and_refuses_with_a_message(db_session, runner):
    three_parishes(db_session)
    result = runner.invoke(args=["monitoring", "release", "2025-Q2"])
    assert result.exit_code == 0, result.output
    assert "2025-Q2" in result.output
    result = runner.invoke(args=["monitoring", "release", "2999-Q1"])
    assert result.exit_code == 1
    assert "ended" in result.output
