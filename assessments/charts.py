"""Line charts as plain numbers for a server-rendered SVG: no chart library, readable on screen and in print."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 36


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    label: str
    date: str


@dataclass(frozen=True)
class ChartLine:
    name: str
    css_class: str
    points: tuple[ChartPoint, ...]

    @property
    def polyline(self) -> str:
        return " ".join(f"{point.x:.1f},{point.y:.1f}" for point in self.points)


@dataclass(frozen=True)
class Chart:
    title: str
    y_label: str
    lines: tuple[ChartLine, ...]
    y_ticks: tuple[tuple[float, str], ...]  # (pixel y, label)
    x_ticks: tuple[tuple[float, str], ...]
    band: tuple[float, float] | None  # pixel top and height of the first value +/- the minimal important change
    band_label: str
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def plot_left(self) -> int:
        return LEFT

    @property
    def plot_right(self) -> int:
        return self.width - RIGHT

    @property
    def plot_bottom(self) -> int:
        return self.height - BOTTOM

    @property
    def plot_width(self) -> int:
        return self.width - LEFT - RIGHT


def line_chart(
    *,
    title: str,
    y_label: str,
    series: Sequence[tuple[str, str, Sequence[Any]]],  # (name, css class, points with .at .value .label)
    y_min: float,
    y_max: float,
    mcid: float | None = None,
    mcid_of: int = 0,
) -> Chart:
    """Scale the points into the plot area; mark the band of +/- `mcid` around the first value of series `mcid_of`."""
    moments = sorted({point.at for _, _, points in series for point in points})
    span = (moments[-1] - moments[0]).total_seconds() if len(moments) > 1 else 0

    def x_of(moment: datetime) -> float:
        if not span:
            return (LEFT + WIDTH - RIGHT) / 2
        return LEFT + (moment - moments[0]).total_seconds() / span * (WIDTH - LEFT - RIGHT)

    def y_of(value: float) -> float:
        clamped = max(y_min, min(y_max, value))
        return HEIGHT - BOTTOM - (clamped - y_min) / (y_max - y_min) * (HEIGHT - TOP - BOTTOM)

    lines = tuple(
        ChartLine(
            name,
            css_class,
            tuple(ChartPoint(x_of(p.at), y_of(p.value), p.label, f"{p.at:%Y-%m-%d}") for p in points),
        )
        for name, css_class, points in series
    )
    step = _nice_step(y_max - y_min)
    ticks = []
    value = y_min
    while value <= y_max + 1e-9:
        ticks.append((y_of(value), f"{value:g}"))
        value += step
    x_ticks = tuple((x_of(moment), f"{moment:%d %b}") for moment in moments[:: max(1, len(moments) // 6)])
    band = None
    band_label = ""
    reference = series[mcid_of][2] if series and len(series) > mcid_of else []
    if mcid and reference:
        first = reference[0].value
        top, bottom = y_of(first + mcid), y_of(first - mcid)  # y_of clamps into the plot area
        band = (top, bottom - top)
        band_label = f"Within ±{mcid:g} of the first value: no clinically important change yet"
    return Chart(title, y_label, lines, tuple(ticks), x_ticks, band, band_label)


def _nice_step(span: float) -> float:
    for step in (1, 2, 5, 10, 20, 25, 50):
        if span / step <= 6:
            return float(step)
    return span / 5
