"""The search page: a form, results grouped by case with their highlighted passage, facets, pages."""

from flask import Blueprint, render_template, request
from flask_login import current_user

from forum.accounts.access import require_member
from forum.search.services import search_cases

bp = Blueprint("search", __name__)


@bp.route("/search")
def index():
    """Search past cases; filters come as facet links, any text is a valid query."""
    args = request.args
    filters = {name: args.get(name) for name in ("specialty", "tag", "solved", "question_type", "period")}
    asked = bool(args.get("q", "").strip()) or any(filters.values())
    page = args.get("page", 1, type=int) or 1
    require_member(current_user)
    result = search_cases(current_user, args.get("q", ""), filters, page, args.get("sort")) if asked else None
    return render_template("search/index.html", result=result, query=args.get("q", ""), asked=asked)
