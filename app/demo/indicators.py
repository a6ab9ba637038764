"""Demo area indicators (invented, BoSocData-like), the default rules and yearly classes.

The figures are illustrative only. The areas Danish reports call vulnerable get noticeably
higher values, so the map layer and the classification have something to show; a few small
denominators (under k) show how values are hidden from boards.
"""

from __future__ import annotations

import random

from sqlalchemy.orm import Session

from app.areas.models import Area
from app.audit.actor import Actor
from app.monitoring.classification import classify, install_default_rules
from app.monitoring.models import IndicatorDefinition, IndicatorValue

YEARS = (2023, 2024, 2025, 2026)
VULNERABLE = {"Vollsmose", "Korsløkke", "Bolbro", "Tornbjerg", "Højby"}
ILLUSTRATIVE_DA = "Illustrative tal, opfundet til demoen."
ILLUSTRATIVE_EN = "Illustrative figures, invented for the demo."

# key, unit, names, definitions, (typical, vulnerable) level, share of youth counted
DEFINITIONS = [
    (
        "school_absence",
        "share",
        "Skolefravær",
        "School absence",
        "Andel af elever i 0.-9. klasse bosat i området med mindst 10 % fravær i skoleåret.",
        "Share of pupils in years 0-9 living in the area with at least 10% absence in the "
        "school year.",
        (0.06, 0.14),
        0.6,
    ),
    (
        "youth_outside_education",
        "share",
        "Unge uden for uddannelse",
        "Young people outside education",
        "Andel af 16-24-årige bosat i området, som hverken er i uddannelse eller job.",
        "Share of 16-24-year-olds living in the area who are neither in education nor employed.",
        (0.09, 0.21),
        0.35,
    ),
    (
        "child_welfare_notifications",
        "rate",
        "Underretninger",
        "Child-welfare notifications",
        "Underretninger til børne- og familieafdelingen pr. 1.000 børn og unge i området.",
        "Notifications to child and family services per 1,000 children and young people in "
        "the area.",
        (22.0, 55.0),
        1.0,
    ),
]


def _definitions(session: Session) -> dict[str, IndicatorDefinition]:
    rows = {}
    for key, unit, name_da, name_en, text_da, text_en, _levels, _counted in DEFINITIONS:
        rows[key] = IndicatorDefinition(
            key=key,
            unit=unit,
            name_da=name_da,
            name_en=name_en,
            definition_da=f"{text_da} {ILLUSTRATIVE_DA}",
            definition_en=f"{text_en} {ILLUSTRATIVE_EN}",
            source=f"Demo: {ILLUSTRATIVE_EN}",
            higher_is_worse=True,
        )
        session.add(rows[key])
    session.flush()
    return rows


def _value(rng: random.Random, unit: str, level: float, year_index: int) -> float:
    # A slow drift, so the over-time chart and the early-warning idea have a shape.
    drifted = level * (1 + 0.04 * (year_index - 1)) * rng.uniform(0.8, 1.2)
    if unit == "share":
        return round(min(max(drifted, 0.0), 1.0), 3)
    return round(drifted, 1)


def seed_demo_indicators(session: Session, rng: random.Random, areas: list[Area]) -> None:
    """Three indicators with values for 2023-2026, the default rules, a class per year."""
    definitions = _definitions(session)
    ordinary = [a.id for a in areas if a.name not in VULNERABLE]
    # A few ordinary areas near the thresholds: "risk area" and "challenges" appear too;
    # two others with tiny denominators, which boards see as "not shown".
    picked = rng.sample(ordinary, min(6, len(ordinary)))
    elevated, small = set(picked[:4]), set(picked[4:])
    for key, unit, *_texts, (typical, vulnerable), counted in DEFINITIONS:
        for area in areas:
            level = vulnerable if area.name in VULNERABLE else typical
            if area.id in elevated:
                level = (typical + vulnerable) / 2
            level *= rng.uniform(0.85, 1.15)
            for index, year in enumerate(YEARS):
                youth = area.youth_population or 0
                denominator = max(int(youth * counted), 0)
                if area.id in small:
                    denominator = rng.randrange(1, 5)  # under k: hidden from boards
                session.add(
                    IndicatorValue(
                        indicator_id=definitions[key].id,
                        area_id=area.id,
                        period=str(year),
                        value=_value(rng, unit, level, index),
                        denominator=denominator,
                    )
                )
    session.flush()
    actor = Actor.system("demo-seed")
    install_default_rules(session, actor)
    for year in YEARS:
        classify(session, actor, year)
