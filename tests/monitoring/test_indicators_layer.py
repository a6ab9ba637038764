"""What boards read of an indicator: hidden under k, the latest period not after the one asked."""

from __future__ import annotations

import pytest

from app.audit.actor import Actor
from app.monitoring.indicators import (
    DefinitionInput,
    IndicatorFigure,
    definitions,
    indicator_layer,
    indicator_series,
    save_definition,
)
from app.monitoring.models import IndicatorValue
from tests.monitoring.factories import make_area, make_district

ACTOR = Actor.system("tests")


@pytest.fixture
def areas(db_session):
    district = make_district(db_session)
    found = {
        code: make_area(db_session, district, code, name)
        for code, name in (("A1", "Vollsmose"), ("A2", "Bolbro"), ("A3", "Dalum"))
    }
    db_session.commit()
    return found


def add_values(db_session, areas, key: str, rows: list[tuple[str, str, float, int | None]]):
    definition = save_definition(db_session, ACTOR, DefinitionInput(key, key, key))
    for code, period, value, denominator in rows:
        db_session.add(
            IndicatorValue(
                indicator_id=definition.id,
                area_id=areas[code].id,
                period=period,
                value=value,
                denominator=denominator,
            )
        )
    db_session.flush()


def test_a_value_whose_denominator_is_under_k_is_not_shown(db_session, areas):
    add_values(
        db_session,
        areas,
        "absence",
        [
            ("A1", "2026", 0.2, 400),
            ("A2", "2026", 0.5, 4),
            ("A3", "2026", 0.1, None),
        ],
    )
    layer = indicator_layer(db_session, "absence", "2026", k=5)
    assert layer == {
        "A1": IndicatorFigure("A1", 0.2, 400, True),
        # Neither the value nor the small denominator leaves the function.
        "A2": IndicatorFigure("A2", None, None, False),
        "A3": IndicatorFigure("A3", None, None, False),
    }
    assert indicator_layer(db_session, "absence", "2026", k=4)["A2"].shown is True


def test_the_latest_period_not_after_the_one_asked_for_is_used(db_session, areas):
    add_values(
        db_session,
        areas,
        "absence",
        [
            ("A1", "2024", 0.10, 400),
            ("A1", "2025", 0.11, 400),
            ("A1", "2027", 0.99, 400),
            ("A2", "2026", 0.20, 400),
            ("A2", "2026-Q2", 0.21, 400),
            ("A2", "2026-Q3", 0.22, 400),
            ("A3", "2026-Q1", 0.30, 400),
            ("A3", "2025", 0.31, 400),
        ],
    )

    def values(period: str) -> dict:
        return {
            code: f.value for code, f in indicator_layer(db_session, "absence", period, 5).items()
        }

    # A1 has no 2026: 2025 stands in; 2027 is after and is never used.
    assert values("2026") == {"A1": 0.11, "A2": 0.20, "A3": 0.30}
    # A quarter uses its own value, else the year's; A3's Q1 value is the latest before Q2.
    assert values("2026-Q3") == {"A1": 0.11, "A2": 0.22, "A3": 0.30}
    assert values("2026-Q1") == {"A1": 0.11, "A2": 0.20, "A3": 0.30}
    assert values("2024") == {"A1": 0.10}
    assert values("2023") == {}


def test_series_are_in_period_order_and_hide_like_the_layer(db_session, areas):
    add_values(
        db_session,
        areas,
        "absence",
        [
            ("A1", "2026", 0.3, 400),
            ("A1", "2024", 0.1, 3),
            ("A1", "2025-Q1", 0.2, 400),
            ("A1", "2025", 0.25, 400),
            ("A2", "2026", 0.4, 400),
        ],
    )
    series = indicator_series(db_session, "absence", ["A1", "A3"], k=5)
    assert list(series) == ["A1"]
    assert [(period, f.value, f.shown) for period, f in series["A1"]] == [
        ("2024", None, False),
        ("2025", 0.25, True),
        ("2025-Q1", 0.2, True),
        ("2026", 0.3, True),
    ]
    assert [d.key for d in definitions(db_session)] == ["absence"]
