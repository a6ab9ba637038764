"""The disclosure rules, proved on generated tables by an independent LP audit (SB-D1.2)."""

from __future__ import annotations

import random

import pytest

from app.monitoring.disclosure import (
    PRIMARY,
    SHOWN,
    DisclosureError,
    Line,
    checked_k,
    feasible_intervals,
    protect,
)


def two_way_table(rows: list[list[int]], groups: list[int]):
    """Cells (r, c) with row, column and grand totals, and rows grouped into districts."""
    values, lines = {}, []
    width = len(rows[0])
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            values[(r, c)] = value
        values[(r, "*")] = sum(row)
        lines.append(Line((r, "*"), tuple((r, c) for c in range(width))))
    for group in sorted(set(groups)):
        members = [r for r, g in enumerate(groups) if g == group]
        for c in [*range(width), "*"]:
            values[(f"g{group}", c)] = sum(values[(r, c)] for r in members)
            lines.append(Line((f"g{group}", c), tuple((r, c) for r in members)))
        lines.append(Line((f"g{group}", "*"), tuple((f"g{group}", c) for c in range(width))))
    for c in [*range(width), "*"]:
        values[("*", c)] = sum(values[(r, c)] for r in range(len(rows)))
        lines.append(Line(("*", c), tuple((r, c) for r in range(len(rows)))))
        lines.append(Line(("*", c), tuple((f"g{g}", c) for g in sorted(set(groups)))))
    lines.append(Line(("*", "*"), tuple(("*", c) for c in range(width))))
    return values, lines


def small_cell_table(rng: random.Random):
    height, width = rng.randint(2, 7), rng.randint(2, 5)
    rows = [
        [rng.choice([0, 0, 1, 1, 2, 3, 4, 5, 6, 9, 14, 30]) for _ in range(width)]
        for _ in range(height)
    ]
    groups = [rng.randint(0, max(1, height // 3)) for _ in range(height)]
    return two_way_table(rows, groups)


def assert_safe(values, lines, status, k):
    hidden = {key for key, s in status.items() if s != SHOWN}
    sensitive = {key for key, s in status.items() if s == PRIMARY}
    for key, (low, high) in feasible_intervals(values, lines, hidden, sensitive).items():
        assert low <= 1e-6 or high - low >= k - 1e-6, (key, values[key], low, high)
    for key, s in status.items():
        assert (s == PRIMARY) == (0 < values[key] < k)
    for line in lines:
        inside = [key for key in line.keys() if key in hidden]
        assert len(inside) != 1, line
        if line.total not in hidden and inside:
            assert not 0 < sum(values[key] for key in inside) < k, line


def test_the_battery_prototype_is_recovered_without_and_protected_with_complements():
    values, lines = two_way_table([[2, 7], [6, 9], [8, 11]], [0, 0, 0])
    alone = feasible_intervals(values, lines, {(0, 0)})
    assert alone[(0, 0)] == (2.0, 2.0)  # primary suppression alone gives the value back
    protection = protect(values, lines, 5)
    low, high = feasible_intervals(values, lines, protection.hidden())[(0, 0)]
    assert low == 0 and high >= 5


def test_the_lp_audit_passes_on_300_generated_tables_with_many_small_cells():
    rng = random.Random(20261124)
    hidden_cells = 0
    for _ in range(300):
        values, lines = small_cell_table(rng)
        protection = protect(values, lines, 5)
        assert_safe(values, lines, protection.status, 5)
        hidden_cells += len(protection.hidden())
    assert hidden_cells > 1000  # the tables really were full of small cells


@pytest.mark.parametrize("k", [3, 4, 7])
def test_other_thresholds_hold_too(k):
    rng = random.Random(k)
    for _ in range(20):
        values, lines = small_cell_table(rng)
        assert_safe(values, lines, protect(values, lines, k).status, k)


def test_zeros_are_shown_and_large_cells_alone_stay_shown():
    values, lines = two_way_table([[0, 12], [20, 0]], [0, 1])
    assert set(protect(values, lines, 5).status.values()) == {SHOWN}


def test_k_below_three_is_refused():
    with pytest.raises(DisclosureError):
        checked_k(2)
    with pytest.raises(DisclosureError):
        protect({"a": 1}, [], 2)
