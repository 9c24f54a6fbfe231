"""Search fixtures: cases written through the services, and a way to wait for the index deterministically."""

import pytest

from forum.search.queue import drain_now
from forum.search.services import search_cases


@pytest.fixture
def find(app, make_user):
    """find(q, viewer=None, **filters) -> the search result dict, once every committed change is indexed."""
    reader = make_user()

    def search(q: str = "", viewer=None, page: int = 1, sort: str | None = None, **filters):
        drain_now(app)
        return search_cases(viewer or reader, q, filters, page, sort)

    return search


@pytest.fixture
def titles(find):
    """titles(q, **filters) -> the titles found, best first."""
    return lambda q="", **filters: [item["title"] for item in find(q, **filters)["items"]]
