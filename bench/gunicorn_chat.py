"""gunicorn settings for a Socket.IO process (`gunicorn -c bench/gunicorn_chat.py ...`): fewer full GC passes.

With a thousand sockets the heap holds millions of objects; a full (generation 2) collection walks them all while
holding the GIL and was measured stopping every socket for 100-320 ms, the whole p99 tail of bench/chat_load.py.
Objects alive once the app is loaded are frozen out of the collector, and collections are made rarer.
"""

import gc


def post_worker_init(worker: object) -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 50, 1_000)
