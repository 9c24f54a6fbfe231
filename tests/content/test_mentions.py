"""Mentions: which @pseudonyms a post calls out, and what is never one (e-mail addresses, code, URLs)."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forum.content import find_mentions


@pytest.mark.parametrize(
    ("source", "names"),
    [
        ("@alice what do you think?", ["alice"]),
        ("Thanks @alice, @bob_12 and @Jean-Pierre.", ["alice", "bob_12", "Jean-Pierre"]),
        ("@alice @Alice @ALICE @bob @alice", ["alice", "bob"]),
        ("(@carole) [@dan](https://x.org) > @eve\n- @fanny", ["carole", "dan", "eve", "fanny"]),
        ("l'avis de @d'Artagnan ? @o.brien.", ["d'Artagnan", "o.brien"]),
        ("@Émilie et @Zoë", ["Émilie", "Zoë"]),
        (unicodedata.normalize("NFD", "@Émilie"), [unicodedata.normalize("NFD", "Émilie")]),
        ("@ab is too short, @" + "a" * 31 + " too long, @" + "a" * 30, ["a" * 30]),
        ("write to jean.dupont@chu-lyon.fr or a@b.fr", []),
        ("odd addresses: x-@b.fr x.@b.fr x+@b.fr *a*@b.fr `a`@b.fr", []),
        ("`@Override` and\n\n```\n@property\n```\n\n    @indented", []),
        ("https://mastodon.social/@alice <https://x.org/@bob> @carol@mastodon.social", []),
        ("\\@alice &#64;bob @ alone @", []),
        ("", []),
    ],
)
def test_find_mentions_examples(source, names):
    assert find_mentions(source) == names


@given(st.text().filter(lambda text: "@" not in text))
def test_text_without_at_sign_mentions_nobody(text):
    assert find_mentions(text) == []


@given(st.lists(st.emails(), min_size=1, max_size=3), st.sampled_from([" ", "\n", ", ", " ; ", "\n\n> "]))
def test_email_addresses_are_not_mentions(addresses, separator):
    assert find_mentions("Contact " + separator.join(addresses) + " please") == []


@given(st.text(alphabet=st.characters(categories=["Lu", "Ll", "Nd"]) | st.sampled_from("-_"), min_size=3, max_size=30))
def test_a_typed_mention_is_found(name):
    assert find_mentions(f"Question for @{name}: what dose?") == [name]
