"""The effect tables: counts by district and measure, and their disclosure control (no DB)."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from app.monitoring.disclosure import SHOWN, audit, protect
from app.monitoring.effects import (
    CASES,
    MEASURES,
    NEW_6M,
    NEW_12M,
    OBSERVED_6M,
    OBSERVED_12M,
    RESILIENCE,
    RISK,
    EffectFact,
    effect_table,
    key,
)

DAY = dt.date(2026, 1, 14)
AREAS = {1: "D1", 2: "D1", 3: "D2", 4: "D3"}


def fact(area_id=1, measure="mentor", new_6m=None, new_12m=None, risk=None, resilience=None):
    return EffectFact(area_id, measure, DAY, new_6m, new_12m, risk, resilience)


def test_cases_new_concerns_and_mean_changes_are_counted_per_district_and_in_all():
    facts = [
        fact(1, new_6m=True, new_12m=True, risk=-0.5, resilience=0.25),
        fact(2, new_6m=False, new_12m=None, risk=-1.0),
        fact(3, new_6m=None, new_12m=None),
        fact(3, measure="family", new_6m=False, new_12m=False, resilience=1.0),
    ]
    table = effect_table(facts, AREAS)
    values = table.values
    assert values[key(CASES, "D1", "mentor")] == 2
    assert values[key(OBSERVED_6M, "D1", "mentor")] == 2
    assert values[key(NEW_6M, "D1", "mentor")] == 1
    assert values[key(OBSERVED_12M, "D1", "mentor")] == 1
    assert values[key(NEW_12M, "D1", "mentor")] == 1
    assert values[key(RISK, "D1", "mentor")] == 2
    assert table.amounts[key(RISK, "D1", "mentor")] == pytest.approx(-0.75)
    assert table.amounts[key(RESILIENCE, "D1", "mentor")] == pytest.approx(0.25)
    assert values[key(CASES, "ALL", "mentor")] == 3
    assert values[key(CASES, "D2", "family")] == 1
    # Every district has every action type, zeros included, so every line is complete.
    assert values[key(CASES, "D3", "mentor")] == 0
    assert values[key(NEW_12M, "D3", "family")] == 0
    assert key(RISK, "D3", "family") not in table.amounts
    assert len(table.values) == len(MEASURES) * 4 * 2


def test_all_is_the_sum_of_the_districts_and_the_bounds_hold():
    table = effect_table([fact(1, new_6m=True), fact(3, new_6m=False)], AREAS)
    line = next(line for line in table.lines if line.total == key(NEW_6M, "ALL", "mentor"))
    assert set(line.parts) == {key(NEW_6M, d, "mentor") for d in ("D1", "D2", "D3")}
    assert sum(table.values[part] for part in line.parts) == table.values[line.total]
    for inequality in table.inequalities:
        small = sum(table.values[cell] for cell in inequality.small)
        large = sum(table.values[cell] for cell in inequality.large)
        assert small <= large


def test_a_fact_outside_every_district_is_left_out():
    table = effect_table([fact(99, new_6m=True), fact(1)], AREAS)
    assert table.values[key(CASES, "ALL", "mentor")] == 1
    assert table.values[key(NEW_6M, "ALL", "mentor")] == 0


def random_facts(rng: random.Random, count: int) -> list[EffectFact]:
    facts = []
    for _ in range(count):
        observed_6m = rng.random() < 0.8
        observed_12m = observed_6m and rng.random() < 0.6
        new_6m = rng.random() < 0.3 if observed_6m else None
        new_12m = (bool(new_6m) or rng.random() < 0.2) if observed_12m else None
        facts.append(
            fact(
                rng.choice(list(AREAS)),
                rng.choice(["mentor", "family", "leisure"]),
                new_6m,
                new_12m,
                rng.choice([None, -1.0, 0.0, 0.5]),
                rng.choice([None, 1.0, -0.5]),
            )
        )
    return facts


@pytest.mark.parametrize("seed", range(12))
def test_protected_effect_tables_pass_the_lp_audit(seed):
    rng = random.Random(seed)
    table = effect_table(random_facts(rng, rng.randint(5, 60)), AREAS)
    protection = protect(table.values, table.lines, 5, inequalities=table.inequalities)
    hidden = protection.hidden()
    relations = [*table.lines, *table.inequalities]
    assert audit(table.values, relations, hidden, 5) == []
    for cell, status in protection.status.items():
        if status == SHOWN:
            assert table.values[cell] == 0 or table.values[cell] >= 5
    # The municipality's total can never give back a single hidden district.
    for line in table.lines:
        assert len([c for c in line.keys() if c in hidden]) != 1


def test_a_single_small_district_is_hidden_with_a_partner():
    facts = [fact(1) for _ in range(2)] + [fact(3) for _ in range(9)] + [fact(4) for _ in range(8)]
    table = effect_table(facts, AREAS)
    protection = protect(table.values, table.lines, 5, inequalities=table.inequalities)
    assert protection.status[key(CASES, "D1", "mentor")] == "primary"
    hidden_partners = {cell for cell in protection.hidden() if cell[0] == CASES and cell[1] != "D1"}
    assert hidden_partners
