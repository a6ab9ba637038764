"""Classification of areas per year: the first rule that holds, with reasons; defaults; demo."""

from __future__ import annotations

import json
import random

import pytest
from sqlalchemy import select

from app.audit.actor import Actor
from app.audit.models import AuditEvent
from app.core.errors import DomainError
from app.monitoring.classification import (
    Condition,
    RuleInput,
    classes_for_year,
    classify,
    install_default_rules,
    rules,
    save_rule,
)
from app.monitoring.indicators import DefinitionInput, save_definition
from app.monitoring.models import AreaClassification, IndicatorValue
from tests.monitoring.factories import make_area, make_district

ACTOR = Actor.system("tests")
KEYS = ("school_absence", "youth_outside_education", "child_welfare_notifications")


@pytest.fixture
def world(db_session):
    district = make_district(db_session)
    areas = {code: make_area(db_session, district, code, code) for code in ("A", "B", "C", "D")}
    indicators = {
        key: save_definition(
            db_session,
            ACTOR,
            DefinitionInput(key, key, key, unit="rate" if "notif" in key else "share"),
        )
        for key in KEYS
    }
    install_default_rules(db_session)
    db_session.flush()
    return areas, indicators


def put(
    db_session,
    world,
    code: str,
    period: str,
    absence,
    outside,
    notifications,
    denominator: int = 400,
):
    areas, indicators = world
    for key, value in zip(KEYS, (absence, outside, notifications), strict=True):
        if value is not None:
            db_session.add(
                IndicatorValue(
                    indicator_id=indicators[key].id,
                    area_id=areas[code].id,
                    period=period,
                    value=value,
                    denominator=denominator,
                )
            )
    db_session.flush()


def test_the_first_rule_whose_conditions_hold_gives_the_class_with_reasons(db_session, world):
    put(db_session, world, "A", "2026", 0.12, 0.20, 45.0)  # 3 of 3
    put(db_session, world, "B", "2026", 0.12, 0.05, 45.0)  # 2 of 3
    put(db_session, world, "C", "2026", 0.02, 0.05, 41.0)  # 1 of 3
    put(db_session, world, "D", "2026", 0.02, 0.05, 10.0)  # none
    put(db_session, world, "D", "2025", 0.50, 0.50, 99.0)  # another year: not used
    classify(db_session, ACTOR, 2026)
    classes = classes_for_year(db_session, 2026)
    assert {code: found[0] for code, found in classes.items()} == {
        "A": "particular_challenges",
        "B": "challenges",
        "C": "risk_area",
        "D": "other",
    }
    assert classes["B"][1] == "Udfordringer"  # the Danish label outside a request
    assert classes["B"][2] == [
        {
            "indicator": "school_absence",
            "op": ">=",
            "threshold": 0.10,
            "value": 0.12,
            "status": "shown",
            "held": True,
        },
        {
            "indicator": "youth_outside_education",
            "op": ">=",
            "threshold": 0.15,
            "value": 0.05,
            "status": "shown",
            "held": False,
        },
        {
            "indicator": "child_welfare_notifications",
            "op": ">=",
            "threshold": 40.0,
            "value": 45.0,
            "status": "shown",
            "held": True,
        },
    ]
    assert [r["held"] for r in classes["D"][2]] == [False, False, False]
    event = db_session.scalar(
        select(AuditEvent).where(AuditEvent.action == "area_classification.compute")
    )
    assert json.loads(event.details)["classes"]["other"] == 1


def test_a_missing_or_hidden_value_never_satisfies_a_condition(db_session, world):
    # "<=" conditions would hold for a missing value read as 0; it must not.
    areas, _indicators = world
    save_rule(
        db_session,
        ACTOR,
        RuleInput("low", "Lav", "Low", 1, 1, [Condition("school_absence", "<=", 0.5)]),
    )
    put(db_session, world, "A", "2026", None, None, None)
    put(db_session, world, "B", "2026", 0.3, 0.9, 99.0, denominator=4)  # hidden under k=5
    put(db_session, world, "C", "2026", 0.3, None, None)
    classify(db_session, ACTOR, 2026)
    classes = classes_for_year(db_session, 2026)
    assert classes["A"][0] == "other" and classes["B"][0] == "other"
    assert classes["C"][0] == "low"
    assert {r["status"] for r in classes["A"][2]} == {"missing"}
    hidden = classes["B"][2]
    assert {r["status"] for r in hidden} == {"hidden"} and {r["value"] for r in hidden} == {None}


def test_the_year_value_wins_over_quarters_else_the_latest_quarter(db_session, world):
    put(db_session, world, "A", "2026-Q4", 0.5, 0.5, 50.0)
    put(db_session, world, "A", "2026", 0.0, 0.0, 0.0)
    put(db_session, world, "B", "2026-Q1", 0.0, 0.0, 0.0)
    put(db_session, world, "B", "2026-Q3", 0.5, 0.5, 50.0)
    classify(db_session, ACTOR, 2026)
    classes = classes_for_year(db_session, 2026)
    assert (classes["A"][0], classes["B"][0]) == ("other", "particular_challenges")


def test_classifying_again_replaces_the_year_only(db_session, world):
    put(db_session, world, "A", "2026", 0.12, 0.20, 45.0)
    classify(db_session, ACTOR, 2025)
    classify(db_session, ACTOR, 2026)
    classify(db_session, ACTOR, 2026)
    years = db_session.scalars(select(AreaClassification.year)).all()
    assert sorted(years) == [2025] * 4 + [2026] * 4


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (
            RuleInput("other", "Andet", "Other", 1, 1, [Condition("school_absence", ">=", 1)]),
            "class_key",
        ),
        (RuleInput("Bad Key", "x", "x", 1, 1, [Condition("school_absence", ">=", 1)]), "class_key"),
        (RuleInput("x", "", "x", 1, 1, [Condition("school_absence", ">=", 1)]), "label_da"),
        (RuleInput("x", "x", "x", 1, 1, []), "conditions"),
        (RuleInput("x", "x", "x", 1, 1, [Condition("nope", ">=", 1)]), "conditions"),
        (RuleInput("x", "x", "x", 1, 1, [Condition("school_absence", "==", 1)]), "conditions"),
        (RuleInput("x", "x", "x", 1, 2, [Condition("school_absence", ">=", 1)]), "min_conditions"),
    ],
)
def test_bad_rules_are_refused(db_session, world, data, field):
    with pytest.raises(DomainError) as caught:
        save_rule(db_session, ACTOR, data)
    assert caught.value.field == field


def test_default_rules_are_installed_once(db_session, world):
    assert [r.class_key for r in rules(db_session)] == [
        "particular_challenges",
        "challenges",
        "risk_area",
    ]
    assert [r.min_conditions for r in rules(db_session)] == [3, 2, 1]
    assert install_default_rules(db_session) == []


def test_the_demo_seed_makes_vulnerable_areas_stand_out(db_session):
    from app.demo.areas import load_demo_areas
    from app.demo.indicators import seed_demo_indicators

    rng = random.Random(7)
    areas = load_demo_areas(db_session, rng)
    seed_demo_indicators(db_session, rng, areas)
    for year in (2023, 2026):
        classes = classes_for_year(db_session, year)
        assert len(classes) == len(areas)
        named = {a.name: classes[a.code][0] for a in areas}
        vulnerable = [named[n] for n in ("Vollsmose", "Korsløkke", "Bolbro", "Tornbjerg", "Højby")]
        assert sum(c in ("particular_challenges", "challenges") for c in vulnerable) >= 3
        assert list(named.values()).count("other") > len(areas) // 2
    hidden = db_session.scalars(select(IndicatorValue).where(IndicatorValue.denominator < 5)).all()
    assert hidden
