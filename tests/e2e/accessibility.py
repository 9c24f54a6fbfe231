"""The axe-core check every page of a browser journey must pass."""

from pathlib import Path

import pytest
from playwright.sync_api import Page

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
BLOCKING_IMPACTS = ("serious", "critical")


def assert_accessible(page: Page) -> None:
    """Run axe-core on the page; fail on any serious or critical violation.

    axe is evaluated through the DevTools protocol rather than added as a <script>
    tag: the site's CSP (`script-src 'self'`) rightly refuses inline scripts, and
    keeping that policy on means the journey also proves the pages work under it.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE + "\n;undefined")
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    blocking = [v for v in results["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    if blocking:
        lines = [f"{len(blocking)} serious/critical accessibility violation(s) on {page.url}:"]
        for violation in blocking:
            lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']}")
            for node in violation["nodes"]:
                summary = node.get("failureSummary", "").replace("\n", " ")
                lines.append(f"    {' '.join(map(str, node['target']))} — {node['html'][:160]} — {summary}")
        pytest.fail("\n".join(lines))
