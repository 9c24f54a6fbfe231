"""A parsed query as PostgreSQL full-text search: tsquery texts, the conditions of a search, its facets.

The stems of the shared query parser are the lexemes of the `forum_fr` and `forum_en` configurations
(the same snowball stemmers, fed with the same folded words), so a tsquery is written from them directly
(a cast, with no dictionary run on it). Like the Whoosh engine, which indexes the French and the English
stem of each word, a word matches when any of its stems is in either vector.

The SQL below is put together from these fixed fragments only; every value is a bound parameter.
"""

from datetime import datetime

from forum.search.backend import FIELD_BOOSTS, period_bounds
from forum.search.query import Alternative, Clause, ParsedQuery, Position

# ts_rank's weights of the labels {D, C, B, A}: replies and labels, opening post, tags, title.
WEIGHTS = [FIELD_BOOSTS[name] / FIELD_BOOSTS["title"] for name in ("replies", "body", "tags_text", "title")]


def lexeme(stem: str) -> str:
    """A stem as a quoted tsquery lexeme."""
    return "'" + stem.replace("\\", "\\\\").replace("'", "''") + "'"


def word_tsquery(stems: Position) -> str:
    """Any stem of one word."""
    return "(" + " | ".join(lexeme(stem) for stem in stems) + ")"


def alternative_tsquery(alternative: Alternative) -> str:
    """One word (any of its stems), or a run of words in order (their French stems, as the Whoosh engine)."""
    if len(alternative) == 1:
        return word_tsquery(alternative[0])
    return "(" + " <-> ".join(lexeme(position[0]) for position in alternative) + ")"


def clause_tsquery(clause: Clause) -> str:
    """A clause matches when any of its alternatives does."""
    return "(" + " | ".join(alternative_tsquery(alternative) for alternative in clause.alternatives) + ")"


def marked_tsquery(query: ParsedQuery) -> str:
    """Every required word and phrase, any of them: what ranking and highlighting look for."""
    return " | ".join(clause_tsquery(clause) for clause in query.required)


def vector_match(parameter: str) -> str:
    """The condition that a document holds the tsquery of a bound parameter, in French or in English."""
    found = f"CAST(:{parameter} AS tsquery)"
    return f"(d.french @@ {found} OR d.english @@ {found})"


def conditions(query: ParsedQuery, filters: dict, now: datetime, relaxed: bool = False) -> tuple[str, dict]:
    """The WHERE clause over `search_documents d` for a query and its filters, with its parameters."""
    parts, params = [], {}
    required = []
    for number, clause in enumerate(query.required):
        params[f"required{number}"] = clause_tsquery(clause)
        required.append(vector_match(f"required{number}"))
    if required:
        parts.append("(" + (" OR " if relaxed else " AND ").join(required) + ")")
    for number, clause in enumerate(query.excluded):
        params[f"excluded{number}"] = clause_tsquery(clause)
        parts.append("NOT " + vector_match(f"excluded{number}"))
    month, year = period_bounds(now)
    for name, value in filters.items():
        if name in ("specialty", "question_type"):
            parts.append(f"d.{name} = :{name}")
            params[name] = value
        elif name == "solved":
            parts.append("(CASE WHEN d.solved THEN 'yes' ELSE 'no' END) = :solved")
            params["solved"] = value
        elif name == "tag":
            parts.append(":tag = ANY(string_to_array(d.tags, ','))")
            params["tag"] = value
        elif name == "period" and value in ("month", "year", "older"):
            parts.append("d.created < :since" if value == "older" else "d.created >= :since")
            params["since"] = month if value == "month" else year
    return " AND ".join(parts) or "TRUE", params


def facets_sql(where: str) -> str:
    """Counts of each facet value among the matching documents: rows of (facet, value, count)."""
    return f"""
        WITH matched AS MATERIALIZED (
            SELECT d.specialty, d.question_type, d.solved, d.created, d.tags FROM search_documents d WHERE {where}
        )
        SELECT 'specialty', specialty, count(*) FROM matched GROUP BY specialty
        UNION ALL SELECT 'question_type', question_type, count(*) FROM matched GROUP BY question_type
        UNION ALL SELECT 'solved', CASE WHEN solved THEN 'yes' ELSE 'no' END, count(*) FROM matched GROUP BY solved
        UNION ALL SELECT 'tag', tag, count(*) FROM (SELECT unnest(string_to_array(tags, ',')) AS tag FROM matched) AS t
            GROUP BY tag
        UNION ALL SELECT 'period', period.name, period.count FROM (
            SELECT count(*) FILTER (WHERE created >= :month_start) AS month,
                   count(*) FILTER (WHERE created >= :year_start) AS year,
                   count(*) FILTER (WHERE created < :year_start) AS older
            FROM matched
        ) AS counted, LATERAL (VALUES ('month', month), ('year', year), ('older', older)) AS period(name, count)
        WHERE period.count > 0
    """


def page_sql(where: str, by_date: bool) -> str:
    """One page of matching documents, best first (ts_rank of both vectors) or newest first."""
    if by_date:
        score, order = "0.0", "d.created DESC, d.case_id"
    else:
        ranked = "CAST(:ranked AS tsquery)"
        weights = "CAST(:weights AS real[])"
        score = f"ts_rank({weights}, d.french, {ranked}, 1) + ts_rank({weights}, d.english, {ranked}, 1)"
        order = "score DESC, d.case_id"
    return f"""
        SELECT d.case_id, d.title, d.specialty, d.question_type, d.tags, d.solved, d.reply_count, d.created,
               left(d.body, 241) AS opening, {score} AS score
        FROM search_documents d WHERE {where} ORDER BY {order} LIMIT :limit OFFSET :offset
    """
