"""Classification of areas per year by rules on indicator thresholds (BoSocData-like).

Rules are tried in order of position; the first whose at least `min_conditions` conditions
hold gives the area its class, else the class is "other". A value that is missing or not
shown to boards (denominator under k) never satisfies a condition, so a class never rests
on a figure a board may not see.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.areas.models import Area
from app.audit.actor import Actor
from app.audit.services import record
from app.core.errors import DomainError
from app.monitoring.indicators import english, figure, period_sort_key
from app.monitoring.models import (
    AreaClassification,
    ClassificationRule,
    IndicatorDefinition,
    IndicatorValue,
)
from app.monitoring.settings import thresholds

OTHER = "other"
OPS = (">=", "<=")
MAX_CONDITIONS = 4
CLASS_KEY = re.compile(r"^[a-z0-9_]{1,40}$")
LABEL_MAX_LENGTH = 120


@dataclass(frozen=True)
class Condition:
    indicator: str
    op: str
    threshold: float

    def as_json(self) -> dict:
        return {"indicator": self.indicator, "op": self.op, "threshold": self.threshold}


@dataclass(frozen=True)
class RuleInput:
    class_key: str
    label_da: str
    label_en: str
    position: int
    min_conditions: int
    conditions: list[Condition]


def rules(session: Session) -> list[ClassificationRule]:
    return list(
        session.scalars(
            select(ClassificationRule).order_by(ClassificationRule.position, ClassificationRule.id)
        )
    )


def conditions_of(rule: ClassificationRule) -> list[Condition]:
    return [
        Condition(c["indicator"], c["op"], float(c["threshold"]))
        for c in json.loads(rule.conditions or "[]")
    ]


def label_of(rule: ClassificationRule) -> str:
    return rule.label_en if english() else rule.label_da


def _checked(session: Session, data: RuleInput) -> RuleInput:
    if not CLASS_KEY.match(data.class_key or "") or data.class_key == OTHER:
        raise DomainError(
            _l("Use lower-case letters a-z, digits and _ only; “other” is reserved."),
            "class_key",
        )
    for value, field in ((data.label_da, "label_da"), (data.label_en, "label_en")):
        if not (value or "").strip():
            raise DomainError(_l("Write the label."), field)
        if len(value.strip()) > LABEL_MAX_LENGTH:
            raise DomainError(_l("At most %(n)d characters.", n=LABEL_MAX_LENGTH), field)
    if not 1 <= len(data.conditions) <= MAX_CONDITIONS:
        raise DomainError(_l("Give between 1 and 4 conditions."), "conditions")
    known = set(session.scalars(select(IndicatorDefinition.key)))
    for condition in data.conditions:
        if condition.indicator not in known:
            raise DomainError(_l("Choose an indicator that exists."), "conditions")
        if condition.op not in OPS or not math.isfinite(condition.threshold):
            raise DomainError(_l("Give a comparison and a number."), "conditions")
    if not 1 <= data.min_conditions <= len(data.conditions):
        raise DomainError(
            _l("Between 1 and the number of conditions (%(n)d).", n=len(data.conditions)),
            "min_conditions",
        )
    return data


def save_rule(
    session: Session, actor: Actor, data: RuleInput, rule: ClassificationRule | None = None
) -> ClassificationRule:
    """Create a classification rule, or change one."""
    _checked(session, data)
    created = rule is None
    if rule is None:
        rule = ClassificationRule()
        session.add(rule)
    rule.class_key, rule.position = data.class_key, data.position
    rule.label_da, rule.label_en = data.label_da.strip(), data.label_en.strip()
    rule.conditions = json.dumps([c.as_json() for c in data.conditions])
    rule.min_conditions = data.min_conditions
    session.flush()
    action = "classification_rule.create" if created else "classification_rule.update"
    record(
        session,
        actor,
        action,
        object_type="classification_rule",
        object_id=rule.id,
        details={"class_key": rule.class_key},
    )
    return rule


def delete_rule(session: Session, actor: Actor, rule: ClassificationRule) -> None:
    record(
        session,
        actor,
        "classification_rule.delete",
        object_type="classification_rule",
        object_id=rule.id,
        details={"class_key": rule.class_key},
    )
    session.delete(rule)
    session.flush()


def _year_values(session: Session, year: int, k: int) -> dict[tuple[str, int], tuple]:
    """(indicator key, area id) -> (value or None, status): the year's value, else its latest
    quarter. status is shown | hidden."""
    rows = session.execute(
        select(
            IndicatorDefinition.key,
            IndicatorValue.area_id,
            IndicatorValue.period,
            IndicatorValue.value,
            IndicatorValue.denominator,
        )
        .join(IndicatorDefinition, IndicatorDefinition.id == IndicatorValue.indicator_id)
        .where(IndicatorValue.period.like(f"{year}%"))
    ).all()
    latest: dict[tuple[str, int], tuple] = {}
    # The year first, then its quarters: a year's own value wins over any quarter.
    for key, area_id, _period, value, denominator in sorted(
        rows, key=lambda row: (row[2] != str(year), [-n for n in period_sort_key(row[2])])
    ):
        latest.setdefault((key, area_id), (value, denominator))
    found = {}
    for identity, (value, denominator) in latest.items():
        shown = figure("", value, denominator, k)
        found[identity] = (shown.value, "shown") if shown.shown else (None, "hidden")
    return found


def _evaluate(condition: Condition, found: tuple | None) -> dict:
    value, status = found if found is not None else (None, "missing")
    held = value is not None and (
        value >= condition.threshold if condition.op == ">=" else value <= condition.threshold
    )
    return {**condition.as_json(), "value": value, "status": status, "held": held}


def _classify_area(area_id: int, ordered: list, values: dict) -> tuple[str, list[dict]]:
    for rule, conditions in ordered:
        reasons = [_evaluate(c, values.get((c.indicator, area_id))) for c in conditions]
        if conditions and sum(r["held"] for r in reasons) >= rule.min_conditions:
            return rule.class_key, reasons
    # No rule matched: every distinct condition of the rules, none enough.
    distinct = list({c: None for _rule, conditions in ordered for c in conditions})
    return OTHER, [_evaluate(c, values.get((c.indicator, area_id))) for c in distinct]


def classify(session: Session, actor: Actor, year: int) -> list[AreaClassification]:
    """Classify every area for a year, replacing that year's classes."""
    if not 1900 <= int(year) <= 2999:
        raise DomainError(_l("Give a year between 1900 and 2999."), "year")
    values = _year_values(session, year, thresholds(session).k)
    ordered = [(rule, conditions_of(rule)) for rule in rules(session)]
    session.execute(delete(AreaClassification).where(AreaClassification.year == year))
    results = []
    for area_id in session.scalars(select(Area.id).order_by(Area.code)):
        class_key, reasons = _classify_area(area_id, ordered, values)
        results.append(
            AreaClassification(
                area_id=area_id, year=year, class_key=class_key, reasons=json.dumps(reasons)
            )
        )
    session.add_all(results)
    session.flush()
    record(
        session,
        actor,
        "area_classification.compute",
        object_type="area_classification",
        object_id=year,
        details={"classes": dict(Counter(r.class_key for r in results))},
    )
    return results


def class_labels(session: Session) -> dict[str, str]:
    labels = {OTHER: str(_l("Other areas"))}
    for rule in reversed(rules(session)):  # the first rule's label wins for a shared key
        labels[rule.class_key] = label_of(rule)
    return labels


def classified_years(session: Session) -> list[int]:
    return list(
        session.scalars(
            select(AreaClassification.year).distinct().order_by(AreaClassification.year.desc())
        )
    )


def classes_for_year(session: Session, year: int) -> dict[str, tuple[str, str, list[dict]]]:
    """By area code: (class key, its label in the current locale, the reasons)."""
    labels = class_labels(session)
    rows = session.execute(
        select(Area.code, AreaClassification.class_key, AreaClassification.reasons)
        .join(Area, Area.id == AreaClassification.area_id)
        .where(AreaClassification.year == year)
    ).all()
    return {code: (key, labels.get(key, key), json.loads(reasons)) for code, key, reasons in rows}


# Illustrative defaults in the spirit of Aarhus BoSocData: three conditions, four classes.
DEFAULT_CONDITIONS = [
    Condition("school_absence", ">=", 0.10),
    Condition("youth_outside_education", ">=", 0.15),
    Condition("child_welfare_notifications", ">=", 40.0),
]
DEFAULT_RULES = [
    ("particular_challenges", "Særlige udfordringer", "Particular challenges", 3),
    ("challenges", "Udfordringer", "Challenges", 2),
    ("risk_area", "Risikoområde", "Risk area", 1),
]


def install_default_rules(session: Session, actor: Actor | None = None) -> list:
    """The three default rules, when no rule exists yet (used by the demo)."""
    if rules(session):
        return []
    actor = actor or Actor.system("default-rules")
    conditions = json.dumps([c.as_json() for c in DEFAULT_CONDITIONS])
    created = []
    for position, (key, label_da, label_en, needed) in enumerate(DEFAULT_RULES, start=1):
        rule = ClassificationRule(
            position=position * 10,
            class_key=key,
            label_da=label_da,
            label_en=label_en,
            conditions=conditions,
            min_conditions=needed,
        )
        session.add(rule)
        created.append(rule)
    session.flush()
    record(
        session,
        actor,
        "classification_rule.install_defaults",
        object_type="classification_rule",
        details={"rules": len(created)},
    )
    return created
