"""Complementary suppression: no suppressed count can be recovered from the totals, whatever the table."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from forum.charter.suppression import bridges, suppress


def table_of(records: list[tuple[int, int, int]], rows: int, cols: int) -> tuple[list, list]:
    """Augmented (values, distinct members) matrices of (row, column, member) records."""
    values = [[0] * (cols + 1) for _ in range(rows + 1)]
    groups = [[set() for _ in range(cols + 1)] for _ in range(rows + 1)]
    for r, c, m in records:
        for i, j in ((r, c), (r, cols), (rows, c), (rows, cols)):
            values[i][j] += 1
            groups[i][j].add(m)
    return values, [[len(g) for g in line] for line in groups]


def rank(matrix: list[list[Fraction]]) -> int:
    """Rank by Gaussian elimination over the rationals."""
    rows = [list(r) for r in matrix]
    found = 0
    for col in range(len(rows[0]) if rows else 0):
        pivot = next((i for i in range(found, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[found], rows[pivot] = rows[pivot], rows[found]
        for i in range(len(rows)):
            if i != found and rows[i][col] != 0:
                factor = rows[i][col] / rows[found][col]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[found], strict=True)]
        found += 1
    return found


def derivable(hidden: set, target: tuple[int, int], rows: int, cols: int) -> bool:
    """Whether the reader can compute `target` from the published lines (every line is an equation)."""
    unknowns = sorted(hidden)
    index = {e: n for n, e in enumerate(unknowns)}
    equations = []
    for i in range(rows + 1):  # row i: its cells minus its total
        line = [(i, j, 1) for j in range(cols)] + [(i, cols, -1)]
        equations.append(line)
    for j in range(cols + 1):
        equations.append([(i, j, 1) for i in range(rows)] + [(rows, j, -1)])
    matrix = []
    for line in equations:
        row = [Fraction(0)] * len(unknowns)
        for i, j, sign in line:
            if (i, j) in index:
                row[index[(i, j)]] += sign
        matrix.append(row)
    unit = [Fraction(1 if e == target else 0) for e in unknowns]
    return rank(matrix + [unit]) == rank(matrix)


tables = st.integers(1, 4).flatmap(
    lambda rows: st.integers(1, 4).flatmap(
        lambda cols: st.tuples(
            st.just(rows),
            st.just(cols),
            st.lists(st.tuples(st.integers(0, rows - 1), st.integers(0, cols - 1), st.integers(0, 15)), max_size=60),
            st.integers(2, 6),
            st.booleans(),
        )
    )
)


@settings(max_examples=300, deadline=None)
@given(tables)
def test_no_suppressed_count_can_be_recovered(table):
    rows, cols, records, k, row_totals = table
    values, members = table_of(records, rows, cols)
    suppressed, withheld = suppress(values, members, k, row_totals=row_totals)
    hidden = suppressed | withheld
    for i in range(rows + 1):
        for j in range(cols + 1):
            if (i, j) not in hidden:
                assert members[i][j] >= k or members[i][j] == 0, "a small group is shown"
    for i in range(rows + 1):
        line = {(i, j) for j in range(cols + 1)}
        if not line & withheld:
            assert len(line & hidden) != 1, f"row {i} has a single hidden entry"
    for j in range(cols + 1):
        line = {(i, j) for i in range(rows + 1)}
        if not line & withheld:
            assert len(line & hidden) != 1, f"column {j} has a single hidden entry"
    for entry in suppressed:
        assert not derivable(hidden, entry, rows, cols), f"{entry} can be computed from the totals"


def test_a_single_small_cell_pulls_three_more_into_suppression():
    # 2 x 2 groups; only (0, 0) is small. Alone, it would be total minus its neighbour.
    records = [(0, 0, 1)] + [(r, c, m) for r, c in ((0, 1), (1, 0), (1, 1)) for m in range(10, 16)]
    values, members = table_of(records, 2, 2)
    suppressed, _withheld = suppress(values, members, 5)
    assert (0, 0) in suppressed and len(suppressed) >= 4
    assert not bridges(suppressed)


def test_nothing_is_suppressed_when_every_group_is_large():
    records = [(r, c, m) for r in range(2) for c in range(3) for m in range(5)]
    values, members = table_of(records, 2, 3)
    assert suppress(values, members, 5) == (set(), set())
