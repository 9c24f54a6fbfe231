"""The highlighted passage of a result, the same whatever the engine.

`snippet_html` is escaped text in which only the matched words are wrapped, as
`<mark class="match term0">word</mark>` (one term number per distinct word of the page, recycled after
five), passages joined by " … "; with no match, the start of the opening post, escaped.
"""

import re

from markupsafe import escape
from whoosh.analysis import Token
from whoosh.highlight import Fragment, HtmlFormatter

# Only this much of a long text is searched for a passage to show.
SNIPPET_SCAN = 20_000
PLAIN_LENGTH = 240
# Private-use characters that mark, in an engine's raw output, the start and end of a match, the gap
# between passages, and the angle brackets of the text (kept out of an HTML-aware highlighter's way).
START, STOP, BETWEEN, LESS, GREATER = "\ue000", "\ue001", "\ue002", "\ue003", "\ue004"
MARKERS = START + STOP + BETWEEN + LESS + GREATER
_MARKS = re.compile(f"([{START}{STOP}])")
_UNHIDE = str.maketrans({LESS: "<", GREATER: ">"})
_DROP_MARKERS = str.maketrans(dict.fromkeys(MARKERS))


def snippet_formatter() -> HtmlFormatter:
    """One per search: it numbers the matched words across the page's snippets."""
    return HtmlFormatter(tagname="mark", classname="match", between=" … ")


def plain_snippet(body: str) -> str:
    """The start of the opening post, escaped, when no passage matched."""
    return str(escape(body[:PLAIN_LENGTH] + ("…" if len(body) > PLAIN_LENGTH else "")))


def without_markers(text: str) -> str:
    """Text that cannot forge a mark: the marker characters removed (they have no meaning in a post)."""
    return text.translate(_DROP_MARKERS)


def marked_snippet(marked: str, formatter: HtmlFormatter) -> str:
    """HTML of passages whose matches are framed by START/STOP and separated by BETWEEN; "" with no match."""
    if START not in marked:
        return ""
    fragments = []
    for passage in marked.split(BETWEEN):
        pieces, matches, length, opened = [], [], 0, None
        for piece in _MARKS.split(passage):
            if piece == START:
                opened = length
            elif piece == STOP:
                if opened is not None and length > opened:
                    matches.append(Token(startchar=opened, endchar=length))
                opened = None
            else:
                pieces.append(piece.translate(_UNHIDE))
                length += len(piece)
        text = "".join(pieces)
        fragments.append(Fragment(text, matches, startchar=0, endchar=len(text)))
    return formatter.format(fragments)
