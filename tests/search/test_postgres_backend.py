"""The PostgreSQL engine's own rules: its configurations, its GIN indexes, its limits, its snippets and words.

They need PostgreSQL: they run in the `pytest --database postgres` pass and are left out of the SQLite one.
"""

import html
import itertools
import random
import re
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from forum import create_app
from forum.extensions import db
from forum.models import Case, Post, SearchDocument
from forum.search.analysis import indexed_words, stems
from forum.search.backend import backend_for
from forum.search.postgres_backend import CANDIDATES_SQL, PostgresBackend
from forum.search.postgres_query import conditions
from forum.search.query import parse_query
from forum.search.queue import drain_now

pytestmark = [pytest.mark.postgres, pytest.mark.app_config(SEARCH_BACKEND="postgres")]
MARK = re.compile(r'<mark class="match term\d">|</mark>')
_markers = itertools.count()


@pytest.fixture
def postgres_engine(app) -> PostgresBackend:
    """The app's engine."""
    backend = backend_for(app)
    assert isinstance(backend, PostgresBackend)
    return backend


def add_thread(author, title: str, body: str, replies: list[str] = ()) -> Case:
    """A case whose posts hold exactly these texts (no Markdown, no length limit), committed."""
    month = datetime.now(UTC).strftime("%Y-%m")
    case = Case(
        author=author, title=title, specialty="general-practice", question_type="diagnosis", created_month=month
    )
    posts = [Post(case=case, author=author, is_opening=True, body_md=body, body_html=html.escape(body))]
    posts += [Post(case=case, author=author, is_opening=False, body_md=r, body_html=html.escape(r)) for r in replies]
    db.session.add_all([case, *posts])
    db.session.commit()
    return case


@pytest.mark.parametrize("word", ["Éruptions", "Œdèmes", "cœliaque", "TA", "SA", "IL", "running", "diseases", "HbA1c"])
def test_the_configurations_stem_a_word_as_the_query_parser_does(app, word):
    # The parser writes tsqueries from its own stems: they must be the lexemes the vectors hold.
    [folded] = indexed_words(word)
    for configuration, which in (("forum_fr", 0), ("forum_en", -1)):
        sql = f"SELECT CAST(to_tsvector('{configuration}', :word) AS text)"
        vector = db.session.scalar(text(sql), {"word": folded})
        assert vector == f"'{stems(folded)[which]}':1", configuration


def test_highlights_find_accented_and_ligatured_words_in_the_original_text(make_case, find):
    make_case(title="Cas", body="Un Œdème et une ÉRUPTION, puis des œdèmes.", tags=[])
    snippet = find("oedeme eruption")["items"][0]["snippet_html"]
    assert '<mark class="match term0">Œdème</mark>' in snippet
    assert '<mark class="match term1">ÉRUPTION</mark>' in snippet and ">œdèmes</mark>" in snippet


HOSTILE = st.lists(
    st.sampled_from(
        ["<", ">", "&", '"', "'", " ", "\n", "é", "a", "<script>", "</mark>", '<mark class="x">', "&amp;", "&lt;"]
        + ["\ue000", "\ue001", "\ue002", "\ue003", "\ue004", "éruption", "…", "<!--", "-->", "<b", "/>"]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=HOSTILE, after=HOSTILE)
def test_snippets_escape_any_text_and_mark_only_matches(make_user, find, before, after):
    marker = f"repere{next(_markers)}"
    case = add_thread(make_user(), "Cas", f"{before} {marker} {after}")
    snippet = find(marker)["items"][0]["snippet_html"]
    assert f">{marker}</mark>" in snippet
    text_only = MARK.sub("", snippet)
    assert "<" not in text_only and ">" not in text_only
    assert not re.search("[\ue000-\ue004]", snippet)
    stored = db.session.get(SearchDocument, case.id).body
    for passage in html.unescape(text_only).split(" … "):
        assert passage in stored


def test_searches_use_the_gin_indexes(postgres_engine):
    rng = random.Random(7)
    words = [f"terme{n}" for n in range(5000)]
    now = datetime.now(UTC).replace(tzinfo=None)
    documents = [
        {
            "case_id": str(n),
            "title": " ".join(rng.choices(words, k=6)),
            "body": " ".join(rng.choices(words, k=60)) + (" rarissime" if n % 1000 == 0 else ""),
            "replies": " ".join(rng.choices(words, k=200)),
            "tags": "",
            "tags_text": "",
            "meta": "Médecine générale",
            "specialty": "general-practice",
            "question_type": "diagnosis",
            "solved": "no",
            "created": now,
            "reply_count": 3,
        }
        for n in range(1, 4001)
    ]
    postgres_engine.write(db.session, documents)
    postgres_engine.tidy(db.session)
    where, params = conditions(parse_query("rarissime", postgres_engine.synonyms()), {}, now)
    sql = f"EXPLAIN SELECT d.case_id FROM search_documents d WHERE {where}"
    plan = "\n".join(db.session.scalars(text(sql), params))
    assert "ix_search_documents_french" in plan and "ix_search_documents_english" in plan, plan
    plan = "\n".join(db.session.scalars(text(f"EXPLAIN {CANDIDATES_SQL}"), {"word": "rarisime"}))
    assert "ix_search_words_trigrams" in plan, plan


def test_a_thread_too_long_for_one_vector_is_still_indexed(make_user, find):
    # 120,000 different words: more than a tsvector can hold (1 MB, 16,383 positions).
    filler = [f"mot{n:06d}" for n in range(120_000)]
    filler[500], filler[20_000] = "aiguille", "meule"
    add_thread(make_user(), "Fil interminable", "Début du fil.", [" ".join(filler[:60_000]), " ".join(filler[60_000:])])
    assert find("aiguille")["total"] == 1
    assert find("meule")["total"] == 1  # past the positions, still indexed


def test_an_endless_word_is_indexed_without_breaking_the_word_list(make_user, find):
    add_thread(make_user(), "Pneumothorax", "x" * 5000 + " pneumothorax " + "é" * 3000)
    assert find("pneumothorax")["total"] == 1


@pytest.mark.app_config(SEARCH_BACKEND="whoosh")
def test_a_switch_from_whoosh_fills_the_table_at_start_with_a_log_line(app, make_case, make_user, caplog):
    make_case(title="Maladie de Kawasaki")
    drain_now(app)
    assert db.session.scalar(text("SELECT count(*) FROM search_documents")) == 0
    restarted = create_app({**app.config, "SEARCH_BACKEND": "postgres"})
    drain_now(restarted)
    assert "Search index missing" in caplog.text
    from forum.search.services import search_cases

    with restarted.app_context():
        assert [i["title"] for i in search_cases(make_user(), "kawasaki")["items"]] == ["Maladie de Kawasaki"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=60))
def test_any_text_makes_a_valid_text_search_query(find, query):
    result = find(query)
    assert result["total"] >= 0
