"""The query language members type: words, "exact phrase", -excluded, OR. Any string parses; nothing raises.

The result names terms, not an engine's objects, so another backend can turn it into its own query.
"""

import re
from dataclasses import dataclass, field

from forum.search.analysis import word_terms
from forum.search.synonyms import Synonyms

MAX_LENGTH = 500
MAX_CLAUSES = 24
OR_WORDS = {"OR", "OU", "|"}
LEXEME = re.compile(r'(-?)"([^"]*)"?|(\S+)')

# One position of a match: the stems a word may take there (French first).
Position = tuple[str, ...]
# A run of positions that must follow each other in the text; one position is a single word.
Alternative = tuple[Position, ...]


@dataclass
class Clause:
    """Alternatives of which one must match (OR); a clause is required or excluded."""

    alternatives: list[Alternative]
    excluded: bool = False


@dataclass
class ParsedQuery:
    """Required and excluded clauses, and the plain words typed, for spelling suggestions."""

    clauses: list[Clause] = field(default_factory=list)
    words: list[tuple[str, Alternative]] = field(default_factory=list)

    @property
    def required(self) -> list[Clause]:
        """Clauses a result must match."""
        return [clause for clause in self.clauses if not clause.excluded]

    @property
    def excluded(self) -> list[Clause]:
        """Clauses a result must not match."""
        return [clause for clause in self.clauses if clause.excluded]

    @property
    def is_empty(self) -> bool:
        """Nothing to look for (blank, or only stop words): every case matches."""
        return not self.required


@dataclass
class _Item:
    """A lexeme: a word or a phrase, maybe excluded; `text` is what was typed."""

    text: str
    alternative: Alternative
    phrase: bool
    excluded: bool


def _alternative(text: str, phrase: bool) -> Alternative:
    """A word's stems, or a phrase's French stems in order (phrases match exactly, in one language)."""
    words = word_terms(text)
    if len(words) == 1 and not phrase:
        return (words[0],)
    return tuple((stems[0],) for stems in words)


def _lex(text: str) -> list[_Item | str]:
    """Words, phrases and OR markers, in the order typed."""
    items: list[_Item | str] = []
    for match in LEXEME.finditer(text[:MAX_LENGTH]):
        minus, phrase, word = match.groups()
        if word is not None and word in OR_WORDS:
            items.append("OR")
            continue
        if word is not None:
            excluded = word.startswith("-") and len(word) > 1
            raw = word[1:] if excluded else word
            items.append(_Item(raw, _alternative(raw, False), False, excluded))
        else:
            items.append(_Item(phrase, _alternative(phrase, True), True, bool(minus)))
    return items


def _key(alternative: Alternative) -> tuple[str, ...]:
    """How a form is compared with the synonym list: its French stems."""
    return tuple(position[0] for position in alternative)


def _expand(alternative: Alternative, synonyms: Synonyms) -> list[Alternative]:
    """The alternative and every synonym of it."""
    group = synonyms.group_of(_key(alternative))
    if group is None:
        return [alternative]
    forms = [tuple((term,) for term in form) for form in group]
    return [alternative] + [form for form in forms if _key(form) != _key(alternative)]


def _join_synonyms(items: list[_Item], synonyms: Synonyms) -> list[list[Alternative]]:
    """Runs of plain words that spell a synonym ("infarctus du myocarde") become one clause; longest match first."""
    clauses, index = [], 0
    while index < len(items):
        for size in range(min(synonyms.longest, len(items) - index), 1, -1):
            run = items[index : index + size]
            terms = tuple(term for item in run for term in _key(item.alternative))
            if synonyms.group_of(terms) is not None:
                clauses.append(_expand(tuple((term,) for term in terms), synonyms))
                index += size
                break
        else:
            clauses.append(_expand(items[index].alternative, synonyms))
            index += 1
    return clauses


def parse_query(text: object, synonyms: Synonyms) -> ParsedQuery:
    """Turn what a member typed into clauses; whatever the input, the answer is a query (maybe empty)."""
    parsed = ParsedQuery()
    if not isinstance(text, str):
        return parsed
    groups: list[list[_Item]] = []
    joining = False
    for item in _lex(text):
        if item == "OR":
            joining = bool(groups) and not groups[-1][-1].excluded
            continue
        if not item.alternative:
            continue
        if joining and not item.excluded:
            groups[-1].append(item)
        else:
            groups.append([item])
        joining = False
    run: list[_Item] = []

    def flush_run() -> None:
        for alternatives in _join_synonyms(run, synonyms):
            parsed.clauses.append(Clause(alternatives))
        run.clear()

    for group in groups:
        if len(group) == 1 and not group[0].phrase and not group[0].excluded:
            run.append(group[0])
            parsed.words.append((group[0].text, group[0].alternative))
            continue
        flush_run()
        alternatives = [form for item in group for form in _expand(item.alternative, synonyms)]
        parsed.clauses.append(Clause(list(dict.fromkeys(alternatives)), excluded=group[0].excluded))
    flush_run()
    del parsed.clauses[MAX_CLAUSES:]
    return parsed
