"""API: full-text search of cases, the same service as the /search page."""

from flask import request

from forum.api.blueprint import api_user, bp
from forum.search.services import search_cases


@bp.get("/search")
def search():
    """Cases matching ?q=, narrowed by specialty, tag, solved, question_type, period; paginated, with facets."""
    args = request.args
    filters = {name: args.get(name) for name in ("specialty", "tag", "solved", "question_type", "period")}
    page = args.get("page", 1, type=int) or 1
    return search_cases(api_user(), args.get("q", ""), filters, page, args.get("sort"))
