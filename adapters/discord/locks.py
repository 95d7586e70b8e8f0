"""Per-game locks for host controls, so two quick "Next" clicks are judged one after the other.

The stale-button check reads the game and then sends the command in a second transaction;
without the lock both clicks could pass the check before either moved the game. This holds
within one bot process (the only deployment shape of the Discord bot); a step guard in the
engine's ``Advanced`` command would make it hold across processes too.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Hashable


class KeyedLocks:
    """One ``asyncio.Lock`` per key, dropped once nobody holds or awaits it."""

    def __init__(self) -> None:
        self._locks: dict[Hashable, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, key: Hashable) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)
