"""A choropleth map of published area figures, drawn server-side as SVG.

Boundaries never go to a map service and the page needs no JavaScript. The projection is
equirectangular with longitudes scaled by cos(mean latitude), which is close enough for a
municipality. Side channels (security battery SB-D1.6): a shape's class, title and order
depend only on what is published; every hidden figure gets the one hatch class, and shapes
are drawn by code, never by value.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

VIEW_WIDTH = 800
VIEW_HEIGHT = 600
MARGIN = 10
CLASS_COUNT = 5

VALUE = "value"
HIDDEN = "hidden"  # suppressed or hidden to protect another figure
NO_RATE = "no_rate"  # the count is shown but the denominator is under k
NO_DATA = "no_data"  # nothing published for this layer (an indicator without a value)

STATE_CLASSES = {HIDDEN: "map-hidden", NO_RATE: "map-norate", NO_DATA: "map-nodata"}

Point = tuple[float, float]
Projector = Callable[[float, float], Point]


@dataclass(frozen=True)
class MapInput:
    """One area unit as the map needs it: shape, name and what it shows (never a hidden value)."""

    code: str
    name: str
    geometry: str | None
    state: str
    value: float | None = None
    text: str = ""  # the formatted shown value; empty unless state is VALUE
    href: str | None = None


@dataclass(frozen=True)
class MapShape:
    code: str
    name: str
    path: str
    css_class: str
    text: str
    href: str | None


@dataclass(frozen=True)
class ChoroplethMap:
    shapes: list[MapShape]
    breaks: list[float]  # upper bounds of every class but the last
    width: int = VIEW_WIDTH
    height: int = VIEW_HEIGHT

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def polygons_of(geometry: dict) -> list[list[list[Point]]]:
    """Polygons (each a list of rings of (lon, lat)) of a Polygon or MultiPolygon."""
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates") or []
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else []
    return [
        [[(float(p[0]), float(p[1])) for p in ring] for ring in polygon] for polygon in polygons
    ]


def parse_geometry(text: str | None) -> dict | None:
    if not text:
        return None
    try:
        geometry = json.loads(text)
    except ValueError:
        return None
    return geometry if isinstance(geometry, dict) else None


def projector(geometries: Sequence[dict], width: int = VIEW_WIDTH, height: int = VIEW_HEIGHT):
    """A function mapping (lon, lat) into the view box, fitted to all geometries and centred."""
    points = [p for g in geometries for polygon in polygons_of(g) for ring in polygon for p in ring]
    if not points:
        return None
    min_lon, max_lon = min(p[0] for p in points), max(p[0] for p in points)
    min_lat, max_lat = min(p[1] for p in points), max(p[1] for p in points)
    stretch = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_lon - min_lon) * stretch, 1e-9)
    span_y = max(max_lat - min_lat, 1e-9)
    scale = min((width - 2 * MARGIN) / span_x, (height - 2 * MARGIN) / span_y)
    offset_x = (width - span_x * scale) / 2
    offset_y = (height - span_y * scale) / 2

    def project(lon: float, lat: float) -> Point:
        return (
            offset_x + (lon - min_lon) * stretch * scale,
            offset_y + (max_lat - lat) * scale,  # north up: SVG's y grows downwards
        )

    return project


def path_of(geometry: dict, project: Projector) -> str:
    """SVG path data: every ring of every polygon; holes cut out by fill-rule evenodd."""
    parts = []
    for polygon in polygons_of(geometry):
        for ring in polygon:
            if len(ring) < 3:
                continue
            points = [project(lon, lat) for lon, lat in ring]
            head, *tail = (f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append("M" + head + "L" + " ".join(tail) + "Z")
    return "".join(parts)


def nice_round(value: float, integer: bool = False) -> float:
    """Two significant digits (whole numbers for counts): legends should be read at a glance."""
    if integer:
        return float(round(value))
    if value == 0:
        return 0.0
    digits = 1 - int(math.floor(math.log10(abs(value))))
    return round(value, digits)


def quantile_breaks(values: Sequence[float], classes: int = CLASS_COUNT, integer: bool = False):
    """Upper bounds of the lower classes at the quantiles of the shown values, rounded.

    Fewer classes when the values are few or alike: equal rounded breaks are merged.
    """
    ordered = sorted(values)
    if not ordered:
        return []
    breaks: list[float] = []
    for step in range(1, classes):
        position = step * (len(ordered) - 1) / classes
        low = ordered[int(math.floor(position))]
        high = ordered[int(math.ceil(position))]
        candidate = nice_round(low + (high - low) * (position - math.floor(position)), integer)
        if ordered[0] <= candidate < ordered[-1] and (not breaks or candidate > breaks[-1]):
            breaks.append(candidate)
    return breaks


def class_index(value: float, breaks: Sequence[float]) -> int:
    """1-based class: the first class whose upper bound the value does not exceed."""
    for index, bound in enumerate(breaks, start=1):
        if value <= bound:
            return index
    return len(breaks) + 1


def build_map(units: Sequence[MapInput], integer: bool = False) -> ChoroplethMap:
    """Shapes in code order, classed by the quantiles of the shown values only."""
    parsed = {unit.code: parse_geometry(unit.geometry) for unit in units}
    project = projector([g for g in parsed.values() if g])
    breaks = quantile_breaks(
        [u.value for u in units if u.state == VALUE and u.value is not None], integer=integer
    )
    shapes = []
    for unit in sorted(units, key=lambda u: u.code):
        geometry = parsed[unit.code]
        if geometry is None or project is None:
            continue
        if unit.state == VALUE and unit.value is not None:
            css_class, text = f"map-class-{class_index(unit.value, breaks)}", unit.text
        else:
            css_class, text = STATE_CLASSES.get(unit.state, "map-hidden"), ""
        shapes.append(
            MapShape(unit.code, unit.name, path_of(geometry, project), css_class, text, unit.href)
        )
    return ChoroplethMap(shapes, breaks)


def legend_ranges(
    breaks: Sequence[float], highest: float | None, fmt: Callable[[float], str]
) -> list[tuple[str, str]]:
    """(css class, range text) for each class: "≤ a", "a – b", …, "> z"."""
    if not breaks:
        return [] if highest is None else [("map-class-1", f"≤ {fmt(highest)}")]
    entries = [("map-class-1", f"≤ {fmt(breaks[0])}")]
    for index in range(1, len(breaks)):
        entries.append(
            (f"map-class-{index + 1}", f"{fmt(breaks[index - 1])} – {fmt(breaks[index])}")
        )
    entries.append((f"map-class-{len(breaks) + 1}", f"> {fmt(breaks[-1])}"))
    return entries
