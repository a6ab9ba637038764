"""Early warning: an exact one-sided Poisson test, only on shown figures."""

from __future__ import annotations

import pytest

from app.monitoring.early_warning import detect_rise, rise_p_value, rises
from app.monitoring.release_reader import Figure
from tests.monitoring.board_world import board_world


def shown(*values: int) -> list[Figure]:
    return [Figure(value, "shown") for value in values]


def test_the_p_value_is_the_exact_poisson_tail():
    # P(X >= 12 | mean 4.5) = 1 - sum_{i<12} e^-4.5 4.5^i / i!
    assert rise_p_value(12, [4, 5, 4, 5]) == pytest.approx(0.0024043, abs=1e-6)
    assert rise_p_value(5, [5, 5, 5, 5]) == pytest.approx(0.5595, abs=1e-4)
    assert rise_p_value(6, [0, 0, 0, 0]) == 0.0
    assert rise_p_value(0, [0, 0, 0, 0]) == 1.0


def test_a_clear_rise_is_flagged_and_a_flat_or_falling_series_is_not():
    rise = detect_rise("7001", Figure(12, "shown"), shown(4, 5, 4, 5))
    assert rise is not None and rise.latest == 12 and rise.mean == 4.5
    assert rise.p_value < 0.05
    assert detect_rise("7001", Figure(6, "shown"), shown(5, 6, 5, 6)) is None
    assert detect_rise("7001", Figure(2, "shown"), shown(10, 12, 9, 11)) is None
    assert detect_rise("7001", Figure(8, "shown"), shown(5, 6, 5, 6)) is None  # p = 0.19


def test_no_flag_when_any_of_the_five_figures_is_hidden():
    for status in ("primary", "secondary"):
        assert detect_rise("x", Figure(None, status), shown(10, 10, 10, 10)) is None
        earlier = [*shown(10, 10, 10), Figure(None, status)]
        assert detect_rise("x", Figure(40, "shown"), earlier) is None
    assert detect_rise("x", Figure(40, "shown"), shown(10, 10, 10)) is None  # three periods


def test_rises_compares_with_the_four_published_quarters_before(db_session):
    world = board_world(db_session)
    flagged = rises(db_session, world["latest"], ["7001", "7101", "7103", "D01", "D02", "7002"])
    assert set(flagged) == {"7001"}
    assert flagged["7001"].latest == 41 and flagged["7001"].period_kind == "quarter"


def test_no_flags_without_four_earlier_releases(db_session):
    world = board_world(db_session, history=False)
    assert rises(db_session, world["latest"], ["7001", "D01"]) == {}
