"""Small-cell and complementary suppression of a table of counts with its totals.

The table is given "augmented": R + 1 rows and C + 1 columns, the last row and
column holding the totals and the corner the grand total. Each line (a row with
its total, a column with its total) is an equation the reader knows. Hidden
entries are the unknowns; a hidden entry can be computed from what is shown
exactly when it is a bridge of the bipartite graph whose nodes are the lines and
whose edges are the hidden entries (an entry on no cycle has a single possible
value). So we suppress every entry counting 1 to k-1 distinct members (an empty
group is no one), then add complementary suppressions until no suppressed entry
is a bridge.
"""

from collections.abc import Iterable

Entry = tuple[int, int]
Node = tuple[str, int]


def suppress(
    values: list[list[int]],
    members: list[list[int]],
    k: int,
    *,
    row_totals: bool = True,
    column_totals: bool = True,
) -> tuple[set[Entry], set[Entry]]:
    """(suppressed, withheld) entries of an augmented table; both are hidden from the reader.

    Withheld entries are margins the report does not publish at all (totals over
    time would let successive exports be subtracted); they are unknowns to the
    reader but need no protection of their own.
    """
    rows, cols = len(values) - 1, len(values[0]) - 1
    withheld: set[Entry] = set()
    if not row_totals:
        withheld |= {(i, cols) for i in range(rows)}
    if not column_totals:
        withheld |= {(rows, j) for j in range(cols)}
    if not (row_totals and column_totals):
        # The grand total is printed only beside both margins.
        withheld.add((rows, cols))
    entries = [(i, j) for i in range(rows + 1) for j in range(cols + 1)]
    # An empty group is no one: it may show as 0. A group of 1 to k-1 members may not.
    suppressed = {e for e in entries if e not in withheld and 0 < members[e[0]][e[1]] < k}
    while True:
        hidden = suppressed | withheld
        exposed = [bridge for bridge in sorted(bridges(hidden)) if bridge in suppressed]
        extra = complement(exposed[0], hidden, entries, values, rows, cols) if exposed else None
        if extra is None:
            # Protected, or nothing left to hide (then every entry is hidden anyway).
            return suppressed, withheld
        suppressed.add(extra)


def complement(bridge: Entry, hidden: set[Entry], entries: list[Entry], values, rows: int, cols: int) -> Entry | None:
    """The entry to hide so that `bridge` lies on a cycle, or at least joins a larger component."""
    rest = hidden - {bridge}
    side_a = component(("r", bridge[0]), rest)
    side_b = component(("c", bridge[1]), rest)
    visible = [e for e in entries if e not in hidden]

    def cost(entry: Entry) -> tuple:
        # Prefer inner cells over totals and small counts over large ones (less lost), but not empty
        # cells: hiding a 0 beside a small group would leave the line's hidden sum small.
        i, j = entry
        return (i == rows or j == cols, values[i][j] == 0, values[i][j], i, j)

    crossing = [
        (i, j)
        for i, j in visible
        if (("r", i) in side_a and ("c", j) in side_b) or (("r", i) in side_b and ("c", j) in side_a)
    ]
    if crossing:
        return min(crossing, key=cost)
    near = side_a | side_b
    touching = [(i, j) for i, j in visible if ("r", i) in near or ("c", j) in near]
    return min(touching or visible, key=cost, default=None)


def component(start: Node, edges: Iterable[Entry]) -> set[Node]:
    """The nodes reachable from `start` through these hidden entries."""
    adjacency = adjacency_of(edges)
    seen, stack = {start}, [start]
    while stack:
        for neighbour, _edge in adjacency.get(stack.pop(), []):
            if neighbour not in seen:
                seen.add(neighbour)
                stack.append(neighbour)
    return seen


def adjacency_of(edges: Iterable[Entry]) -> dict[Node, list[tuple[Node, Entry]]]:
    """Each line's hidden entries, as graph neighbours."""
    adjacency: dict[Node, list[tuple[Node, Entry]]] = {}
    for i, j in edges:
        adjacency.setdefault(("r", i), []).append((("c", j), (i, j)))
        adjacency.setdefault(("c", j), []).append((("r", i), (i, j)))
    return adjacency


def bridges(edges: Iterable[Entry]) -> set[Entry]:
    """Hidden entries on no cycle: their value follows from the published lines (Tarjan, iterative)."""
    adjacency = adjacency_of(edges)
    order: dict[Node, int] = {}
    low: dict[Node, int] = {}
    found: set[Entry] = set()
    for root in adjacency:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack = [(root, None, iter(adjacency[root]))]
        while stack:
            node, via, neighbours = stack[-1]
            advanced = False
            for neighbour, edge in neighbours:
                if edge == via:
                    continue
                if neighbour in order:
                    low[node] = min(low[node], order[neighbour])
                else:
                    order[neighbour] = low[neighbour] = len(order)
                    stack.append((neighbour, edge, iter(adjacency[neighbour])))
                    advanced = True
                    break
            if not advanced:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        found.add(via)
    return found
