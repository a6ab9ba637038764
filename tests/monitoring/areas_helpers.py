"""Files for the area upload tests: the real parishes, broken on purpose in one way each."""

from __future__ import annotations

import copy
import json

from tests.monitoring.factories import PARISHES, parish_features

# Three illustrative districts over the 35 parishes (in file order), as a grouping CSV.
DISTRICTS = (("N", "Nord"), ("S", "Syd"), ("V", "Vest"))


def grouping_csv(features: list[dict] | None = None, delimiter: str = ",") -> bytes:
    lines = [delimiter.join(("area_code", "district_code", "district_name"))]
    for number, feature in enumerate(features or parish_features()):
        code, name = DISTRICTS[number % len(DISTRICTS)]
        lines.append(delimiter.join((feature["properties"]["code"], code, name)))
    return ("\n".join(lines) + "\n").encode("utf-8")


def collection(features: list[dict]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}).encode("utf-8")


def parishes_bytes() -> bytes:
    return PARISHES.read_bytes()


def with_districts(features: list[dict]) -> list[dict]:
    """The features with a `district` property (the same grouping as grouping_csv)."""
    changed = copy.deepcopy(features)
    for number, feature in enumerate(changed):
        code, name = DISTRICTS[number % len(DISTRICTS)]
        feature["properties"].update(district=code, district_name=name)
    return changed


def by_name(features: list[dict], name: str) -> dict:
    return next(f for f in features if f["properties"]["name"] == name)
