"""Small-cell suppression: no figure below five is shown, and none can be worked
out from what is shown, by subtraction or any other sum of the table's lines."""

import random
from fractions import Fraction

import pytest

from portal.dashboards import (
    HIDDEN_MARK,
    NOT_APPLICABLE_MARK,
    SMALL_MARK,
    Counts,
    Line,
    Row,
    Table,
    determined,
    render,
    secondary_suppression,
)

COLUMNS = ("girl", "boy", "other", "total", "previous")


# --- an attacker, written independently of the implementation ---------------------------


def attacker_lines(table: Table) -> list[tuple[tuple, list[tuple]]]:
    """What a reader knows adds up, from the table's layout: each row's genders add up
    to its total, and each group of rows to its total row, per column."""
    lines = []
    for row in table.rows:
        if row.kind == "count":
            lines.append(((row.key, "total"), [(row.key, g) for g in ("girl", "boy", "other")]))
    for total, members in table.sums:
        for column in COLUMNS:
            if column == "previous" and (
                not table.has_previous
                or any(table.row(k).previous is None for k in (total, *members))
            ):
                continue
            lines.append(((total, column), [(m, column) for m in members]))
    return lines


def true_values(table: Table) -> dict:
    values = {}
    for row in table.rows:
        if row.kind != "count":
            continue
        for column in ("girl", "boy", "other", "total"):
            values[(row.key, column)] = row.current.get(column)
        if table.has_previous and row.previous is not None:
            values[(row.key, "previous")] = row.previous
    return values


def solvable(table: Table, rendered) -> set:
    """Every cell the reader can compute exactly from the shown cells: dense
    Gauss-Jordan elimination over the rationals on all the table's lines."""
    shown = {}
    for row in rendered.rows:
        for column, cell in row.cells.items():
            if row.kind == "count" and cell.state == "shown":
                shown[(row.key, column)] = cell.value
    unknown = sorted(c for c in true_values(table) if c not in shown)
    index = {c: i for i, c in enumerate(unknown)}
    matrix = []
    for total, members in attacker_lines(table):
        coefficients = [Fraction(0)] * len(unknown)
        constant = Fraction(0)
        for cell, sign in [(m, 1) for m in members] + [(total, -1)]:
            if cell in index:
                coefficients[index[cell]] += sign
            else:
                constant -= sign * shown[cell]
        matrix.append([*coefficients, constant])
    pivot_row = 0
    pivot_columns = []
    for column in range(len(unknown)):
        found = next((r for r in range(pivot_row, len(matrix)) if matrix[r][column] != 0), None)
        if found is None:
            continue
        matrix[pivot_row], matrix[found] = matrix[found], matrix[pivot_row]
        lead = matrix[pivot_row][column]
        matrix[pivot_row] = [v / lead for v in matrix[pivot_row]]
        for r in range(len(matrix)):
            if r != pivot_row and matrix[r][column] != 0:
                factor = matrix[r][column]
                matrix[r] = [
                    a - factor * b for a, b in zip(matrix[r], matrix[pivot_row], strict=True)
                ]
        pivot_columns.append(column)
        pivot_row += 1
    solved = set()
    for r, column in enumerate(pivot_columns):
        if all(matrix[r][c] == 0 for c in range(len(unknown)) if c != column):
            solved.add(unknown[column])
    return solved


def leaked_small_cells(table: Table, rendered, threshold: int = 5) -> set:
    values = true_values(table)
    return {c for c in solvable(table, rendered) if 0 < values[c] < threshold}


def cells(rendered, key):
    return {column: cell.text for column, cell in rendered.row(key).cells.items()}


# --- primary suppression ----------------------------------------------------------------


def test_counts_of_one_to_four_show_as_less_than_five_and_zero_as_zero():
    table = Table(
        "t",
        [
            Row("a", "A", Counts(girl=12, boy=7, other=0), previous=5),
            Row("b", "B", Counts(girl=0, boy=0, other=0), previous=0),
            Row("c", "C", Counts(girl=4, boy=1, other=0), previous=4),
        ],
    )
    rendered = render(table)
    assert cells(rendered, "a") == {
        "girl": "12",
        "boy": "7",
        "other": "0",
        "total": "19",
        "previous": "5",
    }
    assert cells(rendered, "b")["total"] == "0"
    assert cells(rendered, "c") == {
        "girl": SMALL_MARK,
        "boy": SMALL_MARK,
        "other": "0",
        "total": "5",
        "previous": SMALL_MARK,
    }
    assert SMALL_MARK == "<5"


def test_nothing_is_hidden_when_no_cell_is_small():
    table = Table(
        "t",
        [
            Row("a", "A", Counts(10, 20, 0), 30),
            Row("b", "B", Counts(5, 6, 7), 18),
            Row("all", "All", Counts(15, 26, 7), 48),
        ],
        sums=[("all", ("a", "b"))],
    )
    rendered = render(table)
    states = {c.state for row in rendered.rows for c in row.cells.values()}
    assert states == {"shown"}


# --- secondary suppression: the subtraction attack -------------------------------------------


def test_a_single_small_cell_in_a_row_cannot_be_worked_out_from_the_total():
    table = Table("t", [Row("a", "A", Counts(girl=9, boy=3, other=0), previous=20)])
    rendered = render(table)
    row = cells(rendered, "a")
    assert row["boy"] == SMALL_MARK
    # Without a second hidden cell, 12 - 9 - 0 would give the 3 boys away.
    assert HIDDEN_MARK in (row["girl"], row["other"], row["total"])
    assert leaked_small_cells(table, rendered) == set()


def test_the_second_hidden_cell_is_not_a_zero_beside_the_small_one():
    # Hiding the zero would leave "boys + other = 3": the small cell hides better
    # behind the 9 girls.
    rendered = render(Table("t", [Row("a", "A", Counts(girl=9, boy=3, other=0))]))
    assert cells(rendered, "a")["girl"] == HIDDEN_MARK
    assert cells(rendered, "a")["other"] == "0"


def test_a_small_cell_cannot_be_worked_out_from_a_column_total():
    table = Table(
        "t",
        [
            Row("a", "A", Counts(20, 10, 0), 40),
            Row("b", "B", Counts(30, 2, 0), 35),
            Row("c", "C", Counts(25, 25, 0), 50),
            Row("all", "All", Counts(75, 37, 0), 125),
        ],
        sums=[("all", ("a", "b", "c"))],
    )
    rendered = render(table)
    assert cells(rendered, "b")["boy"] == SMALL_MARK
    # The boys' column would give B away as 37 - 10 - 25: another boys' cell is hidden.
    boys = [cells(rendered, k)["boy"] for k in ("a", "c", "all")]
    assert HIDDEN_MARK in boys
    assert leaked_small_cells(table, rendered) == set()


def test_the_previous_period_column_is_protected_too():
    table = Table(
        "t",
        [
            Row("a", "A", Counts(10, 10, 0), 3),
            Row("b", "B", Counts(10, 10, 0), 30),
            Row("all", "All", Counts(20, 20, 0), 33),
        ],
        sums=[("all", ("a", "b"))],
    )
    rendered = render(table)
    assert cells(rendered, "a")["previous"] == SMALL_MARK
    assert HIDDEN_MARK in (cells(rendered, "b")["previous"], cells(rendered, "all")["previous"])
    assert leaked_small_cells(table, rendered) == set()


def test_chains_through_nested_totals_are_broken():
    # Late + not done = missed; on time + missed = due. A reader who knows due,
    # on time and late could otherwise compute "not done" in two steps.
    table = Table(
        "t",
        [
            Row("on_time", "On time", Counts(40, 38, 0), 70),
            Row("missed", "Missed", Counts(6, 9, 0), 12),
            Row("late", "Late", Counts(4, 5, 0), 6, level=1),
            Row("undone", "Not done", Counts(2, 4, 0), 6, level=1),
            Row("due", "Due", Counts(46, 47, 0), 82),
        ],
        sums=[("missed", ("late", "undone")), ("due", ("on_time", "missed"))],
    )
    rendered = render(table)
    assert leaked_small_cells(table, rendered) == set()
    assert cells(rendered, "undone")["girl"] == SMALL_MARK


def test_a_cell_fixed_by_combining_lines_is_found_and_hidden():
    """Two rectangles of hidden cells joined by one cell: no single line has one
    unknown, yet rows 1 + 2 minus columns 1 + 2 give the joining cell away."""
    rows, columns = ["r1", "r2", "r3", "r4"], ["c1", "c2", "c3", "c4"]
    hidden_pattern = {
        ("r1", "c1"),
        ("r1", "c2"),
        ("r2", "c1"),
        ("r2", "c2"),
        ("r2", "c3"),
        ("r3", "c3"),
        ("r3", "c4"),
        ("r4", "c3"),
        ("r4", "c4"),
    }
    values = {
        (r, c): (2 if (r, c) in hidden_pattern else 10 + i + j)
        for i, r in enumerate(rows)
        for j, c in enumerate(columns)
    }
    lines = [Line((r, "sum"), tuple((r, c) for c in columns)) for r in rows]
    lines += [Line(("sum", c), tuple((r, c) for r in rows)) for c in columns]
    for r in rows:
        values[(r, "sum")] = sum(values[(r, c)] for c in columns)
    for c in columns:
        values[("sum", c)] = sum(values[(r, c)] for r in rows)

    unknown = set(hidden_pattern)
    assert ("r2", "c3") in determined(lines, unknown)
    assert ("r1", "c1") not in determined(lines, unknown)

    extra = secondary_suppression(values, lines, threshold=5)
    assert extra, "a shown cell must be hidden to protect the joining cell"
    assert ("r2", "c3") not in determined(lines, unknown | extra)
    assert not determined(lines, unknown | extra) & hidden_pattern


def test_a_complement_the_table_does_not_show_is_protected():
    # 8 due, 6 of them extended: the 2 not extended are not a row, but 8 - 6 = 2.
    table = Table(
        "t",
        [
            Row("due", "Due", Counts(8, 7, 0), 20),
            Row("extended", "Extended", Counts(6, 6, 0), 20),
            Row("not_extended", "", Counts(2, 1, 0), 0, display=False),
        ],
        sums=[("due", ("extended", "not_extended"))],
    )
    rendered = render(table)
    assert "not_extended" not in [r.key for r in rendered.rows]
    girls = (cells(rendered, "due")["girl"], cells(rendered, "extended")["girl"])
    assert HIDDEN_MARK in girls
    assert leaked_small_cells(table, rendered) == set()


def test_a_total_shown_in_other_tables_is_kept_and_another_cell_hidden():
    table = Table(
        "t",
        [
            Row("a", "A", Counts(20, 3, 0), 30),
            Row("b", "B", Counts(20, 30, 0), 30),
            Row("all", "All", Counts(40, 33, 0), 60, fixed=True),
        ],
        sums=[("all", ("a", "b"))],
    )
    rendered = render(table)
    assert set(cells(rendered, "all").values()) <= {"40", "33", "0", "73", "60"}
    assert leaked_small_cells(table, rendered) == set()


@pytest.mark.parametrize("seed", range(60))
def test_no_small_cell_can_be_computed_in_random_tables(seed):
    rng = random.Random(seed)

    def counts():
        return Counts(
            rng.choice([0, 1, 2, 3, 4, 5, 8, 13, 30]),
            rng.choice([0, 1, 2, 3, 4, 5, 9, 21, 40]),
            rng.choice([0, 0, 0, 1, 2, 3, 6]),
        )

    leaves = [
        Row(f"r{i}", f"R{i}", counts(), rng.choice([0, 2, 4, 7, 25]), level=1)
        for i in range(rng.randint(2, 7))
    ]
    split = rng.randint(1, len(leaves) - 1)
    groups = {"g1": leaves[:split], "g2": leaves[split:]}
    rows, sums = [], []
    for key, members in groups.items():
        rows.append(
            Row(
                key,
                key,
                sum((m.current for m in members), Counts()),
                sum(m.previous for m in members),
            )
        )
        rows.extend(members)
        sums.append((key, tuple(m.key for m in members)))
    rows.append(
        Row(
            "all",
            "All",
            rows[0].current + rows[split + 1].current,
            rows[0].previous + rows[split + 1].previous,
            fixed=rng.random() < 0.5,
        )
    )
    sums.append(("all", ("g1", "g2")))
    table = Table("t", rows, sums=sums)
    rendered = render(table)
    assert leaked_small_cells(table, rendered) == set()
    for row in rendered.rows:
        for column, cell in row.cells.items():
            if cell.state == "shown":
                assert not 0 < cell.value < 5, (row.key, column)


# --- shares and medians -------------------------------------------------------------------


def share_table(met: Counts, missed: Counts, previous=(30, 10)):
    return Table(
        "t",
        [
            Row("met", "Met", met, previous[0]),
            Row("missed", "Missed", missed, previous[1]),
            Row("all", "All", met + missed, sum(previous)),
            Row("share", "Share", kind="share", share=("met", "missed", "all")),
        ],
        sums=[("all", ("met", "missed"))],
    )


def test_a_share_is_exact_when_its_counts_are_shown():
    rendered = render(share_table(Counts(30, 20, 0), Counts(10, 20, 0)))
    share = rendered.row("share").cells
    assert share["girl"].text == "75\u00a0%"
    assert share["girl"].value == pytest.approx(0.75)
    assert share["boy"].text == "50\u00a0%"
    assert share["total"].text == "63\u00a0%"
    assert share["previous"].text == "75\u00a0%"
    assert share["other"].text == NOT_APPLICABLE_MARK  # nobody: no share


def test_a_share_near_100_percent_shows_only_the_bound_the_counts_allow():
    # 198 of 200 on time: the 2 late are "<5", so the share says no more than that.
    rendered = render(share_table(Counts(98, 100, 0), Counts(2, 0, 0)))
    share = rendered.row("share").cells
    assert share["girl"].text == "≥ 96\u00a0%"
    assert share["girl"].value is None
    assert cells(rendered, "missed")["girl"] == SMALL_MARK
    assert share["boy"].text == "100\u00a0%"


def test_a_small_numerator_shows_as_an_upper_bound():
    rendered = render(share_table(Counts(3, 0, 0), Counts(47, 0, 0)))
    assert rendered.row("share").cells["girl"].text == "≤ 8\u00a0%"


def test_a_share_of_a_small_group_is_hidden():
    rendered = render(share_table(Counts(2, 0, 0), Counts(2, 0, 0)))
    assert cells(rendered, "all")["girl"] == SMALL_MARK
    assert rendered.row("share").cells["girl"].text == HIDDEN_MARK


def test_a_median_is_shown_only_for_at_least_five():
    table = Table(
        "t",
        [
            Row(
                "median",
                "Median",
                kind="median",
                median={
                    "girl": (6.0, 5),
                    "boy": (3.0, 4),
                    "other": (None, 0),
                    "total": (5.5, 9),
                    "previous": (7.0, 12),
                },
            )
        ],
    )
    median = render(table).row("median").cells
    assert median["girl"].text == "6"
    assert median["boy"].text == HIDDEN_MARK
    assert median["other"].text == HIDDEN_MARK
    assert median["total"].value == 5.5
    assert median["previous"].text == "7"


@pytest.mark.parametrize("language", ["sv", "en"])
def test_counts_are_written_as_the_language_writes_numbers(language):
    from django.utils import formats, translation

    from portal.dashboards import _number

    with translation.override(language):
        for value in (0, 7, 999, 1000, 12345, 1234567, -5, -1000, 2.0):
            assert _number(value) == formats.number_format(int(value), force_grouping=True)
        assert _number(2.5) == formats.number_format(2.5, decimal_pos=1)
    assert "1" in _number(1000) and _number(1000) != "1000"
