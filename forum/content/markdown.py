"""Markdown as members type it, turned into the only HTML we ever store or show."""

import re
import threading
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html import unescape
from urllib.parse import unquote

import bleach
from bleach.html5lib_shim import Filter, getTreeWalker
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore

ALLOWED_TAGS = frozenset(
    {"p", "br", "em", "strong", "del", "s", "ul", "ol", "li", "blockquote", "hr", "code", "pre", "a"}
    | {"table", "thead", "tbody", "tr", "th", "td", "h3", "h4", "h5", "h6"}
)
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener noreferrer"
# `# Title` becomes <h3>: h1 and h2 belong to the page, and shifting every level keeps a post's outline.
HEADING_SHIFT = 2
# As in markdown-it's CommonMark preset: unclosed brackets cost about this many steps each (100 in js-default).
MAX_NESTING = 20

_ALIGNMENTS = frozenset({"left", "center", "right"})
_TABLE_ALIGN_STYLE = re.compile(r"text-align:(left|center|right)")
_LANGUAGE_CLASS = re.compile(r"language-[A-Za-z0-9_+#.-]{1,40}")
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")


class ToolPool:
    """Tools that are not thread-safe (linkify-it keeps match state, bleach's cleaner html5lib state), lent to
    one thread at a time and kept for the next.

    Per-thread copies would be rebuilt for nearly every chat message: Socket.IO runs each event in a new
    thread. Building a parser and a cleaner costs about 0.5 ms and a few hundred objects of cyclic garbage.
    """

    def __init__(self, build: Callable[[], object], keep: int = 16):
        self._build, self._keep = build, keep
        self._idle: list = []
        self._lock = threading.Lock()
        self.built = 0

    @contextmanager
    def lend(self) -> Iterator:
        with self._lock:
            tool = self._idle.pop() if self._idle else None
        if tool is None:
            tool = self._build()
            with self._lock:
                self.built += 1
        yield tool
        # Only a tool that finished its work goes back: one interrupted by an exception may hold half a state.
        with self._lock:
            if len(self._idle) < self._keep:
                self._idle.append(tool)


def render_markdown(source: str) -> str:
    """Markdown (as members type it) -> sanitized HTML, the only HTML we ever store or show."""
    if not source.strip():
        return ""
    with POST_PARSERS.lend() as parser:
        return sanitize_html(parser.render(source))


def render_chat_markdown(source: str) -> str:
    """Chat subset: emphasis, code, links, lists, quotes and line breaks; no headings, tables, images or rules."""
    if not source.strip():
        return ""
    with CHAT_PARSERS.lend() as parser:
        return sanitize_html(parser.render(source))


def sanitize_html(html: str) -> str:
    """The single sanitizer: bleach with our explicit allow-list. Replaceable in one place."""
    with CLEANERS.lend() as cleaner:
        return cleaner.clean(html)


def is_safe_url(url: str) -> bool:
    """True for http(s), mailto and relative URLs, judged after undoing encoding, spacing and case tricks."""
    decoded = unquote(unescape(url))
    # Browsers ignore tabs, newlines and control characters inside a scheme; so do we, and then some.
    plain = "".join(char for char in decoded if unicodedata.category(char)[0] not in "CZ").lower()
    scheme = _SCHEME.match(plain)
    return scheme is None or scheme.group(1) in ALLOWED_PROTOCOLS


def _build_parser(*, chat: bool) -> MarkdownIt:
    # js-default: raw HTML escaped, tables and strikethrough on, linear-time parsing.
    parser = MarkdownIt("js-default", {"linkify": True, "breaks": chat, "maxNesting": MAX_NESTING})
    # Only URLs with a scheme: fuzzy matching turns doses such as "2.5.mg" into links.
    parser.linkify.set({"fuzzy_link": False})
    # The inline linkify rule rescans all pending text at every "://" (quadratic); the core rule is linear.
    parser.inline.ruler.disable("linkify", ignoreInvalid=True)
    # A refused URL leaves the Markdown as plain text instead of an empty link.
    parser.validateLink = is_safe_url
    parser.core.ruler.push("confreres_tags", _adapt_tags)
    parser.add_render_rule("image", _render_image_as_link)
    if chat:
        parser.disable(["heading", "lheading", "table", "hr"])
    return parser


def _adapt_tags(state: StateCore) -> None:
    """Demote headings, and turn table alignment from a style (never allowed) into `align`."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + HEADING_SHIFT, 6)}"
        elif token.type in ("th_open", "td_open") and "style" in token.attrs:
            alignment = _TABLE_ALIGN_STYLE.fullmatch(str(token.attrs.pop("style")))
            if alignment:
                token.attrs["align"] = alignment.group(1)


def _render_image_as_link(renderer, tokens, idx, options, env) -> str:
    # Members must not hotlink images: the reader gets a link and decides to follow it.
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    text = renderer.renderInlineAsText(token.children or [], options, env) or src
    return f'<a href="{escapeHtml(src)}">{escapeHtml(text)}</a>'


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if tag == "a":
        return name == "href"
    if tag in ("th", "td"):
        return name == "align" and value in _ALIGNMENTS
    if tag == "code":
        return name == "class" and _LANGUAGE_CLASS.fullmatch(value) is not None
    return False


class _LinkRelFilter(Filter):
    """Set our rel on every link after sanitizing, so no input can choose or drop it."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] in ("StartTag", "EmptyTag") and token["name"] == "a":
                token["data"][(None, "rel")] = LINK_REL
            yield token


class _LinearTreeWalker(getTreeWalker("etree")):
    """html5lib's etree walker, minus its quadratic step on elements with many children."""

    def __init__(self, tree):
        super().__init__(tree)
        self._positions: dict[int, dict[int, int]] = {}

    def getParentNode(self, node):
        # The stock walker finds the parent's position with list.count and list.index over its siblings,
        # so a 10,000-row table took seconds; positions are looked up once per parent instead.
        if isinstance(node, tuple) and node[3] != "text" and len(node[2]) > 1:
            parents = node[2]
            parent = parents.pop()
            siblings = self._positions.get(id(parents[-1]))
            if siblings is None:
                siblings = self._positions[id(parents[-1])] = {id(child): i for i, child in enumerate(parents[-1])}
            return parent, siblings[id(parent)], parents, None
        return super().getParentNode(node)


def _build_cleaner() -> bleach.Cleaner:
    cleaner = bleach.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=_allowed_attribute,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[_LinkRelFilter],
    )
    cleaner.walker = _LinearTreeWalker
    # bleach keeps entities in attribute values as typed, lets html5lib turn every & into &amp;, then undoes
    # that only in the token after `=` unless it is a `"`: when a value holds `"` but no `'`, html5lib picks `'`
    # as the quote, bleach undoes nothing and `href='"&lt;'` grows one &amp; per pass. Always quote with `"`
    # (a `"` inside then becomes &quot;), which bleach's undoing expects.
    cleaner.serializer.use_best_quote_char = False
    cleaner.serializer.quote_char = '"'
    return cleaner


POST_PARSERS = ToolPool(lambda: _build_parser(chat=False))
CHAT_PARSERS = ToolPool(lambda: _build_parser(chat=True))
CLEANERS = ToolPool(_build_cleaner)
