"""Benchmark full-text search on a deterministic community: Whoosh (our engine) beside SQLite FTS5.

    .venv/bin/python bench/search.py [--cases 10000] [--replies 100000] [--procs 2]

Builds the demo community (forum.demo) in a temporary instance folder, rebuilds the Whoosh index with
`--procs` processes, then runs 50 fixed queries (words, phrases, exclusions, OR, filters) several times
and reports p50/p95 latency of the whole search call (parsing, synonyms, facets, snippets of the first
page). FTS5 indexes the same plain text (accents folded by unicode61) and answers the same queries.
"""

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

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
    return {
        "build": build,
        "size": db_path.stat().st_size,
        "p50": percentile(timings, 0.5),
        "p95": percentile(timings, 0.95),
    }


def main() -> None:
    """Build, index, query, print the figures side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--replies", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=400)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3, help="How many times each query runs")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="confreres-search-bench-"))
    os.environ["FORUM_INSTANCE"] = str(folder / "instance")
    from sqlalchemy.orm import Session

    from forum import create_app
    from forum.demo.generator import build_community
    from forum.extensions import db
    from forum.search.backend import backend_for
    from forum.search.documents import all_documents
    from forum.search.query import parse_query
    from forum.search.queue import drain_now

    app = create_app({"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1})
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        build_community(args.members, args.cases, args.replies, seed=1, password="banc d'essai de la recherche")
        print(
            f"Community: {args.cases:,} cases, {args.replies:,} replies built in {time.perf_counter() - started:.1f} s"
        )
        drain_now(app)
        backend = backend_for(app)
        with Session(app.extensions["search_worker"].engine()) as session:
            figures = backend.rebuild(session, procs=args.procs)
            documents = list(all_documents(session))
        synonyms = backend.synonyms()
        timings = []
        backend.search(parse_query("warm", synonyms), {}, 1, "relevance", 20)
        for _ in range(args.repeat):
            for text, filters in QUERIES:
                started = time.perf_counter()
                backend.search(parse_query(text, synonyms), filters, 1, "relevance", 20, typed=text)
                timings.append(time.perf_counter() - started)
        fts = run_fts(folder / "fts.db", documents, args.repeat)
    print(f"{len(QUERIES)} queries x {args.repeat}, first page of 20 with facets and snippets\n")
    print(f"{'':24}{'Whoosh':>14}{'SQLite FTS5':>14}")
    print(f"{'build (s)':24}{figures['seconds']:>14.1f}{fts['build']:>14.1f}")
    print(f"{'index size (MB)':24}{figures['bytes'] / 1e6:>14.1f}{fts['size'] / 1e6:>14.1f}")
    print(f"{'p50 latency (ms)':24}{percentile(timings, 0.5):>14.1f}{fts['p50']:>14.1f}")
    print(f"{'p95 latency (ms)':24}{percentile(timings, 0.95):>14.1f}{fts['p95']:>14.1f}")
    print(f"\nWhoosh build used {figures['procs']} process(es); targets: p95 < 50 ms, rebuild < 180 s.")


if __name__ == "__main__":
    main()
