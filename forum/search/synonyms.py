"""Synonyms and abbreviations from the file admins edit, read again whenever it changes."""

from dataclasses import dataclass
from pathlib import Path

from forum.search.analysis import french_terms

Terms = tuple[str, ...]


@dataclass(frozen=True)
class Synonyms:
    """Groups of equivalent forms, each form a sequence of French stems."""

    groups: tuple[tuple[Terms, ...], ...]
    by_form: dict[Terms, int]
    longest: int

    def group_of(self, terms: Terms) -> tuple[Terms, ...] | None:
        """Every form equivalent to these terms (themselves included), or None."""
        index = self.by_form.get(tuple(terms))
        return None if index is None else self.groups[index]


def parse_synonyms(text: str) -> Synonyms:
    """One group per line, forms separated by commas; '#' starts a comment; empty forms are skipped."""
    groups: list[tuple[Terms, ...]] = []
    by_form: dict[Terms, int] = {}
    for line in text.splitlines():
        forms = []
        for raw in line.split("#", 1)[0].split(","):
            terms = tuple(french_terms(raw))
            if terms and terms not in forms:
                forms.append(terms)
        if len(forms) < 2:
            continue
        for form in forms:
            # A form listed in two groups keeps its first group: the file reads top to bottom.
            by_form.setdefault(form, len(groups))
        groups.append(tuple(forms))
    longest = max((len(form) for form in by_form), default=0)
    return Synonyms(tuple(groups), by_form, longest)


_cache: dict[str, tuple[float, Synonyms]] = {}


def load_synonyms(path: str | None) -> Synonyms:
    """The synonyms of a file, parsed again only when its modification time changes; none if it is missing."""
    if not path:
        return parse_synonyms("")
    try:
        stamp = Path(path).stat().st_mtime
    except OSError:
        return parse_synonyms("")
    cached = _cache.get(path)
    if cached is None or cached[0] != stamp:
        cached = _cache[path] = (stamp, parse_synonyms(Path(path).read_text(encoding="utf-8")))
    return cached[1]
