"""Rebuilding the whole index into a fresh folder while search keeps answering, then swapping it in."""

import time
from collections.abc import Callable

from whoosh import index as whoosh_index

from forum.search import storage
from forum.search.documents import all_case_ids, all_documents, documents_for
from forum.search.whoosh_backend import with_vocabulary

Progress = Callable[[int, int], None]
# Below this many cases, starting worker processes costs more than it saves.
PARALLEL_FROM = 2000


def rebuild(backend, session, progress: Progress | None = None, procs: int = 2) -> dict:
    """Write every listed case into a new generation; catch up on changes made meanwhile; swap; return figures."""
    started = time.perf_counter()
    root = backend.root
    folder = backend.create_generation()
    with storage.writer_lock(root):
        storage.start_rebuild(root, folder)
    done, writer = 0, None
    try:
        total = len(all_case_ids(session))
        index = whoosh_index.open_dir(str(folder))
        parallel = procs > 1 and total >= PARALLEL_FROM
        # Whoosh's multiprocessing writer analyses documents in `procs` processes: both cores work.
        writer = index.writer(procs=procs, limitmb=128, multisegment=True) if parallel else index.writer(limitmb=128)
        for document in all_documents(session):
            writer.add_document(**with_vocabulary(document))
            done += 1
            if progress and done % 250 == 0:
                progress(done, total)
    except BaseException:
        if writer is not None:
            writer.cancel()
        with storage.writer_lock(root):
            storage.finish_rebuild(root)
        raise
    writer.commit()
    # Changes committed while we read are replayed from fresh reads, not from this session's memory.
    session.rollback()
    session.expunge_all()
    with storage.writer_lock(root):
        changed = storage.finish_rebuild(root)
        if changed:
            documents, gone = documents_for(session, changed)
            backend.write(folder, documents, gone)
        storage.switch_to(root, folder)
    if progress:
        progress(total, total)
    return {
        "cases": total,
        "documents": done,
        "caught_up": len(changed),
        "seconds": round(time.perf_counter() - started, 2),
        "bytes": storage.folder_size(folder),
        "location": str(folder),
        "procs": procs if parallel else 1,
    }
