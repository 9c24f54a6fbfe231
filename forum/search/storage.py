"""The index folder: generations of the index, a pointer to the current one, and the writers' lock.

search-index/CURRENT        name of the generation searches read ("gen-…"), replaced atomically
search-index/gen-…/         one complete index; a rebuild writes a new one beside it
search-index/writer.lock    held (flock) by the one process writing at a time
search-index/REBUILD        while a rebuild runs: its generation, then the case ids changed meanwhile
"""

import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

POINTER = "CURRENT"
MARKER = "REBUILD"


def current_generation(root: Path) -> Path | None:
    """The folder searches read, or None when there is no index yet."""
    try:
        name = (root / POINTER).read_text().strip()
    except OSError:
        return None
    folder = root / name
    return folder if name.startswith("gen-") and folder.is_dir() else None


def new_generation(root: Path) -> Path:
    """A fresh, empty folder for a complete index."""
    root.mkdir(parents=True, exist_ok=True)
    folder = root / f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    folder.mkdir()
    return folder


def switch_to(root: Path, folder: Path) -> None:
    """Point searches at another generation in one atomic rename; keep the previous one for open readers."""
    previous = current_generation(root)
    temporary = root / f"{POINTER}.{os.getpid()}.tmp"
    temporary.write_text(folder.name)
    os.replace(temporary, root / POINTER)
    keep = {folder.name, previous.name if previous else ""}
    for old in root.glob("gen-*"):
        # Readers still holding the previous generation finish their searches; older ones go.
        if old.name not in keep and not (root / MARKER).exists():
            shutil.rmtree(old, ignore_errors=True)


@contextmanager
def writer_lock(root: Path) -> Iterator[None]:
    """The cross-process lock of index writers: one process writes at a time, the others wait their turn."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "writer.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def start_rebuild(root: Path, folder: Path) -> None:
    """Announce a rebuild (under the writer lock): writers note the cases they change meanwhile."""
    (root / MARKER).write_text(folder.name + "\n")


def note_changes(root: Path, case_ids: list[int]) -> None:
    """During a rebuild, remember changed cases so the new generation catches up before it is swapped in."""
    marker = root / MARKER
    if case_ids and marker.exists():
        with marker.open("a") as handle:
            handle.write("".join(f"{case_id}\n" for case_id in case_ids))


def finish_rebuild(root: Path) -> list[int]:
    """The cases changed during the rebuild; the announcement is withdrawn."""
    marker = root / MARKER
    try:
        lines = marker.read_text().splitlines()[1:]
    except OSError:
        return []
    marker.unlink(missing_ok=True)
    return sorted({int(line) for line in lines if line.strip().isdigit()})


def folder_size(folder: Path) -> int:
    """Bytes used by an index folder."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())
