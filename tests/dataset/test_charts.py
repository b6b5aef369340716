"""The trend chart: the partnership beside its comparators, a break where a period has no
figure, the tolerance band shaded and named, and its table; small numbers left out of a
published chart; the shared line chart drawing otherwise unchanged."""

from __future__ import annotations

from flask import Flask

from partnership.dataset.charts import trend_chart
from partnership.dataset.models import Indicator, Unit
from partnership.dataset.series import load_series
from partnership.documents.charts import Chart, TrendChart, chart_svg, chart_table
from partnership.extensions import db
from tests.dataset.seeing import add_indicator, world


def test_the_trend_chart_has_the_comparators_the_gaps_and_the_band(app: Flask) -> None:
    ids = world(app)
    indicator_id = add_indicator(app, ids, "CP1", "Child protection plans",
                                 [100, None, 120, 2], england=["41.0", "42.0"], unit=Unit.COUNT,
                                 lower="50", upper=None, approved=True)
    with app.app_context():
        indicator = db.session.get(Indicator, indicator_id)
        assert indicator is not None
        chart = trend_chart(load_series([indicator])[indicator_id])
        assert chart.series == ["EAS", "England"]
        assert chart.categories == ["Q1 24\u201325", "Q2 24\u201325", "Q3 24\u201325",
                                    "Q4 24\u201325"]
        assert chart.values == [[100.0, None, 120.0, 2.0], [41.0, 42.0, None, None]]
        assert (chart.band_low, chart.band_high) == (50.0, None)
        assert chart.band_label == "Tolerance band (at least 50)"
        assert "The latest figure, for Q4 2024\u201325, is 2." in chart.summary
        assert "Below the tolerance band (better)." in chart.summary  # lower is better
        table = chart_table(chart)
        assert table.corner == "Quarter"
        assert table.rows[1] == ("Q2 24\u201325", ["Not available", "42"])
        assert table.note == "The shaded area is the tolerance band (at least 50)."
        svg = chart_svg(chart)
        assert "Tolerance band (at least 50)" in svg and "nan" not in svg.lower()

        published = load_series([indicator], published=True)[indicator_id]
        shown = trend_chart(published, published=True)
        assert shown.values[0] == [100.0, None, 120.0, None]  # 2 is a small number
        assert "is fewer than 5." in shown.summary and "tolerance" not in shown.summary


def test_a_line_chart_without_gaps_or_band_is_drawn_as_before() -> None:
    plain = Chart("p", "Plain", "s", "line", ["Apr", "May", "Jun"], ["A"], [[1, 0, 3]], "")
    banded = TrendChart("p", "Plain", "s", "line", ["Apr", "May", "Jun"], ["A"],
                        [[1, 0, 3]], "")
    assert chart_svg(plain) == chart_svg(banded)  # no gap and no band: the same drawing
    assert chart_table(plain).rows == chart_table(banded).rows
    assert chart_table(plain).corner == "Month"
