"""Every string a user sees exists in French, and the compiled catalogue is current."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = ROOT / "forum" / "translations"
KEYWORDS = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)}
METHODS = [("forum/**.py", "python"), ("forum/templates/**.html", "jinja2"), ("forum/templates/**.txt", "jinja2")]


def source_messages() -> set[str]:
    """Message ids found in the code and templates."""
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS, options_map={"**.html": {}, "**.txt": {}}
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_of_the_code_is_translated_into_french():
    with open(CATALOGUES / "fr" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalogue = read_po(handle)
    translated = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalogue
        if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple | list) else m.string)
    }
    missing = sorted(source_messages() - translated)
    assert missing == []


def as_key(value):
    """Plural messages hold lists; make them comparable."""
    return tuple(value) if isinstance(value, list | tuple) else value


def test_the_compiled_french_catalogue_matches_its_source():
    with open(CATALOGUES / "fr" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        source = {as_key(m.id): as_key(m.string) for m in read_po(handle) if m.id and not m.fuzzy}
    with open(CATALOGUES / "fr" / "LC_MESSAGES" / "messages.mo", "rb") as handle:
        compiled = {as_key(m.id): as_key(m.string) for m in read_mo(handle) if m.id}
    assert compiled == source
