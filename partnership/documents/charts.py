"""Charts for pages and documents: drawn by matplotlib as inert, accessible SVG, with a table.

A :class:`Chart` (the dataclass, or the dict a published
snapshot holds) is drawn as a vector picture whose text stays text: ``svg.fonttype`` is
"none", so labels are real characters in the page and in the PDF. The drawing is made
deterministic (a fixed ``svg.hashsalt``, no date, ids renumbered) so a report renders the
same bytes every time. Colour is never the only cue: series differ in pattern, marker and
line style too, bars carry their values, and every chart is followed by its data as a table
(:func:`chart_table`), which is the text equivalent on screen and in the PDF's structure.

matplotlib writes its styling as ``style`` attributes and one ``<style>`` element; the
sanitiser turns the allowed properties into presentation attributes, drops everything an
SVG picture does not need (scripts, metadata, titles, links, event handlers, styles) and
expands ``<use>`` into copies of what it points at, so nothing in the result refers outside
the picture.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import io
import json
import math
import re
import textwrap
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup
from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, MultipleLocator

NAN = float("nan")
MISSING = "Not available"  # a period without a figure, in a chart's table
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)


@dataclass(frozen=True)
class Chart:
    """A chart's data; the drawing (SVG) and its text equivalent (a table) are made from it.

    ``values[i][j]`` is series ``i`` at category ``j``. ``kind`` is "stacked_bar",
    "bar" or "line". ``reference`` draws a labelled line (e.g. the 15 working-day limit).
    ``graded``: the series are the grades of a scale, best first, and are coloured from
    green (best) to red (worst) whatever their words.
    """

    key: str
    title: str
    summary: str  # one or two sentences a screen reader hears instead of the picture
    kind: str
    categories: list[str]
    series: list[str]
    values: list[list[float]]
    unit: str
    reference: float | None = None
    reference_label: str = ""
    graded: bool = False


@dataclass(frozen=True)
class TrendChart(Chart):
    """A line chart over periods that may lack a figure (``None``: the line breaks there and
    the table says so), with an optional shaded band (a tolerance band: ``band_low`` to
    ``band_high``, either open) and the table's heading over the periods (``corner``)."""

    values: list[list[float | None]]  # type: ignore[assignment]
    gaps: bool = True
    band_low: float | None = None
    band_high: float | None = None
    band_label: str = ""
    corner: str = ""


FONT = ["Arial", "Liberation Sans", "DejaVu Sans"]
TEXT = "#0b0c0c"
SECONDARY = "#505a5f"
GRID = "#b1b4b6"
WIDTH_INCHES = 6.6  # an A4 page's text width is about 6.8 inches
WRAP_AT = 30
BARS_PER_DRAWING = 22  # at 0.3 inches a bar, a drawing this tall still fits an A4 page
RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "partnership-yearly-report",
    "svg.id": "",
    "font.family": "sans-serif",
    "font.sans-serif": FONT,
    "font.size": 9.0,
    "text.color": TEXT,
    "axes.edgecolor": SECONDARY,
    "axes.labelcolor": TEXT,
    "axes.titlesize": 10.0,
    "xtick.color": SECONDARY,
    "ytick.color": SECONDARY,
    "xtick.labelcolor": TEXT,
    "ytick.labelcolor": TEXT,
    "hatch.linewidth": 0.7,
    "legend.frameon": False,
    "legend.fontsize": 8.5,
    "path.simplify": False,
}


@dataclass(frozen=True)
class Style:
    """How one series is drawn: fill, the text colour that reads on it, pattern, marker."""

    fill: str
    ink: str  # text on the fill: white on dark colours, black on light ones (4.5:1 or more)
    hatch: str
    hatch_colour: str
    marker: str
    line: str


# GOV.UK colours. Each fill carries its label in the ink given (contrast 4.5:1 or more), and
# each has a dark outline so the shape stands out against white (3:1 for graphics).
PALETTE = (
    ("#1d70b8", "#ffffff"),  # blue
    ("#f47738", TEXT),  # orange
    ("#00703c", "#ffffff"),  # green
    ("#4c2c92", "#ffffff"),  # purple
    ("#b1b4b6", TEXT),  # mid grey
    ("#d4351c", "#ffffff"),  # red
    ("#28a197", TEXT),  # turquoise
    ("#003078", "#ffffff"),  # dark blue
)
# Ratings keep the colours the tracker uses for them.
NAMED_COLOURS = {
    "red": ("#d4351c", "#ffffff"),
    "amber": ("#f47738", TEXT),
    "green": ("#00703c", "#ffffff"),
    "complete": ("#1d70b8", "#ffffff"),
    "not judged": ("#b1b4b6", TEXT),
    "closed": ("#505a5f", "#ffffff"),
}
# Lines are thinner than bars: the light fills are darkened to keep 3:1 against white.
LINE_COLOURS = {"#b1b4b6": "#505a5f", "#f47738": "#b54b0a", "#28a197": "#1a6b64"}
HATCHES = ("", "///", "...", "xx", "\\\\\\", "--", "oo", "||")
# Ratings keep their own patterns, whatever order the series come in.
NAMED_HATCHES = {"complete": "", "green": "///", "amber": "...", "red": "xx",
                 "not judged": "\\\\\\", "closed": "--"}
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
LINES = ("-", "--", ":", "-.")

# What the sanitiser keeps.
KEPT_ELEMENTS = frozenset({"svg", "g", "defs", "path", "rect", "circle", "ellipse", "line",
                           "polyline", "polygon", "text", "tspan", "clipPath", "pattern"})
KEPT_ATTRIBUTES = frozenset({
    "d", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "width", "height",
    "points", "transform", "viewBox", "version", "patternUnits", "clip-path",
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
    "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray",
    "stroke-dashoffset", "opacity", "clip-rule", "font-size", "font-family", "font-weight",
    "font-style", "text-anchor", "dominant-baseline", "letter-spacing", "id",
})
STYLE_PROPERTIES = KEPT_ATTRIBUTES - {"d", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r",
                                      "rx", "ry", "width", "height", "points", "transform",
                                      "viewBox", "version", "patternUnits", "id"}
SAFE_VALUE = re.compile(r"^[\w\s#.,'%()+-]*$")
LOCAL_URL = re.compile(r"^url\(#([\w-]+)\)$")


@dataclass(frozen=True)
class ChartTable:
    """A chart's data as a table: one row per category, one column per series."""

    caption: str
    corner: str  # the heading over the categories
    columns: list[str]
    rows: list[tuple[str, list[str]]]
    note: str  # e.g. what the reference line marks, or ""


def _get(chart: Chart | Mapping[str, Any], name: str, default: Any = None) -> Any:
    if isinstance(chart, Mapping):
        return chart.get(name, default)
    return getattr(chart, name, default)


def format_value(value: float, unit: str = "") -> str:
    """Show a value as the table and the labels do: whole numbers without decimals."""
    number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{number}%" if unit == "%" else number


# A scale's grades, best to worst: green, the colours between in order, red.
BEST, WORST = NAMED_COLOURS["green"], NAMED_COLOURS["red"]
BETWEEN = (("#28a197", TEXT), NAMED_COLOURS["amber"], ("#4c2c92", "#ffffff"))
UNGRADED = ("not graded", "not answered", "no grade")


def graded_colours(count: int) -> list[tuple[str, str]]:
    """Colours for ``count`` grades, best first: green first and red last (amber between
    the two of a three-grade scale)."""
    if count <= 2:
        return [BEST, WORST][:count] if count else []
    between = [NAMED_COLOURS["amber"]] if count == 3 else list(BETWEEN)
    between += [colour for colour in PALETTE if colour not in (BEST, WORST, *between)]
    return [BEST, *between[:count - 2], WORST]


def styles(series: Sequence[str], graded: bool = False) -> list[Style]:
    """Return how each series is drawn, named ratings in their own colours (a scale's grades
    from green to red)."""
    result = []
    palette = iter(PALETTE * 2)
    grades = [name for name in series if name.strip().lower() not in UNGRADED]
    ladder = dict(zip(grades, graded_colours(len(grades)), strict=True)) if graded else {}
    for index, name in enumerate(series):
        fill, ink = (ladder.get(name) or NAMED_COLOURS.get(name.strip().lower())
                     or (NAMED_COLOURS["not judged"] if graded else None) or next(palette))
        hatch_colour = "#ffffff" if ink == "#ffffff" else TEXT
        hatch = NAMED_HATCHES.get(name.strip().lower(), HATCHES[index % len(HATCHES)])
        result.append(Style(fill, ink, hatch, hatch_colour,
                            MARKERS[index % len(MARKERS)], LINES[index % len(LINES)]))
    return result


def _wrap(label: str) -> str:
    lines = textwrap.wrap(label, WRAP_AT) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), WRAP_AT, placeholder="…")]
    return "\n".join(lines)


def _unit_label(unit: str) -> str:
    if unit == "%":
        return "Per cent"
    return unit[:1].upper() + unit[1:]


def _values(chart: Chart | Mapping[str, Any]) -> list[list[float]]:
    categories = _get(chart, "categories") or []
    rows = _get(chart, "values") or []
    if _get(chart, "gaps", False):  # a missing figure stays missing (NaN breaks a line)
        return [[NAN if v is None else float(v)
                 for v in (list(row) + [None] * len(categories))[:len(categories)]]
                for row in rows]
    return [[float(v or 0) for v in (list(row) + [0] * len(categories))[:len(categories)]]
            for row in rows]


def _largest(chart: Chart | Mapping[str, Any], values: list[list[float]]) -> float:
    return max([v for row in values for v in row if not math.isnan(v)]
               + [_get(chart, "reference") or 0, _get(chart, "band_high") or 0,
                  _get(chart, "band_low") or 0]) or 1


def _figure(height: float) -> Figure:
    return Figure(figsize=(WIDTH_INCHES, height), layout="constrained", facecolor="#ffffff")


def _tidy(ax: Any, value_axis: str) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis=value_axis, color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.tick_params(length=3, width=0.6)


def _legend(figure: Figure, ax: Any, series: Sequence[str]) -> None:
    if len(series) > 1:
        # One row when the names fit across the page, else rows of three.
        columns = len(series) if sum(len(s) + 6 for s in series) <= 90 else 3
        figure.legend(*ax.get_legend_handles_labels(), loc="outside upper left",
                      ncols=columns, handlelength=2.2, handleheight=1.1,
                      columnspacing=1.4, alignment="left")


def _whole_numbers(axis: Any, values: list[list[float]], unit: str) -> None:
    if unit == "%":
        axis.set_major_locator(MultipleLocator(20 if max(axis.get_view_interval()) > 40 else 10))
    elif all(float(v).is_integer() for row in values for v in row):
        axis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))


def _reference(ax: Any, chart: Chart | Mapping[str, Any], *, vertical: bool) -> None:
    reference = _get(chart, "reference")
    if reference is None:
        return
    label = _get(chart, "reference_label") or format_value(reference, _get(chart, "unit", ""))
    line = {"color": TEXT, "linewidth": 1.2, "linestyle": (0, (5, 3)), "zorder": 4}
    text = {"fontsize": 8.5, "fontweight": "bold", "color": TEXT, "annotation_clip": False,
            "textcoords": "offset points"}
    if vertical:
        ax.axvline(reference, **line)
        low, high = ax.get_xlim()
        right = (reference - low) / ((high - low) or 1) > 0.6  # label to the left of the line
        ax.annotate(label, xy=(reference, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(-4 if right else 4, 3), ha="right" if right else "left",
                    va="bottom", **text)
    else:
        ax.axhline(reference, **line)
        ax.annotate(label, xy=(0.0, reference), xycoords=("axes fraction", "data"),
                    xytext=(4, 3), ha="left", va="bottom", **text)


def _bar_height(categories: int, series: int, grouped: bool) -> float:
    per = 0.32 * (series if grouped and series > 1 else 1)
    legend = 0.35 if series > 1 else 0.0
    return max(2.0, 0.95 + legend + per * categories)


def _draw_stacked(chart: Chart | Mapping[str, Any]) -> Figure:
    categories = list(_get(chart, "categories") or [])
    series = list(_get(chart, "series") or [])
    values = _values(chart)
    unit = _get(chart, "unit", "")
    figure = _figure(_bar_height(len(categories), len(series), grouped=False))
    ax = figure.add_subplot()
    positions = list(range(len(categories)))
    totals = [sum(column) for column in zip(*values, strict=True)] if values else []
    largest = _get(chart, "scale_max") or max(totals, default=0) or 1
    left = [0.0] * len(categories)
    drawn_as = styles(series, bool(_get(chart, "graded", False)))
    for name, row, style in zip(series, values, drawn_as, strict=False):
        bars = ax.barh(positions, row, left=left, height=0.62, color=style.fill,
                       edgecolor=TEXT, linewidth=0.6, hatch=style.hatch or None,
                       hatchcolor=style.hatch_colour, label=name, zorder=3)
        for bar, value in zip(bars, row, strict=True):
            if value and value / largest >= 0.045:
                ax.text(bar.get_x() + bar.get_width() / 2, bar.get_y() + bar.get_height() / 2,
                        format_value(value, unit), ha="center", va="center", fontsize=8,
                        color=style.ink, zorder=5,
                        bbox={"boxstyle": "square,pad=0.3", "facecolor": style.fill,
                              "edgecolor": "none"})
        left = [a + b for a, b in zip(left, row, strict=True)]
    for position, total in zip(positions, totals, strict=True):
        ax.text(total + largest * 0.01, position, format_value(total, unit), ha="left",
                va="center", fontsize=8.5, fontweight="bold", color=TEXT)
    ax.set_yticks(positions, [_wrap(c) for c in categories])
    ax.invert_yaxis()
    ax.set_xlim(0, largest * 1.08)
    ax.set_xlabel(_unit_label(unit))
    _whole_numbers(ax.xaxis, values, unit)
    _tidy(ax, "x")
    _reference(ax, chart, vertical=True)
    _legend(figure, ax, series)
    return figure


def _draw_bars(chart: Chart | Mapping[str, Any]) -> Figure:
    categories = list(_get(chart, "categories") or [])
    series = list(_get(chart, "series") or [])
    values = _values(chart)
    unit = _get(chart, "unit", "")
    figure = _figure(_bar_height(len(categories), len(series), grouped=True))
    ax = figure.add_subplot()
    count = max(len(series), 1)
    height = 0.72 / count
    largest = _get(chart, "scale_max") or _largest(chart, values)
    drawn_as = styles(series, bool(_get(chart, "graded", False)))
    for index, (name, row, style) in enumerate(zip(series, values, drawn_as, strict=False)):
        offset = (index - (count - 1) / 2) * height
        positions = [p + offset for p in range(len(categories))]
        ax.barh(positions, row, height=height * 0.92, color=style.fill, edgecolor=TEXT,
                linewidth=0.6, hatch=style.hatch or None, hatchcolor=style.hatch_colour,
                label=name, zorder=3)
        for position, value in zip(positions, row, strict=True):
            ax.text(value + largest * 0.01, position, format_value(value, unit), ha="left",
                    va="center", fontsize=8, color=TEXT, zorder=5)
    ax.set_yticks(range(len(categories)), [_wrap(c) for c in categories])
    ax.invert_yaxis()
    ax.set_xlim(0, max(largest, 100 if unit == "%" else 0) * 1.1)
    ax.set_xlabel(_unit_label(unit))
    _whole_numbers(ax.xaxis, values, unit)
    _tidy(ax, "x")
    _reference(ax, chart, vertical=True)
    _legend(figure, ax, series)
    return figure


def _draw_lines(chart: Chart | Mapping[str, Any]) -> Figure:
    categories = list(_get(chart, "categories") or [])
    series = list(_get(chart, "series") or [])
    values = _values(chart)
    unit = _get(chart, "unit", "")
    figure = _figure(3.3 if len(series) > 1 else 3.0)
    ax = figure.add_subplot()
    positions = list(range(len(categories)))
    ends: list[tuple[float, str]] = []
    drawn_as = styles(series, bool(_get(chart, "graded", False)))
    for name, row, style in zip(series, values, drawn_as, strict=False):
        colour = LINE_COLOURS.get(style.fill, style.fill)
        ax.plot(positions, row, color=colour, linewidth=2, linestyle=style.line,
                marker=style.marker, markersize=5.5, markerfacecolor=colour,
                markeredgecolor="#ffffff", markeredgewidth=0.8, label=name, zorder=3)
        known = [(index, value) for index, value in enumerate(row) if not math.isnan(value)]
        if known:
            last, end = known[-1]
            value = format_value(end, unit)
            ends.append((end, last, f"{name} {value}" if len(series) > 1 else value))
    largest = _largest(chart, values)
    # Each line is named at its end; labels that would overlap are moved apart. A line that
    # stops before the last period (a benchmark published for one year) is named where it
    # stops.
    gap, stacked = largest * 0.075, defaultdict(list)
    for value, last, text in sorted(ends):
        placed = stacked[last]
        y = max(value, placed[-1] + gap) if placed else value
        placed.append(y)
        ax.annotate(text, xy=(last, value), xytext=(last + (0.25 if last == positions[-1]
                                                            else 0.15), y),
                    textcoords="data", va="center", fontsize=8, color=TEXT)
    placed = [y for ys in stacked.values() for y in ys]
    ax.set_xticks(positions, categories)
    step = max(1, -(-len(categories) // 24))
    crowded = sum(len(c) + 2 for c in categories[::step]) > 80
    for index, label in enumerate(ax.get_xticklabels()):
        label.set_visible(index % step == 0)
        if crowded:  # slanted, so "Apr 2025", "May 2025"... do not run into each other
            label.set_rotation(35)
            label.set_horizontalalignment("right")
            label.set_rotation_mode("anchor")
    ax.set_ylim(0, max(largest * 1.12, (max(placed) if placed else 0) + gap))
    label_room = max((len(text) for _, last, text in ends if last == positions[-1]),
                     default=0) * 0.14 * len(categories) / 12
    ax.set_xlim(-0.3, max(len(categories) - 1, 1) + 0.4 + label_room)
    ax.set_ylabel(_unit_label(unit))
    _whole_numbers(ax.yaxis, values, unit)
    _tidy(ax, "y")
    _reference(ax, chart, vertical=False)
    band = _band(ax, chart)
    _legend(figure, ax, [*series, band] if band else series)
    return figure


def _band(ax: Any, chart: Chart | Mapping[str, Any]) -> str:
    """Shade the band (a tolerance band) behind the lines; return its legend label."""
    low, high = _get(chart, "band_low"), _get(chart, "band_high")
    if low is None and high is None:
        return ""
    bottom, top = ax.get_ylim()
    label = _get(chart, "band_label") or "Band"
    ax.axhspan(bottom if low is None else low, top if high is None else high,
               facecolor="#e3efe8", edgecolor="#85b89c", hatch=".", linewidth=0.6,
               label=label, zorder=1)
    ax.set_ylim(bottom, top)
    return str(label)


DRAWERS = {"stacked_bar": _draw_stacked, "bar": _draw_bars, "line": _draw_lines}


def chart_label(chart: Chart | Mapping[str, Any]) -> str:
    """Return what a screen reader hears for the chart: its title, then its summary."""
    title = (_get(chart, "title") or "").strip()
    summary = (_get(chart, "summary") or "").strip()
    if title and summary:
        return f"{title}{'' if title.endswith(('.', '?', '!')) else '.'} {summary}"
    return title or summary


def chart_svg(chart: Chart | Mapping[str, Any], label: str = "") -> str:
    """Draw a chart as an inert SVG element (a string), labelled for screen readers."""
    kind = _get(chart, "kind", "bar")
    drawer = DRAWERS.get(kind)
    if drawer is None:
        raise ValueError(f"unknown chart kind {kind!r}")
    with rc_context(RC):
        figure = drawer(chart)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    prefix = re.sub(r"[^\w-]", "-", str(_get(chart, "key") or "chart"))
    return clean_svg(buffer.getvalue(), label or chart_label(chart), prefix)


def chart_svgs(chart: Chart | Mapping[str, Any]) -> list[str]:
    """Draw a chart as one SVG, or a bar chart with many bars as several on one scale.

    A bar chart of 45 agencies drawn as one picture would have to shrink to fit an A4 page
    and its labels would be too small to read; drawn in parts of at most
    :data:`BARS_PER_DRAWING` bars, each part fits a page at full size.
    """
    data = dataclasses.asdict(chart) if isinstance(chart, Chart) else dict(chart)
    categories = list(data.get("categories") or [])
    if data.get("kind") not in ("bar", "stacked_bar") or len(categories) <= BARS_PER_DRAWING:
        return [chart_svg(data)]
    values = _values(data)
    if data.get("kind") == "stacked_bar":
        scale = max((sum(column) for column in zip(*values, strict=True)), default=0)
    else:
        scale = _largest(data, values)
    parts = -(-len(categories) // BARS_PER_DRAWING)
    size = -(-len(categories) // parts)
    drawings = []
    for number, first in enumerate(range(0, len(categories), size), start=1):
        piece = {**data, "categories": categories[first:first + size],
                 "values": [row[first:first + size] for row in values],
                 "scale_max": scale or 1, "key": f"{data.get('key') or 'chart'}-{number}"}
        label = chart_label(data) if number == 1 else (
            f"{data.get('title') or 'Chart'} (continued, part {number} of {parts})")
        drawings.append(chart_svg(piece, label))
    return drawings


def chart_table(chart: Chart | Mapping[str, Any]) -> ChartTable:
    """Return a chart's data as a table (its text equivalent)."""
    categories = list(_get(chart, "categories") or [])
    series = list(_get(chart, "series") or [])
    unit = _get(chart, "unit", "")
    values = _values(chart)
    stacked = _get(chart, "kind") == "stacked_bar" and len(series) > 1
    columns = list(series) + (["Total"] if stacked else [])
    rows = []
    for index, category in enumerate(categories):
        cells = [MISSING if math.isnan(row[index]) else format_value(row[index], unit)
                 for row in values]
        if stacked:
            cells.append(format_value(sum(row[index] for row in values), unit))
        rows.append((category, cells))
    note = ""
    reference = _get(chart, "reference")
    if reference is not None:
        label = _get(chart, "reference_label") or "the reference value"
        number = format_value(reference, unit)
        shown = number + ("" if unit in ("%", "") else f" {unit}")
        marks = label[:1].lower() + label[1:]
        note = (f"The dashed line marks {marks}." if number in label
                else f"The dashed line marks {marks} ({shown}).")
    band = _get(chart, "band_label")
    if band and (_get(chart, "band_low") is not None or _get(chart, "band_high") is not None):
        note = " ".join(part for part in (note, f"The shaded area is the {band[:1].lower()}"
                                                f"{band[1:]}.") if part)
    corner = _get(chart, "corner") or ("Month" if _get(chart, "kind") == "line" else "")
    caption = f"{_get(chart, 'title') or 'Chart'}: the figures"
    if unit and unit != "%":
        caption += f" ({unit})"
    return ChartTable(caption, corner, columns, rows, note)


# --- sanitising ---------------------------------------------------------------------------


def clean_svg(svg: str, label: str, prefix: str = "chart") -> str:
    """Keep matplotlib's drawing and nothing active; label it; make its ids unique."""
    body = svg[svg.index("<svg"):]
    root = ET.fromstring(body)  # noqa: S314  # nosec B314 - our own matplotlib output
    targets = {element.get("id"): element for element in root.iter() if element.get("id")}
    _expand_uses(root, targets)
    _strip(root)
    renamed: dict[str, str] = {}
    for element in root.iter():
        _clean_attributes(element)
    referenced = _referenced_ids(root)
    for element in root.iter():
        old = element.attrib.pop("id", None)
        if old is not None and old in referenced:
            renamed[old] = f"{prefix}-{len(renamed) + 1}"
            element.set("id", renamed[old])
    for element in root.iter():
        for name, value in list(element.attrib.items()):
            match = LOCAL_URL.match(value)
            if match:
                if match[1] in renamed:
                    element.set(name, f"url(#{renamed[match[1]]})")
                else:
                    del element.attrib[name]
    # matplotlib's one <style> said this; it is inherited, so the root can carry it.
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    root.set("role", "img")
    root.set("aria-label", label)
    root.set("focusable", "false")
    title = ET.Element(f"{{{SVG_NS}}}title")
    title.text = label
    root.insert(0, title)
    # Plain tag names under one xmlns: what an HTML page's inline SVG looks like.
    for element in root.iter():
        element.tag = _local(element.tag)
    root.set("xmlns", SVG_NS)
    return ET.tostring(root, encoding="unicode")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _expand_uses(element: ET.Element, targets: dict[str | None, ET.Element]) -> None:
    """Replace each ``<use href="#id">`` by a group holding a copy of what it points at."""
    for index, child in enumerate(list(element)):
        if _local(child.tag) != "use":
            _expand_uses(child, targets)
            continue
        href = child.get(f"{{{XLINK_NS}}}href") or child.get("href") or ""
        target = targets.get(href[1:]) if href.startswith("#") else None
        element.remove(child)
        if target is None or _local(target.tag) not in KEPT_ELEMENTS:
            continue
        group = ET.Element(f"{{{SVG_NS}}}g")
        x, y = child.get("x", "0"), child.get("y", "0")
        group.set("transform", f"translate({x} {y})")
        if child.get("style"):
            group.set("style", child.get("style", ""))
        duplicate = copy.deepcopy(target)
        for node in duplicate.iter():
            node.attrib.pop("id", None)
        group.append(duplicate)
        element.insert(index, group)


def _strip(element: ET.Element) -> None:
    in_defs = _local(element.tag) == "defs"
    for child in list(element):
        local = _local(child.tag)
        if (local not in KEPT_ELEMENTS or not child.tag.startswith(f"{{{SVG_NS}}}")
                or (in_defs and local not in ("clipPath", "pattern"))):
            element.remove(child)  # markers' definitions are copied where they were used
            continue
        _strip(child)


def _clean_attributes(element: ET.Element) -> None:
    style = element.attrib.pop("style", "")
    for declaration in style.split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip().lower(), value.strip()
        if name in STYLE_PROPERTIES and name not in element.attrib:
            element.set(name, value)
    for name, value in list(element.attrib.items()):
        if "}" in name or name not in KEPT_ATTRIBUTES:
            del element.attrib[name]
        elif "url(" in value.lower():
            if not LOCAL_URL.match(value):
                del element.attrib[name]
        elif not SAFE_VALUE.match(value):
            del element.attrib[name]


def _referenced_ids(root: ET.Element) -> set[str]:
    found = set()
    for element in root.iter():
        for value in element.attrib.values():
            match = LOCAL_URL.match(value)
            if match:
                found.add(match[1])
    return found


# --- placing a drawing in a page ----------------------------------------------------------------


def drawn(chart: Chart | Mapping[str, Any]) -> list[Markup]:
    """Draw a chart for a page or document: its pictures (one, or a long bar chart in parts
    on one scale), marked safe to place unescaped.

    Safe: the pictures are rebuilt from an allow-list of elements and attributes, and
    ElementTree escapes every text and attribute value. Drawing takes matplotlib ~150 ms and
    depends only on the chart's data, so the last few drawings are kept by their data.
    """
    data = dataclasses.asdict(chart) if isinstance(chart, Chart) else dict(chart)
    return [Markup(svg)  # noqa: S704  # nosec B704
            for svg in _drawn(json.dumps(data, sort_keys=True))]


@functools.lru_cache(maxsize=64)
def _drawn(chart_json: str) -> tuple[str, ...]:
    return tuple(chart_svgs(json.loads(chart_json)))
