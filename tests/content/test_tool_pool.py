"""Parsers and cleaners are lent to one thread at a time and reused: chat events each run in a new thread."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from forum.content import markdown
from forum.content.markdown import ToolPool, render_chat_markdown, render_markdown

SOURCES = [
    f"**Patient {n}** see https://example.org/{n} and `code {n}`\n\n> quote {n}\n\n- item {n}" for n in range(40)
]


def test_threads_rendering_at_once_each_get_their_own_text():
    expected = [render_markdown(source) for source in SOURCES]
    with ThreadPoolExecutor(max_workers=12) as pool:
        for _round in range(5):
            assert list(pool.map(render_markdown, SOURCES)) == expected


def test_a_new_thread_for_every_message_does_not_build_new_tools():
    render_chat_markdown("warm up")
    parsers, cleaners = markdown.CHAT_PARSERS.built, markdown.CLEANERS.built
    for source in SOURCES:
        thread = threading.Thread(target=render_chat_markdown, args=(source,))
        thread.start()
        thread.join()
    assert (markdown.CHAT_PARSERS.built, markdown.CLEANERS.built) == (parsers, cleaners)


def test_a_tool_interrupted_by_an_error_is_not_lent_again():
    pool = ToolPool(object)
    with pool.lend() as kept:
        pass
    with pytest.raises(ValueError), pool.lend() as broken:
        assert broken is kept
        raise ValueError("half a state")
    with pool.lend() as fresh:
        assert fresh is not kept
    assert pool.built == 2


def test_the_pool_keeps_at_most_its_size():
    pool = ToolPool(object, keep=2)
    lent = [pool.lend() for _ in range(4)]
    tools = [context.__enter__() for context in lent]
    for context in lent:
        context.__exit__(None, None, None)
    again = [pool.lend() for _ in range(4)]
    assert sum(context.__enter__() in tools for context in again) == 2
