"""Mentions: the @pseudonyms a post or message calls out, outside code and URLs."""

import re
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from forum.accounts.pseudonyms import MAX_LENGTH, MIN_LENGTH, pseudonym_key
from forum.content.markdown import MAX_NESTING

# Letters (with combining accents, for text typed in decomposed form), digits and -_.' as in pseudonyms.
_NAME_CHARS = r"\w\u0300-\u036f.'\-"
# Not after anything an e-mail local part may end with (RFC 5322 atext, dot) nor `\` (an escaped `\@`),
# and not followed by another `@`: `alice@mastodon.social` is a fediverse handle, not one of ours.
_MENTION = re.compile(rf"(?<![\w!#$%&'*+/=?^`{{|}}~.\\@-])@([{_NAME_CHARS}]+)(?![{_NAME_CHARS}@])")


def find_mentions(source: str) -> list[str]:
    """The distinct pseudonyms mentioned as `@name` (without the @), in order of first appearance."""
    found: dict[str, str] = {}
    for match in _MENTION.finditer(_prose(source)):
        # A trailing dot or apostrophe ends the sentence rather than the name: "thanks @alice."
        name = match.group(1).rstrip(".'")
        if MIN_LENGTH <= len(name) <= MAX_LENGTH:
            found.setdefault(pseudonym_key(name), name)
    return list(found.values())


@cache
def _parser() -> MarkdownIt:
    # No linkify (its matcher keeps state between calls); text_join off so that entities and
    # escapes keep their source form: `&#64;alice` and `\@alice` mention nobody.
    return MarkdownIt("js-default", {"maxNesting": MAX_NESTING}).disable("text_join")


def _prose(source: str) -> str:
    """The source as written, less code blocks, code spans and autolinks, block by block."""
    parts: list[str] = []
    for block in _parser().parse(source):
        if block.type == "inline":
            parts.extend(_inline_prose(block.children or []))
            parts.append("\n")
    return "".join(parts)


def _inline_prose(tokens: list[Token]):
    in_autolink = False
    for token in tokens:
        if token.type == "link_open" and token.markup == "autolink":
            in_autolink = True
        elif token.type == "link_close" and in_autolink:
            in_autolink = False
            yield " "
        elif in_autolink:
            continue
        elif token.type == "text":
            yield token.content
        elif token.type in ("softbreak", "hardbreak", "image"):
            yield " "
        else:
            # Delimiters, entities and escapes as typed, a code span as its backtick: what precedes an `@` is
            # then what was typed, so `*a*@b.fr` stays an address and `&#64;bob` is no mention.
            yield token.markup
