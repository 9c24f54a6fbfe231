"""How rendering time grows with the size of a post, on inputs that were once quadratic.

Each input is rendered at 1,000 and 8,000 repetitions of a unit: linear work takes about 8 times
longer, quadratic work 64 times. Run: .venv/bin/python bench/markdown_scaling.py
"""

import time

from forum.content.markdown import render_markdown

# "<http://" hit markdown-it's inline linkify rule; long lists, tables and nested inline elements hit
# html5lib's tree walker under bleach.
UNITS = {"autolinks": "<http://", "list": "- a\n\n", "table": "| 1 |\n", "nested inline": "*[`a`](b)* "}


def best_time(source: str, runs: int) -> float:
    """The fastest of a few renders, in seconds."""
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        render_markdown(source)
        timings.append(time.perf_counter() - start)
    return min(timings)


def main() -> None:
    """Print the time at both sizes and their ratio for each input."""
    print(f"{'input':<15} {'1,000 units':>12} {'8,000 units':>12} {'ratio':>7}  (linear ≈ 8, quadratic ≈ 64)")
    for name, unit in UNITS.items():
        prefix = "| a |\n|---|\n" if name == "table" else ""
        small = best_time(prefix + unit * 1000, runs=3)
        large = best_time(prefix + unit * 8000, runs=2)
        print(f"{name:<15} {small * 1000:>10.1f}ms {large * 1000:>10.1f}ms {large / small:>7.1f}")


if __name__ == "__main__":
    main()
