"""The fast paths of the Whoosh engine: postings read in blocks, cached facet columns, exact top-N scoring.

Whoosh recomputes facets and scores every match on each query; at 100,000 replies that costs hundreds of
milliseconds. These pieces read each segment once and work on document-number sets instead.
"""

import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from pathlib import Path

from whoosh import collectors
from whoosh.matching.wrappers import FilterMatcher

from forum.search.backend import FIELD_BOOSTS, period_bounds

FACET_FIELDS = {"specialty": "specialty", "tag": "tags", "solved": "solved", "question_type": "question_type"}
# Column fields whose value per document the facet table keeps (tags come from their postings).
COLUMN_FACETS = ("specialty", "question_type", "solved")
# Postings whose scores a searcher keeps (about 100 bytes each).
TERM_SCORES_CACHE = 2_000_000


def posting_ids(matcher) -> list[int]:
    """Every document number of a term's postings, read a block at a time rather than one posting at a time.

    Deleted documents may be included: callers intersect with the live documents.
    """
    inner = matcher.child if isinstance(matcher, FilterMatcher) else matcher
    if not all(hasattr(inner, name) for name in ("_read_ids", "_next_block", "_blocklength")):
        return list(matcher.all_ids())
    ids: list[int] = []
    while inner.is_active():
        if inner._ids is None:
            inner._read_ids()
        ids.extend(inner._ids[inner._i : inner._blocklength])
        inner._next_block()
    return ids


def posting_weights(matcher) -> tuple[list[int], list[float]]:
    """Document numbers and term frequencies (weights) of a term's postings, read a block at a time."""
    inner = matcher.child if isinstance(matcher, FilterMatcher) else matcher
    if not all(hasattr(inner, name) for name in ("_read_ids", "_read_weights", "_next_block", "_blocklength")):
        return [list(items) for items in zip(*matcher.items_as("weight"), strict=True)] or ([], [])  # pragma: no cover
    ids: list[int] = []
    weights: list[float] = []
    while inner.is_active():
        if inner._ids is None:
            inner._read_ids()
        if inner._weights is None:
            inner._read_weights()
        ids.extend(inner._ids[inner._i : inner._blocklength])
        weights.extend(inner._weights[inner._i : inner._blocklength])
        inner._next_block()
    return ids, weights


@dataclass
class SegmentFacets:
    """Per document of one segment, the values facets count and the lengths scoring needs (read once per segment)."""

    columns: dict[str, list]
    tags: list[tuple[str, ...]]
    created: list[datetime | None]
    lengths: dict[str, list] | None = None


def segment_facets(reader) -> SegmentFacets:
    """Read a segment's facet values from its columns and its tag postings."""
    count = reader.doc_count_all()
    columns = {}
    for name in COLUMN_FACETS:
        columns[name] = list(reader.column_reader(name)) if reader.has_column(name) else [""] * count
    created = list(reader.column_reader("created")) if reader.has_column("created") else [None] * count
    tags: list[list[str]] = [[] for _ in range(count)]
    if "tags" in reader.indexed_field_names():
        for btext in reader.lexicon("tags"):
            text = btext.decode("utf-8")
            for docnum in posting_ids(reader.postings("tags", btext)):
                tags[docnum].append(text)
    # Field lengths as the scorer sees them (byte-encoded, as searcher.doc_field_length(doc, field, 1) returns them).
    lengths = {name: [reader.doc_field_length(docnum, name, 1) for docnum in range(count)] for name in FIELD_BOOSTS}
    return SegmentFacets(columns, [tuple(found) for found in tags], created, lengths)


class FacetTable:
    """The facet values of every document of a searcher, by global document number, and its live documents."""

    _segments: dict[tuple[str, str], SegmentFacets] = {}
    _lock = threading.Lock()

    def __init__(self, searcher, folder: Path):
        self.columns: dict[str, list] = {name: [] for name in COLUMN_FACETS}
        self.tags: list[tuple[str, ...]] = []
        self.created: list[datetime | None] = []
        self.live: set[int] = set()
        # Per segment (reader, offset, per-field lengths), and the BM25F scores of terms already looked up.
        self.segments: list[tuple[object, int, dict[str, list]]] = []
        self.term_scores: dict[tuple[str, str], dict[int, float]] = {}
        self.term_scores_size = 0
        keys = set()
        for reader, offset in searcher.reader().leaf_readers():
            if reader.segment() is None or not reader.doc_count_all():
                continue  # an empty index has a reader without segment
            key = (str(folder), reader.segment().segment_id())
            keys.add(key)
            with self._lock:
                found = self._segments.get(key)
            if found is None:
                found = segment_facets(reader)
                with self._lock:
                    self._segments[key] = found
            for name in COLUMN_FACETS:
                self.columns[name].extend(found.columns[name])
            self.tags.extend(found.tags)
            self.created.extend(found.created)
            self.segments.append((reader, offset, found.lengths))
            deleted = reader.deleted_docs_set if reader.has_deletions() else ()
            self.live.update(offset + docnum for docnum in range(reader.doc_count_all()) if docnum not in deleted)
        with self._lock:
            # Segments merged away, or of an older generation, are of no further use.
            for key in [key for key in self._segments if key not in keys]:
                del self._segments[key]

    def term_scores_of(self, searcher, fieldname: str, text: str) -> dict[int, float]:
        """Per global document holding the term, its unboosted BM25F score, exactly as Whoosh's scorer computes it.

        Kept for the life of this searcher (idf and average lengths are the searcher's), up to a number of postings.
        """
        key = (fieldname, text)
        found = self.term_scores.get(key)
        if found is not None:
            return found
        weighting = searcher.weighting
        idf, avgfl = searcher.idf(fieldname, text), searcher.avg_field_length(fieldname) or 1
        big_b, k1 = weighting.B, weighting.K1
        found = {}
        for reader, offset, lengths in self.segments:
            if (fieldname, text) not in reader:
                continue
            ids, weights = posting_weights(reader.postings(fieldname, text))
            column = lengths[fieldname]
            # whoosh.scoring.bm25(idf, tf, fl, avgfl, B, K1), term for term, so the floats are the same.
            found.update(
                (offset + doc, idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - big_b) + big_b * column[doc] / avgfl))))
                for doc, tf in zip(ids, weights, strict=True)
            )
        if self.term_scores_size + len(found) > TERM_SCORES_CACHE:
            self.term_scores.clear()
            self.term_scores_size = 0
        self.term_scores[key] = found
        self.term_scores_size += len(found)
        return found

    def narrow(self, docs: set[int], filters: dict, now: datetime) -> set[int]:
        """The documents having every chosen facet value."""
        for name, value in filters.items():
            if name == "tag":
                tags = self.tags
                docs = {doc for doc in docs if value in tags[doc]}
            elif name == "period" and value in ("month", "year", "older"):
                month, year = period_bounds(now)
                created = self.created
                docs = {doc for doc in docs if value in period_of(created[doc], month, year)}
            elif name in FACET_FIELDS:
                column, value = self.columns[FACET_FIELDS[name]], str(value)
                docs = {doc for doc in docs if column[doc] == value}
        return docs

    def counts(self, docs: set[int], now: datetime) -> dict[str, dict[str, int]]:
        """How many of these documents have each facet value."""
        counted = {
            name: dict(Counter(self.columns[field][doc] for doc in docs))
            for name, field in FACET_FIELDS.items()
            if field in self.columns
        }
        counted["tag"] = dict(Counter(chain.from_iterable(self.tags[doc] for doc in docs)))
        month, year = period_bounds(now)
        created = self.created
        counted["period"] = dict(Counter(chain.from_iterable(period_of(created[doc], month, year) for doc in docs)))
        return {name: counted[name] for name in ("specialty", "tag", "solved", "question_type", "period")}


class ExactTopCollector(collectors.TopCollector):
    """The top N by exact score: matchers are still simplified as they run out, never pruned on quality bounds."""

    def _collect(self, global_docnum, score):
        result = super()._collect(global_docnum, score)
        self.minscore = 0
        return result


def period_of(created: datetime | None, month: datetime, year: datetime) -> tuple[str, ...]:
    """The periods a date falls in (the last month is within the last year)."""
    if created is None:
        return ()
    if created >= month:
        return ("month", "year")
    return ("year",) if created >= year else ("older",)
