"""Searching cases for a member: the rules every caller (page, API) shares."""

from forum.accounts.access import require_member
from forum.cases.listing import listed_cases
from forum.extensions import db
from forum.models import Case, User
from forum.search.backend import FACETS, PERIODS, SORTS, SearchResults, backend_for
from forum.search.query import parse_query

PER_PAGE = 20
MAX_PAGE = 500


def clean_filters(raw: dict) -> dict:
    """Known filters with plausible values; anything else is ignored rather than refused."""
    filters = {}
    for name in FACETS:
        value = raw.get(name)
        if isinstance(value, str) and 0 < len(value.strip()) <= 60:
            filters[name] = value.strip()
    solved = filters.get("solved", "").lower()
    if solved:
        mapped = {"true": "yes", "1": "yes", "yes": "yes", "solved": "yes", "false": "no", "0": "no", "no": "no"}
        filters["solved"] = mapped.get(solved, "")
    if "tag" in filters:
        filters["tag"] = filters["tag"].casefold()
    if filters.get("period") not in (*PERIODS, None):
        del filters["period"]
    return {name: value for name, value in filters.items() if value}


def search_cases(
    viewer: User, text: object, filters: dict | None = None, page: object = 1, sort: object = None
) -> dict:
    """A page of the cases matching a member's query, grouped by case, with facets; never an error for odd input."""
    require_member(viewer)
    typed = text.strip()[:500] if isinstance(text, str) else ""
    page = page if isinstance(page, int) and 0 < page <= MAX_PAGE else 1
    sort = sort if sort in SORTS else "relevance"
    filters = clean_filters(filters or {})
    backend = backend_for()
    parsed = parse_query(typed, backend.synonyms())
    results = backend.search(parsed, filters, page, sort, PER_PAGE, typed=typed)
    return as_dict(visible_only(results), typed, filters, sort)


def visible_only(results: SearchResults) -> SearchResults:
    """Drop any case hidden since the index last heard of it (the index catches up within a second)."""
    ids = [hit.case_id for hit in results.hits]
    if ids:
        listed = set(db.session.scalars(listed_cases().with_only_columns(Case.id).where(Case.id.in_(ids))))
        results.hits = [hit for hit in results.hits if hit.case_id in listed]
    return results


def as_dict(results: SearchResults, typed: str, filters: dict, sort: str) -> dict:
    """The list shape of the API ({items, total, page, pages}) plus facets and the spelling suggestion."""
    items = [
        {
            "case_id": hit.case_id,
            "title": hit.title,
            "snippet_html": hit.snippet_html,
            "score": hit.score,
            "specialty": hit.specialty,
            "question_type": hit.question_type,
            "tags": hit.tags,
            "solved": hit.solved,
            "status": "solved" if hit.solved else "open",
            "reply_count": hit.reply_count,
            "created_at": hit.created_at.isoformat() + "Z" if hit.created_at else None,
        }
        for hit in results.hits
    ]
    facets = {
        name: sorted(counts.items(), key=lambda item: (-item[1], item[0])) for name, counts in results.facets.items()
    }
    return {
        "items": items,
        "total": results.total,
        "page": results.page,
        "pages": results.pages,
        "facets": {name: [{"value": v, "count": c} for v, c in pairs if c] for name, pairs in facets.items()},
        "suggestion": results.suggestion,
        "relaxed": results.relaxed,
        "query": typed,
        "filters": filters,
        "sort": sort,
    }
