"""The map's geometry and classes, without HTTP: projection, rings, holes, quantile classes."""

from __future__ import annotations

import json
import math
import re

from app.monitoring import choropleth
from app.monitoring.choropleth import HIDDEN, VALUE, MapInput

LAT = 55.4


def ground_square(lon: float, lat: float, side: float = 0.01) -> dict:
    """A square on the ground: its longitude side is stretched by 1 / cos(latitude)."""
    width = side / math.cos(math.radians(lat + side / 2))
    ring = [
        [lon, lat],
        [lon + width, lat],
        [lon + width, lat + side],
        [lon, lat + side],
        [lon, lat],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def points(path: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", path)]


def test_a_square_on_the_ground_becomes_a_square_inside_the_view_box():
    square = ground_square(10.3, LAT)
    project = choropleth.projector([square])
    path = choropleth.path_of(square, project)
    assert path.startswith("M") and path.endswith("Z") and path.count("M") == 1
    xs, ys = zip(*points(path), strict=True)
    assert all(0 <= x <= choropleth.VIEW_WIDTH for x in xs)
    assert all(0 <= y <= choropleth.VIEW_HEIGHT for y in ys)
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    assert abs(width - height) / height < 0.01
    assert height == choropleth.VIEW_HEIGHT - 2 * choropleth.MARGIN  # fitted, centred
    # North is up: the first corner (south-west) lies below the third (north-east).
    first, third = points(path)[0], points(path)[2]
    assert first[1] > third[1] and first[0] < third[0]


def test_holes_and_multipolygons_are_rings_of_one_path():
    outer = [[10.0, 55.0], [10.1, 55.0], [10.1, 55.1], [10.0, 55.1], [10.0, 55.0]]
    hole = [[10.02, 55.02], [10.02, 55.05], [10.05, 55.05], [10.05, 55.02], [10.02, 55.02]]
    island = [[10.2, 55.0], [10.25, 55.0], [10.25, 55.05], [10.2, 55.0]]
    shape = {"type": "MultiPolygon", "coordinates": [[outer, hole], [island]]}
    project = choropleth.projector([shape])
    assert choropleth.path_of(shape, project).count("M") == 3
    assert choropleth.path_of({"type": "Point", "coordinates": [10, 55]}, project) == ""


def test_quantile_breaks_are_rounded_increasing_and_at_most_four():
    values = [0.0, 8.1, 11.6, 20.5, 30.2, 45.7, 47.3, 51.0]
    breaks = choropleth.quantile_breaks(values)
    assert 1 <= len(breaks) <= 4 and breaks == sorted(set(breaks))
    assert all(len(f"{b:g}".replace(".", "").lstrip("0")) <= 2 for b in breaks)
    assert choropleth.quantile_breaks([7, 7, 7]) == []
    assert choropleth.quantile_breaks([0.125]) == []
    assert choropleth.quantile_breaks(list(range(100)), integer=True) == [20.0, 40.0, 59.0, 79.0]
    assert [choropleth.class_index(v, [10, 20]) for v in (0, 10, 10.5, 20, 99)] == [1, 1, 2, 2, 3]


def test_hidden_areas_get_one_class_and_no_text_and_shapes_come_in_code_order():
    shape = json.dumps(ground_square(10.3, LAT))
    units = [
        MapInput("b2", "B", shape, VALUE, 40.0, "40"),
        MapInput("a1", "A", shape, HIDDEN, None, "should never be drawn"),
        MapInput("c3", "C", shape, VALUE, 10.0, "10"),
        MapInput("d4", "D", None, VALUE, 5.0, "5"),  # no boundary: in the table only
    ]
    drawn = choropleth.build_map(units)
    assert [s.code for s in drawn.shapes] == ["a1", "b2", "c3"]
    hidden = drawn.shapes[0]
    assert hidden.css_class == "map-hidden" and hidden.text == ""
    assert {s.css_class for s in drawn.shapes[1:]} <= {f"map-class-{n}" for n in range(1, 6)}
    assert drawn.view_box == "0 0 800 600"


def test_legend_ranges_follow_the_breaks():
    def fmt(value):
        return f"{value:g}"

    assert choropleth.legend_ranges([10, 20], 30, fmt) == [
        ("map-class-1", "≤ 10"),
        ("map-class-2", "10 – 20"),
        ("map-class-3", "> 20"),
    ]
    assert choropleth.legend_ranges([], 7, fmt) == [("map-class-1", "≤ 7")]
    assert choropleth.legend_ranges([], None, fmt) == []
