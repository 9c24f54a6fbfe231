"""Rows of `search_documents` and `search_words` made from the shared documents (documents.py).

Each text field goes to PostgreSQL as its indexed words (analysis.py: folded, stop words removed, in order),
so positions, and therefore phrases, are the ones the Whoosh engine sees. A vector holds at most 1 MB and
16,383 positions: replies, the one field without a size limit, are cut to fit, and their words past the cut
are still indexed, without positions, within a byte budget.
"""

from forum.search.analysis import indexed_words
from forum.search.snippets import without_markers

# Weight labels: title A, tags B, opening post C, specialty/type labels and replies D.
WEIGHTED_FIELDS = (("title_words", "A"), ("tags_words", "B"), ("body_words", "C"), ("other_words", "D"))
CONFIGURATIONS = ("forum_fr", "forum_en")
# Positions left to replies once the title, tags and an opening post (20,000 characters at most) are counted.
REPLY_POSITIONS = 12_000
# Bytes of reply words a vector may take (a lexeme costs its length and about six bytes of bookkeeping).
REPLY_BUDGET = 400_000
# Longer "words" are not words anyone mistypes; the word list keys on them.
LONGEST_WORD = 100


def reply_words(words: list[str]) -> tuple[list[str], list[str]]:
    """Reply words kept with their positions, then further distinct words without, within the budget."""
    positioned, unpositioned, seen, spent = [], [], set(), 0
    for word in words:
        if len(positioned) < REPLY_POSITIONS:
            spent += len(word.encode()) + 6
            if spent > REPLY_BUDGET:
                break
            positioned.append(word)
        elif word not in seen:
            spent += len(word.encode()) + 6
            if spent > REPLY_BUDGET:
                break
            seen.add(word)
            unpositioned.append(word)
    return positioned, unpositioned


def document_rows(documents: list[dict]) -> tuple[list[dict], set[str]]:
    """The rows of these documents, and the words they add to the list "did you mean" draws on."""
    rows, vocabulary = [], set()
    for document in documents:
        title, body, replies = (indexed_words(document[name]) for name in ("title", "body", "replies"))
        positioned, unpositioned = reply_words(replies)
        vocabulary.update(word for word in (*title, *body, *positioned, *unpositioned) if len(word) <= LONGEST_WORD)
        rows.append(
            {
                "case_id": int(document["case_id"]),
                "title": without_markers(document["title"]),
                "body": without_markers(document["body"]),
                "replies": without_markers(document["replies"]),
                "tags": document["tags"],
                "specialty": document["specialty"],
                "question_type": document["question_type"],
                "solved": document["solved"] == "yes",
                "created": document["created"],
                "reply_count": document["reply_count"],
                "title_words": " ".join(title),
                "tags_words": " ".join(indexed_words(document["tags_text"])),
                "body_words": " ".join(body),
                "other_words": " ".join(indexed_words(document["meta"]) + positioned),
                "extra_words": " ".join(unpositioned),
            }
        )
    return rows, vocabulary


def vector_sql(configuration: str) -> str:
    """The weighted vector of a row's words in one configuration."""
    parts = [f"setweight(to_tsvector('{configuration}', :{name}), '{label}')" for name, label in WEIGHTED_FIELDS]
    return " || ".join([*parts, f"strip(to_tsvector('{configuration}', :extra_words))"])


def insert_documents_sql() -> str:
    """INSERT of one document row (run for many)."""
    french, english = (vector_sql(configuration) for configuration in CONFIGURATIONS)
    return f"""
        INSERT INTO search_documents (case_id, title, body, replies, tags, specialty, question_type, solved, created,
                                      reply_count, french, english)
        VALUES (:case_id, :title, :body, :replies, :tags, :specialty, :question_type, :solved, :created,
                :reply_count, {french}, {english})
    """


def insert_words_sql() -> str:
    """INSERT of the words not yet listed."""
    return "INSERT INTO search_words (word) SELECT unnest(CAST(:words AS varchar[])) ON CONFLICT DO NOTHING"
