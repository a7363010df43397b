"""The dashboard's charts and tables as markup: every text escaped, every suppressed
cell marked and explained, and SVG coordinates never written the Swedish way."""

import re

import pytest
from django.utils import formats, translation

from portal.dashboard_charts import svg
from portal.dashboard_tables import table_html
from portal.dashboards import Counts, Row, Table, render
from portal.markup import fill

SCRIPT = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov"]
#: SVG attributes that hold numbers only.
NUMERIC = {"x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "width", "height"}
NUMBER = r"-?\d+(?:\.\d+)?"


def reasons():
    """Rows of counts: one labelled with markup, one with a small count, one that
    secondary suppression has to hide a cell of, one whose total is small."""
    return render(
        Table(
            "reasons",
            [
                Row("a", SCRIPT, Counts(12, 9, 7), previous=30),
                Row("b", "Bee", Counts(3, 8, 6), previous=10),
                Row("c", "Sea", Counts(20, 11, 9), previous=25),
                Row("d", "Dee", Counts(1, 1, 1), previous=2),
            ],
            row_heading="Reason",
        ),
        f"Reasons {SCRIPT}",
    )


def months():
    """Twelve months; the last one, which is always labelled, has markup for a label."""
    rows = [Row(f"m{i}", name, Counts(7 + i, 6 + 2 * i, 5)) for i, name in enumerate(MONTHS)]
    rows.append(Row("m11", SCRIPT, Counts(9, 8, 7)))
    return render(Table("months", rows, has_previous=False), f"By month {SCRIPT}")


def shares():
    """A share whose row is labelled with markup."""
    return render(
        Table(
            "shares",
            [
                Row("met", "Met", Counts(10, 12, 8), previous=25),
                Row("missed", "Missed", Counts(20, 15, 9), previous=30),
                Row("all", "All", Counts(30, 27, 17), previous=55),
                Row("share", SCRIPT, kind="share", share=("met", "missed", "all")),
            ],
            sums=[("all", ("met", "missed"))],
        ),
        f"Shares {SCRIPT}",
    )


CHARTS = [("bars", reasons), ("trend", months), ("shares", shares)]


def attributes(markup: str) -> list[tuple[str, str]]:
    return re.findall(r'\s([\w:-]+)="([^"]*)"', markup)


@pytest.mark.parametrize(("kind", "build"), CHARTS)
def test_a_label_from_the_data_is_escaped_in_the_chart_and_the_table(kind, build):
    table = build()
    chart, html = str(svg(table, kind, "k")), str(table_html(table))
    for markup in (chart, html):
        assert "<script" not in markup
        assert ESCAPED in markup
    assert f'<th scope="row">{ESCAPED}</th>' in html
    caption = table.title.replace(SCRIPT, ESCAPED)
    assert f'<caption class="visually-hidden">{caption}</caption>' in html
    assert f'<title id="chart-k-title">{caption}' in chart


def test_pieces_are_filled_in_with_escaped_values_and_safe_markup_as_it_is():
    inner = fill([('<b title="{}">', ('a"b',))])
    assert fill([("<p>{}{}", (SCRIPT, "{0}")), ("{}</p>", (inner,))]) == (
        f'<p>{ESCAPED}{{0}}<b title="a&quot;b"></p>'
    )
    assert fill([]) == ""


@pytest.mark.parametrize(("kind", "build"), CHARTS)
def test_a_chart_is_an_image_named_by_its_title_and_description(kind, build):
    chart = str(svg(build(), kind, "k"))
    assert chart.count('role="img"') == 1
    assert 'aria-labelledby="chart-k-title chart-k-desc"' in chart
    assert '<title id="chart-k-title">' in chart
    assert re.search(r'<desc id="chart-k-desc">[^<]+</desc>', chart)
    assert re.search(r'<figcaption class="chart__legend">.+</figcaption>', chart)


def test_no_chart_is_drawn_for_an_unknown_kind_or_a_table_without_a_share():
    assert svg(reasons(), "", "k") == ""
    assert svg(reasons(), "pie", "k") == ""
    assert svg(reasons(), "shares", "k") == ""


def test_suppressed_cells_carry_their_mark_and_its_explanation():
    table = reasons()
    states = [cell.state for row in table.rows for cell in row.cells.values()]
    assert "small" in states and "hidden" in states
    with translation.override("en"):
        html = str(table_html(table))
    small = html.count('<td class="num cell--small"><abbr title="fewer than five">&lt;5</abbr>')
    hidden = html.count(
        '<td class="num cell--hidden"><abbr title="hidden, so that a number below five '
        'cannot be worked out">..</abbr>'
    )
    assert (small, hidden) == (states.count("small"), states.count("hidden"))
    assert '<tr class="dashboard-row--count dashboard-row--level0" data-row="d">' in html
    assert html.count('<th scope="col"') == 1 + len(table.columns)


def test_the_explanations_of_the_marks_are_translated():
    with translation.override("sv"):
        html = str(table_html(reasons()))
        chart = str(svg(reasons(), "bars", "k"))
    assert '<abbr title="färre än fem">&lt;5</abbr>' in html
    assert '<abbr title="dold, så att ett antal under fem inte kan räknas fram">..</abbr>' in html
    assert "Den här perioden" in chart


def test_a_small_total_is_a_gap_with_its_mark_in_the_bar_chart():
    chart = str(svg(reasons(), "bars", "k"))
    dee = chart.split('class="chart__label">Dee</text>', 1)[1].split("</g>", 1)[0]
    assert re.findall(r'width="([^"]*)"', dee) == ["0", "0"]
    assert dee.count(">&lt;5</text>") == 2


@pytest.mark.parametrize(("kind", "build"), CHARTS)
def test_svg_coordinates_are_not_localised_in_swedish(kind, build):
    with translation.override("sv"):
        assert formats.number_format(75.3, decimal_pos=1) == "75,3"  # what to avoid
        chart = str(svg(build(), kind, "k"))
    found = attributes(chart)
    numbers = [value for name, value in found if name in NUMERIC]
    assert numbers and any("." in value for value in numbers)
    assert [v for v in numbers if not re.fullmatch(NUMBER, v)] == []
    view_box = dict(found)["viewBox"]
    assert re.fullmatch(rf"0 0 {NUMBER} {NUMBER}", view_box)
    for name, value in found:
        if name == "points":
            assert re.fullmatch(rf"{NUMBER},{NUMBER}(?: {NUMBER},{NUMBER})*", value)
        if name == "transform":
            assert re.fullmatch(rf"rotate\(45 {NUMBER} {NUMBER}\)", value)


def test_fill_escapes_every_value_as_format_html_does():
    from django.utils.html import format_html
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    from portal.markup import fill

    values = (
        '<script>alert("x")</script>',
        "Tom & Jerry's",
        gettext_lazy("Total"),
        mark_safe("<b>shown as it is</b>"),  # noqa: S308 - a constant
        12,
        2.5,
        None,
        True,
    )
    template = "<p>" + "{}|" * len(values) + "</p>"
    assert fill([(template, values)]) == format_html(template, *values)
    assert "&lt;script&gt;" in fill([(template, values)])
