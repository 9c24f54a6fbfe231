"""Benchmark full-text search on a deterministic community: Whoosh and PostgreSQL side by side, and SQLite FTS5.

    .venv/bin/python bench/search.py [--cases 10000] [--replies 100000] [--procs 2] [--postgres URL]

Builds the demo community (forum.demo, same seed, so the same corpus) twice: in a SQLite database for the
Whoosh engine, and in a throwaway schema of a PostgreSQL database for the PostgreSQL engine (`--postgres`,
default $FORUM_BENCH_POSTGRES_URL or postgresql+psycopg://postgres@127.0.0.1:5432/test; the schema is built
by the migrations and dropped at the end; `--postgres ''` skips it). Each engine rebuilds its index, then
runs 50 fixed queries (words, phrases, exclusions, OR, filters) several times: p50/p95 latency of the whole
search call (parsing, synonyms, facets, snippets of the first page). FTS5 indexes the same plain text
(accents folded by unicode61) and answers the same queries. The last lines compare the two engines' answers.
"""

import argparse
import os
import secrets
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
FAST_ARGON2 = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1}
QUERIES = [
    ("douleur thoracique", {}), ("douleurs thoraciques", {}), ("dyspnée", {}), ("IDM", {}),
    ("infarctus du myocarde", {}), ("HTA", {}), ("hypertension artérielle", {}), ("diabète", {}),
    ("insuffisance cardiaque", {}), ("fièvre enfant", {}), ("eruption", {}), ("ecg", {}),
    ("anticoagulant", {}), ("metformine", {}), ("lombalgie", {}), ("vertige", {}), ("toux chronique", {}),
    ("céphalée", {}), ("grossesse", {}), ("dépression", {}), ("anémie", {}), ("thyroïde", {}),
    ("asthme", {}), ("BPCO", {}), ("AVC", {}), ('"bilan biologique"', {}), ('"avis spécialisé"', {}),
    ('"première intention"', {}), ('"examen clinique"', {}), ('"prise en charge"', {}),
    ("douleur -thoracique", {}), ("fièvre -enfant", {}), ("toux OR dyspnée", {}), ("HTA OR diabète", {}),
    ("douleur", {"specialty": "cardiology"}), ("traitement", {"specialty": "general-practice"}),
    ("bilan", {"solved": "true"}), ("avis", {"solved": "false"}), ("diabète", {"period": "year"}),
    ("patient", {"question_type": "treatment"}), ("", {"specialty": "pediatrics"}), ("", {"solved": "true"}),
    ("douleur thoracique effort", {}), ("patiente âgée chute", {}), ("enfant fièvre éruption", {}),
    ("insuffisance rénale", {}), ("antibiotique", {}), ("échographie", {}), ("scanner", {}), ("IRM", {}),
]  # fmt: skip


def percentile(values: list[float], share: float) -> float:
    """The value under which `share` of the values fall, in milliseconds."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def fts_query(text: str) -> str:
    """The same query in FTS5 syntax: words and phrases quoted, -word as NOT, OR kept."""
    import re

    parts, negatives = [], []
    for minus, phrase, word in re.findall(r'(-?)"([^"]*)"|(\S+)', text):
        if word == "OR":
            parts.append("OR")
            continue
        token = phrase or word
        negative = bool(minus) or (word.startswith("-") and len(word) > 1)
        token = token.lstrip("-").replace('"', "")
        (negatives if negative else parts).append(f'"{token}"')
    query = " ".join(parts) or '"patient"'
    return query + "".join(f" NOT {n}" for n in negatives)


def run_fts(db_path: Path, documents: list[dict], repeat: int) -> dict:
    """Build an FTS5 table of the same documents and time the same queries."""
    connection = sqlite3.connect(db_path)
    started = time.perf_counter()
    connection.execute(
        "CREATE VIRTUAL TABLE cases USING fts5(title, body, replies, tags, specialty UNINDEXED, solved UNINDEXED, "
        "question_type UNINDEXED, tokenize='unicode61 remove_diacritics 2')"
    )
    connection.executemany(
        "INSERT INTO cases VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(d["title"], d["body"], d["replies"], d["tags_text"], d["specialty"], d["solved"], d["question_type"])
         for d in documents],
    )  # fmt: skip
    connection.commit()
    build = time.perf_counter() - started
    timings = []
    for _ in range(repeat):
        for text, filters in QUERIES:
            where = "".join(f" AND {name} = ?" for name in filters if name != "period")
            values = [{"true": "yes", "false": "no"}.get(v, v) for name, v in filters.items() if name != "period"]
            started = time.perf_counter()
            sql = f"SELECT rowid, snippet(cases, 2, '<mark>', '</mark>', '…', 20) FROM cases WHERE cases MATCH ?{where}"
            connection.execute(sql + " ORDER BY rank LIMIT 20", [fts_query(text), *values]).fetchall()
            connection.execute(f"SELECT count(*) FROM cases WHERE cases MATCH ?{where}", [fts_query(text), *values])
            timings.append(time.perf_counter() - started)
    connection.close()
    return {"build": build, "bytes": db_path.stat().st_size, "timings": timings}


def run_engine(engine: str, instance: Path, database: str | None, args) -> dict:
    """Build the community in a database, rebuild one engine's index, time the queries; keep the answers."""
    from flask_migrate import upgrade
    from sqlalchemy.orm import Session

    from forum import create_app
    from forum.demo.generator import build_community
    from forum.extensions import db
    from forum.search.backend import backend_for
    from forum.search.documents import all_documents
    from forum.search.query import parse_query
    from forum.search.queue import drain_now
    from forum.search.services import clean_filters

    os.environ["FORUM_INSTANCE"] = str(instance)
    settings = {**FAST_ARGON2, "SEARCH_BACKEND": engine}
    if database:
        settings["SQLALCHEMY_DATABASE_URI"] = database
    app = create_app(settings)
    with app.app_context():
        upgrade() if database else db.create_all()
        drain_now(app)  # the start-up check runs now, on the empty database, not in the middle of the build
        started = time.perf_counter()
        build_community(args.members, args.cases, args.replies, seed=1, password="banc d'essai de la recherche")
        print(f"  {engine}: community built in {time.perf_counter() - started:.1f} s; indexing…", file=sys.stderr)
        backend = backend_for(app)
        with Session(app.extensions["search_worker"].engine()) as session:
            figures = backend.rebuild(session, procs=args.procs)
            documents = list(all_documents(session)) if engine == "whoosh" else []
        synonyms = backend.synonyms()
        timings, answers = [], []
        backend.search(parse_query("warm", synonyms), {}, 1, "relevance", 20)
        for _ in range(args.repeat):
            answers = []
            for text, filters in QUERIES:
                started = time.perf_counter()
                cleaned = clean_filters(filters)  # as the page and the API hand them over: solved=true is "yes"
                results = backend.search(parse_query(text, synonyms), cleaned, 1, "relevance", 20, typed=text)
                timings.append(time.perf_counter() - started)
                answers.append((results.total, [hit.case_id for hit in results.hits]))
        db.session.remove()
        db.engine.dispose()
    return {**figures, "build": figures["seconds"], "timings": timings, "answers": answers, "documents": documents}


def postgres_schema(url: str):
    """A throwaway schema of the database at `url`: (its address, the function that drops it)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    admin = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    schema = f"fts_bench_{secrets.token_hex(4)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()

    address = make_url(url).update_query_dict({"options": f"-csearch_path={schema},public"})
    return address.render_as_string(hide_password=False), drop


def agreement(first: list, second: list) -> tuple[int, int]:
    """How many queries have the same number of results, and the same first result."""
    same_total = sum(a[0] == b[0] for a, b in zip(first, second, strict=True))
    same_top = sum(a[1][:1] == b[1][:1] for a, b in zip(first, second, strict=True))
    return same_total, same_top


def main() -> None:
    """Build, index, query, print the figures side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--replies", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=400)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3, help="How many times each query runs")
    parser.add_argument("--postgres", default=os.environ.get("FORUM_BENCH_POSTGRES_URL", DEFAULT_POSTGRES))
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="confreres-search-bench-"))
    results = {"Whoosh": run_engine("whoosh", folder / "whoosh", None, args)}
    if args.postgres:
        from sqlalchemy.exc import OperationalError

        try:
            address, drop = postgres_schema(args.postgres)
        except OperationalError as error:
            print(f"PostgreSQL unreachable, its column is left out: {error.orig}", file=sys.stderr)
        else:
            try:
                results["PostgreSQL"] = run_engine("postgres", folder / "postgres", address, args)
            finally:
                drop()
    results["SQLite FTS5"] = run_fts(folder / "fts.db", results["Whoosh"]["documents"], args.repeat)
    shutil.rmtree(folder, ignore_errors=True)
    print(f"\n{args.cases:,} cases, {args.replies:,} replies; {len(QUERIES)} queries x {args.repeat}, "
          "first page of 20 with facets and snippets\n")  # fmt: skip
    print(f"{'':24}" + "".join(f"{name:>14}" for name in results))
    rows = [
        ("index build (s)", lambda r: r["build"]),
        ("index size (MB)", lambda r: r["bytes"] / 1e6),
        ("p50 latency (ms)", lambda r: percentile(r["timings"], 0.5)),
        ("p95 latency (ms)", lambda r: percentile(r["timings"], 0.95)),
    ]
    for label, value in rows:
        print(f"{label:24}" + "".join(f"{value(figures):>14.1f}" for figures in results.values()))
    print(f"\nWhoosh build used {results['Whoosh']['procs']} process(es); targets: p95 < 50 ms, rebuild < 180 s.")
    if "PostgreSQL" in results:
        same_total, same_top = agreement(results["Whoosh"]["answers"], results["PostgreSQL"]["answers"])
        print(
            f"Whoosh and PostgreSQL agree on the number of results of {same_total}/{len(QUERIES)} queries "
            f"and on the first result of {same_top}/{len(QUERIES)}."
        )


if __name__ == "__main__":
    main()
