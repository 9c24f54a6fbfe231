"""The OpenAPI description of the search route."""

from forum.api.openapi_base import BEARER, ref, responses

TEXT = {"type": "string"}
FACET_VALUES = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["value", "count"],
        "properties": {"value": TEXT, "count": {"type": "integer"}},
    },
}

SEARCH_SCHEMAS = {
    "SearchHit": {
        "type": "object",
        "required": ["case_id", "title", "snippet_html", "score"],
        "properties": {
            "case_id": {"type": "integer"},
            "title": TEXT,
            "snippet_html": {"type": "string", "description": "Escaped text with <mark> around matched words"},
            "score": {"type": "number", "description": "Relevance (0 when sorted by date)"},
            "specialty": TEXT,
            "question_type": TEXT,
            "tags": {"type": "array", "items": TEXT},
            "solved": {"type": "boolean"},
            "status": {"enum": ["open", "solved"]},
            "reply_count": {"type": "integer"},
            "created_at": {"type": ["string", "null"], "format": "date-time"},
        },
    },
    "SearchResults": {
        "type": "object",
        "required": ["items", "total", "page", "pages", "facets"],
        "properties": {
            "items": {"type": "array", "items": ref("SearchHit")},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "pages": {"type": "integer"},
            "facets": {
                "type": "object",
                "properties": {
                    name: FACET_VALUES for name in ("specialty", "tag", "solved", "question_type", "period")
                },
            },
            "suggestion": {"type": ["string", "null"], "description": "The query with misspelled words corrected"},
            "relaxed": {"type": "boolean", "description": "No case had every word; results have some of them"},
            "query": TEXT,
            "filters": {"type": "object", "additionalProperties": TEXT},
            "sort": {"enum": ["relevance", "date"]},
        },
    },
}


def query_parameter(name: str, schema: dict, description: str) -> dict:
    """An optional query-string parameter."""
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


SEARCH_PATHS = {
    "/search": {
        "get": {
            "summary": 'Search cases: words, "exact phrase", -excluded, OR (verified members)',
            "security": BEARER,
            "parameters": [
                query_parameter("q", TEXT, "What to look for; any text is accepted"),
                query_parameter("specialty", TEXT, "A specialty slug, e.g. cardiology"),
                query_parameter("tag", TEXT, "A tag"),
                query_parameter("solved", {"enum": ["true", "false"]}, "Only solved (or unsolved) cases"),
                query_parameter("question_type", TEXT, "diagnosis, treatment, referral, administrative, other"),
                query_parameter(
                    "period", {"enum": ["month", "year", "older"]}, "Created within 30 days, a year, or before"
                ),
                query_parameter("sort", {"enum": ["relevance", "date"]}, "Best match first (default) or newest first"),
                query_parameter("page", {"type": "integer", "minimum": 1}, "Page number, 20 cases per page"),
            ],
            "responses": responses("200", ref("SearchResults"), 401, 403),
        }
    }
}
