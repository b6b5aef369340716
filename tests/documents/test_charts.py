"""The yearly report's charts: inert, deterministic, accessible SVG, and their tables."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET

import pytest

from partnership.documents.charts import (
    BARS_PER_DRAWING,
    BEST,
    WORST,
    Chart,
    chart_label,
    chart_svg,
    chart_svgs,
    chart_table,
    clean_svg,
    format_value,
    styles,
)
from tests.reports.samples import CHARTS

SVG = "{http://www.w3.org/2000/svg}"
ACTIVE = ("style", "script", "metadata", "title", "use", "foreignObject", "image", "a")


def parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def texts(root: ET.Element) -> list[str]:
    return [("".join(t.itertext())).strip() for t in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("chart", CHARTS, ids=[c.kind + ":" + c.key for c in CHARTS])
def test_each_kind_is_an_inert_labelled_picture_whose_text_stays_text(chart: Chart) -> None:
    svg = chart_svg(chart)
    root = parsed(svg)

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == f"{chart.title}. {chart.summary}"
    # Only our own <title> (the PDF's alternative text) is left of the named elements.
    [title] = root.findall(f"{SVG}title")
    assert title.text == root.get("aria-label")
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        assert element is title or name not in ACTIVE, name
        for attribute, value in element.attrib.items():
            assert attribute != "style" and not attribute.startswith("on"), attribute
            assert "href" not in attribute, attribute
            assert "javascript" not in value.lower()
    # Every reference inside the picture points at something in it.
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    assert set(re.findall(r"url\(#([\w-]+)\)", svg)) <= set(ids)
    assert all(i.startswith(chart.key) for i in ids)
    # Labels are characters, not outlines: the categories and a value can be found as text.
    words = texts(root)
    assert chart.categories[-1] in " ".join(words).replace("\n", " ")
    assert "<style" not in svg and "<script" not in svg and "<metadata" not in svg


def test_the_same_chart_draws_the_same_bytes_from_the_dataclass_or_the_snapshot() -> None:
    chart = CHARTS[2]
    first = chart_svg(chart)
    assert chart_svg(chart) == first
    assert chart_svg(dataclasses.asdict(chart)) == first


def test_bars_carry_their_values_and_the_reference_line_is_labelled() -> None:
    root = parsed(chart_svg(CHARTS[1]))  # Rapid Reviews against the 15 working-day limit
    words = texts(root)
    assert "15 working days" in words
    for value in ("14", "15", "19", "12"):
        assert value in words
    assert "Working days" in words  # the axis says what is counted


def test_series_differ_by_pattern_and_ratings_keep_their_colours() -> None:
    drawn = styles(["Complete", "Green", "Amber", "Red", "Not judged"])
    assert [s.fill for s in drawn] == ["#1d70b8", "#00703c", "#f47738", "#d4351c", "#b1b4b6"]
    assert len({s.hatch for s in drawn}) == 5  # colour is never the only difference
    # The stacked bars use those patterns, and a legend names every series.
    root = parsed(chart_svg(CHARTS[2]))
    assert len(root.findall(f".//{SVG}pattern")) == 4
    assert {"Complete", "Green", "Amber", "Red", "Not judged"} <= set(texts(root))


def test_a_long_bar_chart_is_drawn_in_parts_on_one_scale() -> None:
    agencies = [f"Agency {n:02d}" for n in range(1, 46)]
    chart = Chart("activities-attendance", "Attendance by agency", "Most attended.", "bar",
                  agencies, ["Attendance"], [[float(50 + n) for n in range(45)]], "%")

    drawings = chart_svgs(chart)

    assert len(drawings) == 3 and BARS_PER_DRAWING < 45
    roots = [parsed(svg) for svg in drawings]
    assert roots[0].get("aria-label") == "Attendance by agency. Most attended."
    assert roots[2].get("aria-label") == "Attendance by agency (continued, part 3 of 3)"
    assert "Agency 01" in texts(roots[0]) and "Agency 45" in texts(roots[2])
    ids = [e.get("id") for root in roots for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))  # three pictures in one page never share an id
    # One scale: the same axis ticks in every part.
    ticks = [[w for w in texts(root) if re.fullmatch(r"\d+", w)] for root in roots]
    assert all("100" in found for found in ticks)
    assert chart_svgs(CHARTS[0]) == [chart_svg(CHARTS[0])]


def test_the_sanitiser_removes_everything_active_or_outside() -> None:
    hostile = (
        '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)">'
        "<style>*{fill:red}</style><script>alert(1)</script><title>old</title>"
        '<a xlink:href="javascript:alert(1)"><rect width="5" height="5" onclick="x()"/></a>'
        '<image href="file:///etc/passwd"/><use xlink:href="https://evil.example/x.svg#a"/>'
        '<rect width="1" height="1" style="fill: url(https://evil.example/p); stroke: #000"/>'
        '<rect id="r" width="2" height="2" fill="url(#nowhere)"/>'
        '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>'
        '<text x="1" y="1" style="font-size: 9px; font-family: \'Arial\'">A &lt;b&gt;</text>'
        "</svg>")

    svg = clean_svg(hostile, "A chart <script>", "c")

    for bad in ("alert", "script>", "<style", "evil.example", "file:", "onclick", "onload",
                "foreignObject", "<image", "<use", "old", "nowhere", "url("):
        assert bad not in svg, bad
    root = parsed(svg)
    assert root.get("aria-label") == "A chart <script>"  # escaped as an attribute value
    assert "A &lt;b&gt;" in svg
    assert root.find(f"{SVG}text").get("font-size") == "9px"  # style became an attribute
    assert root.find(f"{SVG}rect[@stroke]").get("stroke") == "#000"


def test_uses_are_copied_where_they_were_used() -> None:
    source = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/'
              'xlink"><defs><path id="m" d="M 0 0 L 0 3" style="stroke: #000"/></defs>'
              '<use xlink:href="#m" x="10" y="20"/></svg>')
    root = parsed(clean_svg(source, "ticks", "t"))
    [group] = [g for g in root.iter(f"{SVG}g") if g.get("transform")]
    assert group.get("transform") == "translate(10 20)"
    assert group.find(f"{SVG}path").get("d") == "M 0 0 L 0 3"
    assert root.find(f"{SVG}defs/{SVG}path") is None


def test_the_table_is_the_charts_text_equivalent() -> None:
    stacked = chart_table(CHARTS[2])
    assert stacked.columns == ["Complete", "Green", "Amber", "Red", "Not judged", "Total"]
    assert stacked.rows[0] == ("P1 Neglect", ["5", "4", "1", "2", "0", "12"])
    assert stacked.caption == ("Business-plan actions by rating, per objective: the figures "
                               "(actions)")
    attendance = chart_table(CHARTS[0])
    assert attendance.rows[-1] == ("Schools' forum", ["58%"])
    assert attendance.note == "The dashed line marks the partnership's 75% expectation."
    timeliness = chart_table(CHARTS[1])
    assert timeliness.note == "The dashed line marks 15 working days."
    assert format_value(1234.0) == "1,234" and format_value(12.25) == "12.2"


def test_the_label_joins_title_and_summary() -> None:
    assert chart_label({"title": "Attendance", "summary": "Most came."}) == (
        "Attendance. Most came.")
    assert chart_label({"title": "Attendance?", "summary": ""}) == "Attendance?"
    with pytest.raises(ValueError, match="unknown chart kind"):
        chart_svg({"kind": "pie", "categories": ["a"], "series": ["b"], "values": [[1]]})


def test_a_scale_s_grades_run_from_green_to_red_whatever_their_words() -> None:
    three = styles(["Good", "Requires improvement", "Inadequate"], graded=True)
    assert (three[0].fill, three[-1].fill) == (BEST[0], WORST[0])
    assert len({style.fill for style in three}) == 3
    five = styles(["Outstanding", "Good", "Adequate", "Weak", "Inadequate", "Not graded"],
                  graded=True)
    assert (five[0].fill, five[4].fill, five[5].fill) == (BEST[0], WORST[0], "#b1b4b6")
    assert len({style.fill for style in five}) == 6
    # Without the flag, series keep the palette's order (blue first).
    assert styles(["Good", "Inadequate"])[0].fill == "#1d70b8"
