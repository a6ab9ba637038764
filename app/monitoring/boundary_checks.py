"""Checking a GeoJSON FeatureCollection of areas: every problem of the file, feature by feature.

Nothing stops at the first problem; the administrator gets one report of everything wrong.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import shapely
from flask_babel import lazy_gettext as _l
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from app.monitoring.districts import CODE_LENGTH, NAME_LENGTH
from app.monitoring.uploads import MAX_UPLOAD_BYTES, UploadRejected, decode_text

ACCEPTED_TYPES = ("Polygon", "MultiPolygon")
# Shared borders simplified separately may overlap a little. The real Odense parish file
# (../shared/geo) has no overlap at all (worst pair: 0.0 %); 0.5 % of the smaller area
# leaves room for such slivers while a duplicated or misplaced area (tens of %) is caught.
OVERLAP_TOLERANCE = 0.005
# What shapely raises on coordinates nested or typed wrongly.
UNREADABLE = (
    ValueError,
    TypeError,
    IndexError,
    KeyError,
    AttributeError,
    shapely.errors.ShapelyError,
)


@dataclass(frozen=True)
class AreaFeature:
    number: int  # 1-based, as the administrator counts features in the file
    code: str
    name: str
    geometry: dict
    district_code: str | None
    district_name: str | None


def _text(properties: dict, key: str) -> str:
    value = properties.get(key)
    return "" if value is None else str(value).strip()


def _label(number: int, code: str):
    if code:
        return _l("Feature %(number)d (code %(code)s)", number=number, code=code)
    return _l("Feature %(number)d (no code)", number=number)


def _shape_problems(label, geometry: object) -> tuple[BaseGeometry | None, list]:
    if not isinstance(geometry, dict) or not geometry.get("type"):
        return None, [_l("%(feature)s has no geometry.", feature=label)]
    kind = str(geometry.get("type"))
    if kind not in ACCEPTED_TYPES:
        return None, [
            _l(
                "%(feature)s is a %(kind)s; only Polygon and MultiPolygon areas are accepted.",
                feature=label,
                kind=kind,
            )
        ]
    try:
        geom = shape(geometry)
    except UNREADABLE:
        return None, [_l("%(feature)s has coordinates that cannot be read.", feature=label)]
    if geom.is_empty:
        return None, [_l("%(feature)s has no coordinates.", feature=label)]
    problems = []
    coordinates = shapely.get_coordinates(geom)
    if (abs(coordinates[:, 0]) > 180).any() or (abs(coordinates[:, 1]) > 90).any():
        problems.append(
            _l(
                "%(feature)s has coordinates outside longitude -180 to 180 and latitude -90 to "
                "90; the file must use WGS84 longitude and latitude.",
                feature=label,
            )
        )
    if not geom.is_valid:
        problems.append(
            _l(
                "%(feature)s is not a valid shape: %(reason)s.",
                feature=label,
                reason=explain_validity(geom),
            )
        )
        return None, problems
    return (None if problems else geom), problems


def _property_problems(label, code: str, name: str, properties: dict) -> list:
    problems = []
    if not code:
        problems.append(_l('%(feature)s has no code (property "code").', feature=label))
    if not name:
        problems.append(_l('%(feature)s has no name (property "name").', feature=label))
    too_long = (
        len(code) > CODE_LENGTH
        or len(_text(properties, "district")) > CODE_LENGTH
        or len(name) > NAME_LENGTH
        or len(_text(properties, "district_name")) > NAME_LENGTH
    )
    if too_long:
        problems.append(
            _l(
                "%(feature)s: a code has at most %(code)d characters and a name at most %(name)d.",
                feature=label,
                code=CODE_LENGTH,
                name=NAME_LENGTH,
            )
        )
    return problems


def _collection(data: bytes) -> list:
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRejected([_l("The file is larger than 5 MB.")])
    try:
        document = json.loads(decode_text(data))
    except json.JSONDecodeError as error:
        raise UploadRejected(
            [
                _l(
                    "The file is not valid JSON (line %(line)d, column %(column)d).",
                    line=error.lineno,
                    column=error.colno,
                )
            ]
        ) from error
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise UploadRejected([_l("The file is not a GeoJSON FeatureCollection.")])
    features = document.get("features")
    if not isinstance(features, list) or not features:
        raise UploadRejected([_l("The file holds no features.")])
    return features


def _duplicates(features: list[AreaFeature], key: str, message: Callable) -> list:
    problems, first = [], {}
    for feature in features:
        value = getattr(feature, key)
        if value in first:
            problems.append(message(first=first[value], second=feature.number, value=value))
        first.setdefault(value, feature.number)
    return problems


def _same_code(**values):
    return _l("Features %(first)d and %(second)d have the same code %(value)s.", **values)


def _same_name(**values):
    return _l("Features %(first)d and %(second)d have the same name %(value)s.", **values)


def _overlaps(features: list[AreaFeature], shapes: list[BaseGeometry]) -> list:
    problems = []
    tree = shapely.STRtree(shapes)
    left, right = tree.query(shapes, predicate="intersects")
    for i, j in sorted(zip(left.tolist(), right.tolist(), strict=True)):
        if i >= j:
            continue
        share = shapes[i].intersection(shapes[j]).area / min(shapes[i].area, shapes[j].area)
        if share > OVERLAP_TOLERANCE:
            problems.append(
                _l(
                    "Features %(first)d (code %(first_code)s) and %(second)d (code "
                    "%(second_code)s) overlap by %(percent)s %% of the smaller area.",
                    first=features[i].number,
                    first_code=features[i].code,
                    second=features[j].number,
                    second_code=features[j].code,
                    percent=f"{share * 100:.1f}",
                )
            )
    return problems


def validate_collection(data: bytes) -> tuple[list[AreaFeature], list]:
    """Every feature that could be read, and every problem of the file (file-level ones raise)."""
    problems: list = []
    accepted: list[AreaFeature] = []
    valid: list[tuple[AreaFeature, BaseGeometry]] = []
    for number, raw in enumerate(_collection(data), start=1):
        if not isinstance(raw, dict) or raw.get("type") != "Feature":
            problems.append(_l("Feature %(number)d is not a GeoJSON Feature.", number=number))
            continue
        properties = raw.get("properties") if isinstance(raw.get("properties"), dict) else {}
        code, name = _text(properties, "code"), _text(properties, "name")
        label = _label(number, code)
        geom, shape_problems = _shape_problems(label, raw.get("geometry"))
        problems += shape_problems + _property_problems(label, code, name, properties)
        geometry = raw.get("geometry") or {}
        feature = AreaFeature(
            number,
            code,
            name,
            {"type": geometry.get("type"), "coordinates": geometry.get("coordinates")}
            if isinstance(geometry, dict)
            else {},
            _text(properties, "district") or None,
            _text(properties, "district_name") or None,
        )
        accepted.append(feature)
        if geom is not None:
            valid.append((feature, geom))
    named = [feature for feature in accepted if feature.code]
    problems += _duplicates(named, "code", _same_code)
    problems += _duplicates([f for f in accepted if f.name], "name", _same_name)
    problems += _overlaps([f for f, _g in valid], [g for _f, g in valid])
    return accepted, problems
