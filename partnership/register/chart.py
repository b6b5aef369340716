"""The structure chart: who reports to whom, drawn by Graphviz, and the same tree as text.

A body sits under the body of its first reports-to or accountable-to line (``Body.reports_to``);
its other lines to bodies in the chart (updates, shared work, a second line of accountability)
are drawn as labelled dashed arrows, and every other line is said in the text outline.

The chart covers a partnership's own bodies, the bodies of the collaborations it takes part
in (drawn inside a box per collaboration) and the joint groups a neighbour runs with it.
Graphviz's ``dot`` runs as a child process with a time limit and no shell; names reach it
as escaped DOT strings, and the SVG it returns is stripped of anything active (scripts,
links, event handlers) before anyone sees it. Where Graphviz is not installed (or fails),
:func:`draw_structure_chart` says so in a note and the text outline stands in: no page or
document fails for want of ``dot``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import shutil
import subprocess
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from partnership.register.models import AccountabilityLine, Body, BodyKind, Partnership
from partnership.register.services.bodies import bodies_of, has_ended, other_partnership

log = logging.getLogger(__name__)

DOT_TIME_LIMIT_SECONDS = 20
NOT_INSTALLED = "Graphviz is not installed"
UNDRAWN_NOTE = ("The diagram could not be drawn on this server ({reason}); the structure is "
                "shown as a list.")
FONT = "Arial"  # fontconfig gives the metric-compatible Liberation Sans where Arial is absent
WRAP_AT = 26
# The space a chart has on an A4 page (points), and the smallest scale at which its 11pt
# labels stay readable (about 9pt).
PAGE_FIT_POINTS = (480.0, 560.0)
READABLE_SCALE = 0.8
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

# Colours from the GOV.UK palette; each text/fill pair has a contrast ratio of 4.5:1 or more.
TEXT = "#0b0c0c"
LINE = "#505a5f"
NODE_STYLES: dict[BodyKind, dict[str, str]] = {
    BodyKind.BOARD: {"fillcolor": "#1d70b8", "fontcolor": "#ffffff", "color": "#1d70b8"},
    BodyKind.EXECUTIVE: {"fillcolor": "#003078", "fontcolor": "#ffffff", "color": "#003078"},
    BodyKind.TASK_AND_FINISH: {"fillcolor": "#ffffff", "fontcolor": TEXT, "color": LINE,
                               "style": "dashed,filled"},
}
DEFAULT_NODE_STYLE = {"fillcolor": "#ffffff", "fontcolor": TEXT, "color": "#1d70b8"}
CLUSTER_STYLE = {"style": "filled", "fillcolor": "#f3f2f1", "color": "#b1b4b6",
                 "fontcolor": TEXT}
# Elements and attributes an SVG picture never needs, and that could make it active.
DROPPED_ELEMENTS = {"script", "foreignObject", "style", "iframe", "object", "embed", "image",
                    "use", "animate", "set", "animateTransform", "animateMotion", "title"}


class ChartError(RuntimeError):
    """Graphviz could not draw the chart; ``reason`` says why in words fit for any reader."""

    def __init__(self, message: str, reason: str = "Graphviz failed") -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class StructureChart:
    """The chart as drawn (an SVG document), or the note that stands in for it."""

    svg: str | None
    note: str = ""



@dataclass
class OutlineNode:
    """One body in the structure, with the bodies that report to it."""

    name: str
    kind_label: str
    children: list[OutlineNode] = field(default_factory=list)
    note: str = ""
    lines: list[str] = field(default_factory=list)  # its other lines: "gives updates to X"


def structure_bodies(partnership: Partnership, as_of: dt.date | None = None) -> list[Body]:
    """Return the bodies in a partnership's structure (its own, shared and joint), on a date."""
    return [b for b in bodies_of(partnership) if as_of is None or _running_on(b, as_of)]


def _running_on(body: Body, day: dt.date) -> bool:
    return (body.starts_on is None or body.starts_on <= day) and not has_ended(body, day)


def body_note(body: Body, partnership: Partnership) -> str:
    """Say how a body is shared: across a collaboration or jointly with a neighbour."""
    if body.collaboration is not None:
        return f"shared across {body.collaboration.short_name or body.collaboration.name}"
    neighbour = other_partnership(partnership, body)
    return f"joint with {neighbour.name}" if neighbour is not None else ""


def _parents(bodies: list[Body]) -> dict[int, int | None]:
    """Map each body to the body it reports to, dropping links that leave or loop."""
    ids = {b.id for b in bodies}
    declared = {b.id: b.reports_to.id if b.reports_to is not None and b.reports_to.id in ids
                else None for b in bodies}
    parents: dict[int, int | None] = {}
    for body_id, parent in declared.items():
        seen = {body_id}
        step = parent
        while step is not None and step not in seen:
            seen.add(step)
            step = declared[step]
        # A reporting line that comes back to the body is a loop: draw the body as a root.
        parents[body_id] = parent if step is None else None
    return parents


def other_lines(body: Body, parent_id: int | None) -> list[AccountabilityLine]:
    """Return a body's lines other than the one that places it under its parent in the chart."""
    rest = list(body.lines)
    for line in rest:
        if (parent_id is not None and line.kind.places_in_structure
                and line.to_body_id == parent_id):
            rest.remove(line)
            break
    return rest


def line_words(line: AccountabilityLine) -> str:
    """Say a line as the outline does: "gives updates to Main Board"."""
    return f"{line.kind.label.lower()} {line.target_name}"


@dataclass
class _Branch:
    """A body, its outline node and the branches below it."""

    body: Body
    node: OutlineNode
    branches: list[_Branch]


def structure_outline(partnership: Partnership, as_of: dt.date | None = None
                      ) -> list[OutlineNode]:
    """Return the reporting tree as text (for screen readers and the document)."""
    return [branch.node for branch in _tree(partnership, as_of)]


def bodies_in_structure_order(partnership: Partnership, as_of: dt.date | None = None
                              ) -> list[Body]:
    """Return the structure's bodies top-down, each followed by those reporting to it."""
    ordered: list[Body] = []

    def walk(branches: list[_Branch]) -> None:
        for branch in branches:
            ordered.append(branch.body)
            walk(branch.branches)

    walk(_tree(partnership, as_of))
    return ordered


def _tree(partnership: Partnership, as_of: dt.date | None) -> list[_Branch]:
    bodies = structure_bodies(partnership, as_of)
    parents = _parents(bodies)
    children: dict[int | None, list[Body]] = {}
    for body in bodies:
        children.setdefault(parents[body.id], []).append(body)

    def build(parent_id: int | None) -> list[_Branch]:
        branches = []
        for body in children.get(parent_id, []):
            below = build(body.id)
            node = OutlineNode(body.name, body.kind.label, [b.node for b in below],
                               body_note(body, partnership),
                               [line_words(line) for line in other_lines(body, parent_id)])
            branches.append(_Branch(body, node, below))
        return branches

    return build(None)


def walk_outline(nodes: Iterable[OutlineNode], depth: int = 0
                 ) -> Iterator[tuple[int, OutlineNode]]:
    """Yield (depth, node) for every node, parents before their children."""
    for node in nodes:
        yield depth, node
        yield from walk_outline(node.children, depth + 1)


def dot_string(text: str) -> str:
    """Quote text as a DOT string: backslashes, quotes, newlines and control characters."""
    text = re.sub(r"[\x00-\x1f\x7f]+", " ", text)
    # Graphviz reads '&name;' as an entity: '&amp;' keeps a literal ampersand literal.
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")
    return f'"{text}"'


def _label(*lines: str) -> str:
    """Build a multi-line DOT label, each line wrapped and escaped ('\\n' centres a line)."""
    wrapped = [part for line in lines if line for part in textwrap.wrap(line, WRAP_AT) or [""]]
    inner = "\\n".join(dot_string(part)[1:-1] for part in wrapped)
    return f'"{inner}"'


def _attributes(values: dict[str, str]) -> str:
    return ", ".join(f"{key}={dot_string(value)}" for key, value in values.items())


def _details(body: Body, partnership: Partnership) -> list[str]:
    """Return the lines under a body's name: its kind (unless the name says it) and note."""
    lines = []
    kind = body.kind.label
    if kind.split()[0].lower() not in body.name.lower():
        lines.append(kind)
    note = body_note(body, partnership)
    if note and body.collaboration is None:  # a shared body sits in its collaboration's box
        lines.append(note[:1].upper() + note[1:])
    return lines


def structure_dot(partnership: Partnership, as_of: dt.date | None = None,
                  direction: str = "TB") -> str:
    """Return the structure as a Graphviz DOT graph, top to bottom (or "LR": left to right)."""
    bodies = structure_bodies(partnership, as_of)
    parents = _parents(bodies)
    lines = [
        "digraph structure {",
        f"  graph [{_attributes({'rankdir': direction, 'fontname': FONT, 'bgcolor': 'white', 'nodesep': '0.25', 'ranksep': '0.45', 'fontsize': '11', 'fontcolor': TEXT})}];",  # noqa: E501
        f"  node [{_attributes({'shape': 'box', 'style': 'rounded,filled', 'fontname': FONT, 'fontsize': '11', 'margin': '0.14,0.07', 'penwidth': '1.5'})}];",  # noqa: E501
        f"  edge [{_attributes({'color': LINE, 'arrowsize': '0.7', 'dir': 'back'})}];",
    ]

    def node(body: Body) -> str:
        style = {**DEFAULT_NODE_STYLE, **NODE_STYLES.get(body.kind, {})}
        if "style" in style and "rounded" not in style["style"]:
            style["style"] = "rounded," + style["style"]
        label = _label(body.name, *_details(body, partnership))
        return f"  b{body.id} [label={label}, {_attributes(style)}];"

    clusters: dict[int, list[Body]] = {}
    for body in bodies:
        if body.collaboration_id is not None:
            clusters.setdefault(body.collaboration_id, []).append(body)
        else:
            lines.append(node(body))
    for collaboration_id, members in clusters.items():
        collaboration = members[0].collaboration
        assert collaboration is not None
        title = f"Shared across {collaboration.name}"
        lines.append(f"  subgraph cluster_c{collaboration_id} {{")
        lines.append(f"    graph [label={_label(title)}, {_attributes(CLUSTER_STYLE)}];")
        lines.extend("  " + node(body) for body in members)
        lines.append("  }")
    for body in bodies:
        parent = parents[body.id]
        if parent is not None:
            lines.append(f"  b{parent} -> b{body.id};")
    shown = {body.id for body in bodies}
    for body in bodies:
        for line in other_lines(body, parents[body.id]):
            if line.to_body_id in shown and line.to_body_id != body.id:
                extra = {"style": "dashed", "dir": "forward", "constraint": "false",
                         "label": line.kind.label, "fontname": FONT, "fontsize": "9",
                         "fontcolor": TEXT}
                lines.append(f"  b{body.id} -> b{line.to_body_id} [{_attributes(extra)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def structure_chart_svg(partnership: Partnership, as_of: dt.date | None = None) -> str:
    """Draw the structure chart as an accessible, inert SVG document (a string).

    The chart runs top to bottom. When a body has so many groups reporting to it that the
    chart would have to shrink to fit an A4 page (text too small to read), it is drawn left
    to right instead, whichever of the two fits the page at the larger size.
    """
    svg = _run_dot(structure_dot(partnership, as_of, "TB"))
    if _fit(svg) < READABLE_SCALE:
        sideways = _run_dot(structure_dot(partnership, as_of, "LR"))
        if _fit(sideways) > _fit(svg):
            svg = sideways
    return _clean_svg(svg, chart_title(partnership))


def draw_structure_chart(partnership: Partnership, as_of: dt.date | None = None
                         ) -> StructureChart:
    """Draw the chart, or return the note that says why it could not be drawn."""
    try:
        return StructureChart(structure_chart_svg(partnership, as_of))
    except ChartError as error:
        log.warning("structure chart not drawn: %s", error)
        return StructureChart(None, undrawn_note(error.reason))


def undrawn_note(reason: str = NOT_INSTALLED) -> str:
    """Say, where the chart would be, that it could not be drawn and the list stands in."""
    return UNDRAWN_NOTE.format(reason=reason)


def graphviz_missing_note() -> str:
    """Return the note to show instead of the chart if Graphviz is not installed, else ""."""
    return "" if dot_program() else undrawn_note()


def dot_program() -> str | None:
    """Return the path of Graphviz's ``dot``, or None where it is not installed."""
    return shutil.which("dot")


def _run_dot(source: str) -> str:
    dot = dot_program()
    if dot is None:
        raise ChartError("Graphviz (dot) is not installed", NOT_INSTALLED)
    try:
        done = subprocess.run(  # noqa: S603 - fixed arguments, no shell, input on stdin
            [dot, "-Tsvg"], input=source.encode("utf-8"),
            capture_output=True, timeout=DOT_TIME_LIMIT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise ChartError("Graphviz took too long to draw the chart",
                         "Graphviz took too long") from None
    if done.returncode == 127:  # the shell's "command not found": a dot that cannot start
        raise ChartError("Graphviz (dot) could not be started", NOT_INSTALLED)
    if done.returncode != 0:
        raise ChartError(f"Graphviz failed: {done.stderr.decode('utf-8', 'replace')[:300]}")
    return done.stdout.decode("utf-8")


def _fit(svg: str) -> float:
    """Return the scale at which dot's drawing fits the chart's space on an A4 page."""
    size = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    if size is None:
        return 1.0
    width, height = float(size[1]), float(size[2])
    return min(1.0, PAGE_FIT_POINTS[0] / width, PAGE_FIT_POINTS[1] / height)


def chart_title(partnership: Partnership) -> str:
    """Name the chart (its SVG title and accessible name)."""
    return f"Structure chart of {partnership.name}: which groups report to which"


def note_svg(note: str, title: str) -> str:
    """Draw a note as an SVG picture, for where the chart is asked for but cannot be drawn."""
    lines = textwrap.wrap(note, 64)
    line_height, margin = 18, 12
    height = 2 * margin + line_height * len(lines)
    root = ET.Element(f"{{{SVG_NS}}}svg", {
        "width": "480", "height": str(height), "viewBox": f"0 0 480 {height}",
        "role": "img", "aria-label": f"{title}. {note}"})
    ET.SubElement(root, f"{{{SVG_NS}}}title").text = title
    ET.SubElement(root, f"{{{SVG_NS}}}rect", {
        "x": "0.5", "y": "0.5", "width": "479", "height": str(height - 1),
        "fill": "#f3f2f1", "stroke": "#b1b4b6"})
    for n, line in enumerate(lines):
        ET.SubElement(root, f"{{{SVG_NS}}}text", {
            "x": str(margin), "y": str(margin + line_height * n + 13), "fill": TEXT,
            "font-family": f"{FONT}, sans-serif", "font-size": "13"}).text = line
    return ET.tostring(root, encoding="unicode")


def _clean_svg(svg: str, title: str) -> str:
    """Keep the drawing; drop links, scripts, ids and comments; add a title and a role."""
    # dot's output starts with an XML declaration, a DOCTYPE and comments; drop them first
    # (expat never fetches external entities, and the rest is dot's own markup).
    body = svg[svg.index("<svg"):]
    root = ET.fromstring(body)  # noqa: S314  # nosec B314
    _strip(root)
    for element in root.iter():
        for name in list(element.attrib):
            local = name.rsplit("}", 1)[-1].lower()
            if local in ("href", "id", "style", "class") or local.startswith("on"):
                del element.attrib[name]
    root.set("role", "img")
    root.set("aria-label", title)
    title_element = ET.Element(f"{{{SVG_NS}}}title")
    title_element.text = title
    root.insert(0, title_element)
    return ET.tostring(root, encoding="unicode")


def _strip(element: ET.Element) -> None:
    """Remove dropped elements and unwrap links, keeping their drawn children."""
    for child in list(element):
        local = child.tag.rsplit("}", 1)[-1]
        if local in DROPPED_ELEMENTS:
            element.remove(child)
            continue
        _strip(child)
        if local == "a":
            index = list(element).index(child)
            element.remove(child)
            for offset, grandchild in enumerate(list(child)):
                element.insert(index + offset, grandchild)
