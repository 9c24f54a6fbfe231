"""A bar chart drawn on the server as SVG geometry: the site's CSP forbids inline scripts."""

from dataclasses import dataclass

BAR_HEIGHT = 22
GAP = 6
LABEL_WIDTH = 220
PLOT_WIDTH = 420
MAX_BARS = 40


@dataclass(frozen=True)
class Bar:
    """One bar: its label, value (None when suppressed) and geometry."""

    label: str
    value: int | None
    y: int
    width: int


def bars(points: list[tuple[str, int | None]]) -> dict:
    """Geometry for a horizontal bar chart of at most MAX_BARS points."""
    points = points[:MAX_BARS]
    largest = max((value for _label, value in points if value), default=0)
    drawn = [
        Bar(label, value, index * (BAR_HEIGHT + GAP), round(PLOT_WIDTH * value / largest) if value and largest else 0)
        for index, (label, value) in enumerate(points)
    ]
    return {
        "bars": drawn,
        "height": max(1, len(drawn) * (BAR_HEIGHT + GAP)),
        "width": LABEL_WIDTH + PLOT_WIDTH + 80,
        "label_width": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
    }
