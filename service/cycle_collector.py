"""CPython's cycle collector, set for bulk loads.

A bulk load keeps each batch's rows alive across thousands of allocations, so the young collections
promote them, and CPython runs a full collection every 10 sweeps of the middle generation once a
quarter of the old objects are new: in the ingest benchmark (98,000 profiles, 514,000 interactions)
that was 71 full collections, each walking some 600,000 live objects (the batches in flight, the
resolution's score memory, the normalisation caches), 33 s of a 140 s load, with the event loop
that feeds Neo4j stopped meanwhile. The rows themselves are freed by reference counting
(`service.graph.store.run`), so little cyclic garbage waits for a full collection; while a file
loads, one runs every `FULL_COLLECTION_EVERY` sweeps instead.

Example:
    with bulk_load():
        ...  # write batch after batch
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

FULL_COLLECTION_EVERY = 1000


class _Loads:
    """The thresholds to restore when the last of the bulk loads in this process ends."""

    def __init__(self) -> None:
        self.running = 0
        self.thresholds = gc.get_threshold()


_LOADS = _Loads()


@contextmanager
def bulk_load() -> Iterator[None]:
    """Full collections made rare while it is open; loads may overlap (two files at once)."""
    if _LOADS.running == 0:
        _LOADS.thresholds = gc.get_threshold()
        young, middle, _ = _LOADS.thresholds
        gc.set_threshold(young, middle, FULL_COLLECTION_EVERY)
    _LOADS.running += 1
    try:
        yield
    finally:
        _LOADS.running -= 1
        if _LOADS.running == 0:
            gc.set_threshold(*_LOADS.thresholds)
