"""The Whoosh engine: schema, writing under the writers' lock, searching with facets, snippets and suggestions."""

import heapq
import logging
import threading
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from whoosh import collectors
from whoosh import index as whoosh_index
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.highlight import ContextFragmenter, Highlighter, set_matched_filter, top_fragments
from whoosh.query import And, Every, Or, Phrase, Query, Term
from whoosh.scoring import BM25F
from whoosh.writing import IndexWriter

from forum.models import Case
from forum.search import storage
from forum.search.analysis import plain_analyzer, text_analyzer
from forum.search.backend import FIELD_BOOSTS, SearchHit, SearchResults, page_within
from forum.search.documents import documents_for
from forum.search.query import Alternative, Clause, ParsedQuery
from forum.search.snippets import SNIPPET_SCAN, plain_snippet, snippet_formatter
from forum.search.spelling import MAX_EDITS, corrected_text
from forum.search.synonyms import load_synonyms
from forum.search.whoosh_fast import ExactTopCollector, FacetTable, posting_ids

SNIPPET_FIELDS = ("body", "replies")
# Tries at opening the newest commit while writers keep committing (see open_searcher).
OPEN_ATTEMPTS = 5
HIGHLIGHTER = Highlighter(fragmenter=ContextFragmenter(maxchars=240, surround=80))


def schema() -> Schema:
    """One document per listed case; texts are stored for snippets, authors are never indexed."""
    text = text_analyzer()
    return Schema(
        case_id=ID(stored=True, unique=True),
        title=TEXT(analyzer=text, stored=True),
        body=TEXT(analyzer=text, stored=True),
        replies=TEXT(analyzer=text, stored=True),
        tags_text=TEXT(analyzer=text),
        meta=TEXT(analyzer=text),
        vocab=TEXT(analyzer=plain_analyzer(), phrase=False),
        tags=KEYWORD(stored=True, commas=True),
        specialty=ID(stored=True, sortable=True),
        question_type=ID(stored=True, sortable=True),
        solved=ID(stored=True, sortable=True),
        created=DATETIME(stored=True, sortable=True),
        reply_count=NUMERIC(stored=True),
    )


def with_vocabulary(document: dict) -> dict:
    """The document plus the unstemmed words "did you mean" draws on."""
    return {**document, "vocab": " ".join((document["title"], document["body"], document["replies"]))}


def alternative_query(alternative: Alternative, fieldname: str, boost: float) -> Query:
    """One word (any of its stems) or a run of words in order, in one field."""
    if len(alternative) == 1:
        stems = alternative[0]
        terms = [Term(fieldname, stem, boost=boost) for stem in stems]
        return terms[0] if len(terms) == 1 else Or(terms)
    return Phrase(fieldname, [position[0] for position in alternative], boost=boost)


def clause_query(clause: Clause) -> Query:
    """A clause matches when any of its alternatives matches in any field."""
    return Or(
        [alternative_query(alt, name, boost) for alt in clause.alternatives for name, boost in FIELD_BOOSTS.items()]
    )


def build_query(parsed: ParsedQuery, relaxed: bool = False) -> Query:
    """Every required clause (or any of them, once relaxed)."""
    required = [clause_query(clause) for clause in parsed.required]
    return Every() if not required else (Or(required) if relaxed else And(required))


def excluded_query(parsed: ParsedQuery) -> Query | None:
    """What no result may match: a mask, since Whoosh's AndNot misses documents across segments."""
    excluded = [clause_query(clause) for clause in parsed.excluded]
    return Or(excluded) if excluded else None


def highlight(searcher, fieldname: str, text: str, words: frozenset[str], formatter, top: int = 2) -> str:
    """The best passages of a text with the query's words marked, as Whoosh's Hit.highlights() makes them."""
    if not text:
        return ""
    analyzer = searcher.schema[fieldname].analyzer
    tokens = analyzer(text, positions=True, chars=True, mode="index", removestops=False)
    tokens = HIGHLIGHTER._merge_matched_tokens(set_matched_filter(tokens, words))
    fragments = HIGHLIGHTER.fragmenter.fragment_tokens(text, tokens)
    fragments = top_fragments(fragments, top, HIGHLIGHTER.scorer, HIGHLIGHTER.order, minscore=1)
    return formatter.format(fragments)


def open_searcher(folder: Path):
    """A searcher on the newest commit of an index folder.

    Whoosh lists the newest table of contents, then reads it: a commit landing in between deletes the
    file just listed (FileNotFoundError). Looking again finds the commit that replaced it.
    """
    for _ in range(OPEN_ATTEMPTS - 1):
        try:
            return whoosh_index.open_dir(str(folder)).searcher()
        except FileNotFoundError:
            continue
    return whoosh_index.open_dir(str(folder)).searcher()


class WhooshBackend:
    """Whoosh behind the search interface; the index lives in generations under one folder."""

    def __init__(self, folder: str, synonyms_file: str | None, logger: logging.Logger):
        self.root, self.synonyms_file, self.logger = Path(folder), synonyms_file, logger
        self.local = threading.local()

    # Opening --------------------------------------------------------------------------------------
    def open(self) -> whoosh_index.Index | None:
        """The current generation's index, or None when there is none yet."""
        folder = storage.current_generation(self.root)
        return whoosh_index.open_dir(str(folder)) if folder is not None else None

    def create_generation(self) -> Path:
        """A new folder holding an empty index."""
        folder = storage.new_generation(self.root)
        whoosh_index.create_in(str(folder), schema())
        return folder

    def ensure_index(self, session) -> bool:
        """Rebuild the index when it is missing or cannot be read; True when it had to."""
        problem = None
        try:
            if self.open() is None:
                problem = "missing"
        except Exception as error:  # noqa: BLE001  (any damage means: rebuild)
            problem = f"unreadable ({error.__class__.__name__}: {error})"
        if problem is None:
            return False
        self.logger.warning("Search index %s in %s: rebuilding it from the database.", problem, self.root)
        if session.scalar(select(Case.id).limit(1)) is None:
            with storage.writer_lock(self.root):
                self.create_and_point()
            return True
        self.rebuild(session)
        return True

    def writing(self):
        """The cross-process writers' lock of the index folder."""
        return storage.writer_lock(self.root)

    def searcher(self):
        """This thread's searcher of the current generation, refreshed when writers have committed since."""
        found = self.current()
        return found[1] if found else None

    def current(self) -> tuple[Path, object, FacetTable] | None:
        """This thread's (generation, searcher, facet table), reopened when the generation or its commits change."""
        folder = storage.current_generation(self.root)
        cached = getattr(self.local, "cached", None)
        if folder is None:
            return None
        # Whoosh's refresh() re-adds the old segments of the reader it reuses: open a fresh searcher instead.
        if cached is None or cached[0] != folder or not cached[1].up_to_date():
            if cached is not None:
                cached[1].close()
            searcher = open_searcher(folder)
            cached = (folder, searcher, FacetTable(searcher, folder))
        self.local.cached = cached
        return cached

    # Writing --------------------------------------------------------------------------------------
    def write(self, folder: Path, documents: list[dict], gone: list[int], writer: IndexWriter | None = None) -> None:
        """Replace these documents and delete those cases, in one commit (the caller holds the writers' lock)."""
        writer = writer or whoosh_index.open_dir(str(folder)).writer(timeout=10)
        try:
            for case_id in gone:
                writer.delete_by_term("case_id", str(case_id))
            for document in documents:
                writer.update_document(**with_vocabulary(document))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def index_cases(self, case_ids: list[int], session) -> None:
        """Index the listed cases among these ids, remove the rest (the caller holds the writers' lock)."""
        folder = storage.current_generation(self.root) or self.create_and_point()
        documents, gone = documents_for(session, case_ids)
        self.write(folder, documents, gone)
        storage.note_changes(self.root, case_ids)

    def remove_cases(self, case_ids: list[int]) -> None:
        """Take cases out of the index (the caller holds the writers' lock)."""
        folder = storage.current_generation(self.root)
        if folder is not None:
            self.write(folder, [], case_ids)
            storage.note_changes(self.root, case_ids)

    def create_and_point(self) -> Path:
        """A first, empty generation, made current."""
        folder = self.create_generation()
        storage.switch_to(self.root, folder)
        return folder

    def rebuild(self, session, progress=None, procs: int = 2) -> dict:
        """Build the whole index again beside the current one, then swap it in."""
        from forum.search.reindex import rebuild  # reindex needs this module's schema helpers

        return rebuild(self, session, progress=progress, procs=procs)

    # Searching ------------------------------------------------------------------------------------
    def search(self, query: ParsedQuery, filters: dict, page: int, sort: str, per_page: int, typed: str = ""):
        """A page of cases, best first (or newest first), with facet counts and a spelling suggestion.

        The matching cases are found as sets of document numbers read from the postings a block at a time;
        facets are counted from a per-segment table of values; only the page's cases are scored and highlighted.
        """
        found = self.current()
        if found is None:
            return SearchResults(page=1)
        _folder, searcher, table = found
        now = datetime.now(UTC).replace(tzinfo=None)
        by_date = sort == "date" or query.is_empty
        relaxed = False
        docs = self.matching(searcher, table, query, filters, now)
        if not docs and len(query.required) > 1:
            relaxed, docs = True, self.matching(searcher, table, query, filters, now, relaxed=True)
        total = len(docs)
        page, pages = page_within(total, page, per_page)
        words = self.highlight_words(query, relaxed)
        if by_date:
            created, floor = table.created, datetime.min
            ordered = sorted(docs, key=lambda doc: (created[doc] or floor, -doc), reverse=True)
            ranked = [(doc, 0.0) for doc in ordered[(page - 1) * per_page : page * per_page]]
        elif docs and (scored := self.exact_scores(searcher, table, build_query(query, relaxed), docs)) is not None:
            # Every match scored from the terms' postings (Whoosh's BM25F, summed in another order, so equal to about
            # 1e-15); best first, then lowest document number. Scores equal to 9 decimals count as ties.
            top = heapq.nsmallest(page * per_page, scored.items(), key=lambda item: (-round(item[1], 9), item[0]))
            ranked = top[(page - 1) * per_page : page * per_page]
        elif docs:
            # Exact scores: Whoosh prunes on quality estimates that ignore field boosts, so it would skip some of
            # the best cases; the top collector scores every match (filtered to `docs`) without pruning instead.
            collector = collectors.FilterCollector(ExactTopCollector(page * per_page, usequality=False), docs)
            searcher.search_with_collector(build_query(query, relaxed), collector)
            results = collector.results()
            ranked = [(hit.docnum, hit.score) for hit in results[(page - 1) * per_page : page * per_page]]
        else:
            ranked = []
        formatter = snippet_formatter()
        hits = [self.hit(searcher, doc, score, words, by_date, formatter) for doc, score in ranked]
        counted = table.counts(docs, now)
        suggestion = self.suggestion(searcher, table, query, typed) if total == 0 or relaxed else None
        return SearchResults(hits, total, page, pages, counted, suggestion, relaxed)

    @staticmethod
    def exact_scores(searcher, table: FacetTable, whole: Query, docs: set[int]) -> dict[int, float] | None:
        """Whoosh's BM25F score of each of these documents for a query of terms and phrases, or None for others.

        A compound query scores the sum of its matching children, a term its BM25F score times its boost, a phrase
        the sum of its words' scores times its boost: these are added up from the postings, only for `docs`.
        """
        weighting = searcher.weighting
        if type(weighting) is not BM25F or weighting._field_B:
            return None
        leaves: list[tuple[Query, float]] = []

        def walk(node: Query, boost: float) -> bool:
            if type(node) in (And, Or) and not getattr(node, "scale", None):
                return all(walk(child, boost * node.boost) for child in node.subqueries)
            if type(node) is Term or (type(node) is Phrase and node.slop == 1):
                leaves.append((node, boost))
                return True
            return False

        if not walk(whole.normalize(), 1.0):
            return None
        scores = dict.fromkeys(docs, 0.0)
        for node, outer in leaves:
            if type(node) is Term:
                found = table.term_scores_of(searcher, node.fieldname, node.text)
                boost = node.boost * outer
                if len(found) < len(scores):
                    for doc, score in found.items():
                        if doc in scores:
                            scores[doc] += score * boost
                else:
                    for doc in scores:
                        score = found.get(doc)
                        if score is not None:
                            scores[doc] += score * boost
                continue
            within = set(searcher.docs_for_query(node)) & docs
            if not within:
                continue
            partial = dict.fromkeys(within, 0.0)
            for word in node.words:
                found = table.term_scores_of(searcher, node.fieldname, word)
                for doc in within:
                    partial[doc] += found[doc]
            boost = node.boost * outer
            for doc, score in partial.items():
                scores[doc] += score * boost
        return scores

    def matching(self, searcher, table: FacetTable, query: ParsedQuery, filters: dict, now, relaxed=False) -> set[int]:
        """Document numbers of the live cases matching the query and the filters, none of the excluded ones."""
        if query.is_empty:
            docs = set(table.live)
        else:
            sets = [self.clause_docs(searcher, clause) for clause in query.required]
            docs = set.union(*sets) if relaxed else set.intersection(*sets)
            docs &= table.live
        for clause in query.excluded:
            if docs:
                docs -= self.clause_docs(searcher, clause)
        return table.narrow(docs, filters, now) if docs and filters else docs

    def clause_docs(self, searcher, clause: Clause) -> set[int]:
        """Documents matching any alternative of a clause in any field (deleted ones included)."""
        docs: set[int] = set()
        for alternative in clause.alternatives:
            for name in FIELD_BOOSTS:
                if len(alternative) == 1:
                    for stem in alternative[0]:
                        docs.update(self.term_docs(searcher, name, stem))
                else:
                    docs.update(searcher.docs_for_query(alternative_query(alternative, name, 1.0)))
        return docs

    @staticmethod
    def term_docs(searcher, fieldname: str, text: str) -> list[int]:
        """Global document numbers of a term's postings, segment by segment."""
        docs: list[int] = []
        for reader, offset in searcher.reader().leaf_readers():
            if (fieldname, text) in reader:
                ids = posting_ids(reader.postings(fieldname, text))
                docs.extend(ids if not offset else [offset + docnum for docnum in ids])
        return docs

    @staticmethod
    def highlight_words(query: ParsedQuery, relaxed: bool) -> dict[str, frozenset[str]]:
        """Per snippet field, the words of the query to mark (excluded words are never marked)."""
        terms = list(build_query(query, relaxed).iter_all_terms())
        return {name: frozenset(text for field, text in terms if field == name) for name in SNIPPET_FIELDS}

    def hit(self, searcher, docnum: int, score: float, words: dict, by_date: bool, formatter) -> SearchHit:
        """A result line: stored fields and the best highlighted passage (only the page's cases get here)."""
        stored = searcher.stored_fields(docnum)
        snippet = ""
        for name in SNIPPET_FIELDS:
            if words.get(name):
                snippet = highlight(searcher, name, stored.get(name, "")[:SNIPPET_SCAN], words[name], formatter)
            if snippet:
                break
        if not snippet:
            snippet = plain_snippet(stored.get("body", ""))
        return SearchHit(
            case_id=int(stored["case_id"]),
            score=0.0 if by_date else round(float(score or 0.0), 4),
            title=stored.get("title", ""),
            snippet_html=snippet,
            specialty=stored.get("specialty", ""),
            question_type=stored.get("question_type", ""),
            tags=[tag for tag in stored.get("tags", "").split(",") if tag],
            solved=stored.get("solved") == "yes",
            reply_count=int(stored.get("reply_count") or 0),
            created_at=stored.get("created"),
        )

    def suggestion(self, searcher, table: FacetTable, query: ParsedQuery, typed: str) -> str | None:
        """The member's text with unknown words replaced by close words of the index ("did you mean")."""
        corrector = searcher.corrector("vocab")

        def is_known(stems) -> bool:
            return any(searcher.doc_frequency(name, stem) for stem in stems for name in FIELD_BOOSTS)

        def closest(word: str) -> str | None:
            # The lexicon keeps the words of deleted documents (hidden content) until segments merge.
            for found in corrector.suggest(word, limit=5, maxdist=MAX_EDITS):
                if table.live.intersection(self.term_docs(searcher, "vocab", found)):
                    return found
            return None

        return corrected_text(query, typed, is_known, closest)

    def synonyms(self):
        """The synonyms file, as of its last change."""
        return load_synonyms(self.synonyms_file)
