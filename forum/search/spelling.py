""" "Did you mean": the member's text with each unknown word replaced by the closest word the index holds."""

from collections.abc import Callable

from forum.search.analysis import indexed_words
from forum.search.query import ParsedQuery, Position

# Two edits at most: further than that, a suggestion is a guess.
MAX_EDITS = 2


def corrected_text(
    query: ParsedQuery, typed: str, is_known: Callable[[Position], bool], closest: Callable[[str], str | None]
) -> str | None:
    """`typed` with unknown plain words replaced; None when nothing changed.

    `is_known(stems)` tells whether any indexed case holds one of a word's stems; `closest(word)` returns
    the engine's best word within MAX_EDITS edits of a folded word, or None.
    """
    corrected, changed = typed, False
    for word, alternative in query.words:
        if len(alternative) != 1 or is_known(alternative[0]):
            continue
        # The word as the index would hold it: folded, without the punctuation or control characters typed.
        [folded] = indexed_words(word)
        found = closest(folded)
        if found and found != folded:
            corrected, changed = corrected.replace(word, found, 1), True
    return corrected if changed else None
