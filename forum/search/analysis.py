"""How text becomes search terms: one pipeline for French and English, shared by indexing and querying.

Words are lower-cased, stop words dropped, accents folded, then stemmed in French and in English;
when the two stems differ both are indexed at the same position, so either language's inflection matches.
"""

import unicodedata
from functools import lru_cache

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StopFilter
from whoosh.lang import stemmer_for_language, stopwords_for_language

# Words that are stop words in a language but abbreviations in medicine: TA (tension artérielle), SA (semaines
# d'aménorrhée), IL (interleukine) must stay searchable.
KEPT_WORDS = {"ta", "sa", "il"}
# Common French words the snowball list lacks.
EXTRA_STOP_WORDS = set(
    "les un une cette cet ces être avoir fait plus très sans sous dont quel quelle quels quelles comme tout tous "
    "toute toutes aussi bien mais donc car si chez depuis".split()
)
TOKEN_PATTERN = r"\w+(?:\.\w+)*"
# Letters that Unicode does not decompose but that people type without their stroke or ligature ("coeur" for
# "cœur"); PostgreSQL's unaccent maps them the same way, so both engines agree.
LETTERS = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ð": "d", "đ": "d", "þ": "th", "ł": "l", "ı": "i"})
_french_stem = stemmer_for_language("fr")
_english_stem = stemmer_for_language("en")


def fold(text: str) -> str:
    """Lower case without accents: "Éruption" -> "eruption", "Œdème" -> "oedeme"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char)).translate(LETTERS)


def stop_words() -> frozenset[str]:
    """French and English stop words, as written and folded, minus medical abbreviations."""
    words = set(stopwords_for_language("fr")) | set(stopwords_for_language("en")) | EXTRA_STOP_WORDS
    return frozenset((words | {fold(word) for word in words}) - KEPT_WORDS)


@lru_cache(maxsize=300_000)
def stems(word: str) -> tuple[str, ...]:
    """The French stem of a folded word, then its English stem when different (cached: stemmers are slow)."""
    french, english = _french_stem(word), _english_stem(word)
    return (french,) if english == french else (french, english)


class FoldFilter(Filter):
    """Folds case and accents, so "eruption" finds "éruption" and "ecg" finds "ECG"."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = fold(token.text)
            yield token


class BilingualStemFilter(Filter):
    """Replaces a word by its French stem, and adds its English stem at the same position when it differs."""

    is_morph = True

    def __call__(self, tokens):
        for token in tokens:
            if token.stopped:
                yield token
                continue
            found = stems(token.text)
            token.text = found[0]
            yield token
            for other in found[1:]:
                token.text = other
                yield token


def plain_analyzer():
    """Words without stemming: for the vocabulary of spelling suggestions."""
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | FoldFilter() | StopFilter(stoplist=stop_words())


def text_analyzer():
    """The analyzer of every searchable text field."""
    return plain_analyzer() | BilingualStemFilter()


@lru_cache(maxsize=1)
def _plain():
    return plain_analyzer()


def word_terms(text: str) -> list[tuple[str, ...]]:
    """Per word of the text, its stems (French first): what a query word may match."""
    return [stems(token.text) for token in _plain()(text, mode="query")]


def indexed_words(text: str) -> list[str]:
    """The words of a text as the index keeps them before stemming: folded, stop words removed, in order."""
    return [token.text for token in _plain()(text, mode="index")]


def french_terms(text: str) -> list[str]:
    """The French stem of each word, stop words removed: how phrases and synonyms are compared."""
    return [found[0] for found in word_terms(text)]
