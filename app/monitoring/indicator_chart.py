"""A line chart of an indicator over time, as numbers for a server-side SVG (no JavaScript).

Only shown figures are drawn: a hidden or missing period breaks the line, so nothing in the
SVG (points, attributes, titles) carries a value a board may not see.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from app.monitoring.indicators import IndicatorFigure

WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 16, 40
# Colour and dash together, so lines stay apart in grey print and for colour-blind readers.
STYLES = [
    ("#004d99", ""),
    ("#b51d09", "8 4"),
    ("#2e7d32", "2 4"),
    ("#6a3d9a", "10 4 2 4"),
    ("#8a5a00", "4 4"),
    ("#333333", "1 3"),
]
MAX_LINES = len(STYLES)


@dataclass
class ChartLine:
    code: str
    name: str
    colour: str
    dash: str
    segments: list[str] = field(default_factory=list)  # "x,y x,y ..." per unbroken run
    points: list[tuple[float, float, str]] = field(default_factory=list)  # x, y, title


@dataclass
class Chart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    lines: list[ChartLine]


def nice_ceiling(value: float) -> float:
    """The top of the axis: 1, 2, 2.5 or 5 times a power of ten, at or above value."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover


def build_chart(
    periods: list[str],
    series: dict[str, list[tuple[str, IndicatorFigure]]],
    names: dict[str, str],
    codes: list[str],
    formatter: Callable[[float], str],
) -> Chart:
    plot_right, plot_bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    shown = [f.value for code in codes for _p, f in series.get(code, []) if f.shown]
    top = nice_ceiling(max(shown, default=0.0))
    span = max(len(periods) - 1, 1)

    def x_of(index: int) -> float:
        offset = (plot_right - LEFT) * (index / span if len(periods) > 1 else 0.5)
        return round(LEFT + offset, 1)

    def y_of(value: float) -> float:
        return round(plot_bottom - (plot_bottom - TOP) * value / top, 1)

    lines = []
    for number, code in enumerate(codes[:MAX_LINES]):
        colour, dash = STYLES[number]
        line = ChartLine(code, names.get(code, code), colour, dash)
        by_period, run = dict(series.get(code, [])), []
        for index, label in enumerate(periods):
            figure = by_period.get(label)
            if figure is None or not figure.shown:
                if run:
                    line.segments.append(" ".join(run))
                run = []
                continue
            x, y = x_of(index), y_of(figure.value)
            run.append(f"{x},{y}")
            line.points.append((x, y, f"{line.name}, {label}: {formatter(figure.value)}"))
        if run:
            line.segments.append(" ".join(run))
        lines.append(line)
    y_ticks = [(y_of(top * step / 5), formatter(top * step / 5)) for step in range(6)]
    x_ticks = [(x_of(index), label) for index, label in enumerate(periods)]
    return Chart(WIDTH, HEIGHT, LEFT, plot_right, TOP, plot_bottom, x_ticks, y_ticks, lines)
