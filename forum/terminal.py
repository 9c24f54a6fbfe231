"""The language of command-line output: the terminal's, as POSIX settles it, when the site speaks it; else English."""

import functools
import os
from collections.abc import Callable

from flask import current_app
from flask_babel import force_locale

FALLBACK = "en"


def terminal_locale() -> str:
    """The first of LC_ALL, LC_MESSAGES and LANG that is set decides (`fr_FR.UTF-8` → fr); C and POSIX mean English."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            language = value.split(".")[0].split("@")[0].split("_")[0].lower()
            return language if language in current_app.config["LANGUAGES"] else FALLBACK
    return FALLBACK


def in_terminal_language(command: Callable) -> Callable:
    """Run a command (inside its app context) with its messages in the terminal's language."""

    @functools.wraps(command)
    def run(*args: object, **kwargs: object) -> object:
        with force_locale(terminal_locale()):
            return command(*args, **kwargs)

    return run
