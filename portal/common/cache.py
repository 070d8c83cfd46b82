"""A small cache in the memory of one worker process, for things that are costly to make and cheap to keep.

Nothing here knows when a value goes stale: callers put what it depends on (a version read from the database,
the date) in the key, so a stale entry is simply never asked for again and ages out.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class BoundedCache(Generic[T]):
    """The `max_entries` most recently used values, safe to share between a worker's threads."""

    def __init__(self, max_entries: int):
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: Hashable, make: Callable[[], T]) -> T:
        """The value kept for `key`, or `make()` kept for next time.

        Made outside the lock, so a slow `make` holds up no other key; two threads that miss the same key at
        once both make it, and the same value is kept.
        """
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = make()
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
