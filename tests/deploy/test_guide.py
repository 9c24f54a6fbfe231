"""The deployment guide shows the repository's files exactly as they are: what it installs is what the tests run."""

import pytest

from deploy.loopback import ROOT

GUIDE = ROOT / "docs" / "deployment.md"
SHOWN = [
    "nginx/confreres.conf",
    "nginx/confreres-http.conf",
    "nginx/site.conf",
    "nginx/backends.conf",
    "confreres.env.example",
]


@pytest.mark.parametrize("name", SHOWN)
def test_the_guide_shows_the_file_verbatim(name):
    text = (ROOT / "deploy" / name).read_text()
    assert f"\n{text}```" in GUIDE.read_text(), f"docs/deployment.md no longer shows deploy/{name} as it is"


def test_every_file_the_guide_installs_exists():
    guide = GUIDE.read_text()
    for path in ["deploy/systemd/confreres@.service", "deploy/systemd/confreres.target", "deploy/confreres-flask"]:
        assert path in guide and (ROOT / path).is_file(), path
