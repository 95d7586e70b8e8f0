"""Caches in front of the store, each safe because of what it caches.

* ``StateCache``: game states tagged with the row version they were read at; a state is used
  only while the game's ``version`` still matches, and services put a state only after its
  transaction committed.
* ``PackSnapshots``: the stored copies of debates, by content hash; a copy never changes.
* ``parse_script``: a script in the full form (every option's text), as games stored it before
  migration 7 and as test fixtures keep it; stored scripts are read by ``bot.store.scripts``,
  which caches them the same way (a game's script never changes after it starts).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from functools import lru_cache
from typing import TYPE_CHECKING

from pydantic import TypeAdapter

from bot.content.model import Pack
from bot.engine.script import Script
from bot.engine.state import GameState
from bot.store.records import GameRef

if TYPE_CHECKING:
    from bot.store.interface import Store

_SCRIPT = TypeAdapter(Script)


@lru_cache(maxsize=512)
def parse_script(text: str) -> Script:
    """A script from its full form (``bot.store.scripts.full_script``)."""
    return _SCRIPT.validate_json(text)


class StateCache:
    """Recently used game states, each tagged with the database version it was read at.

    The database stays the source of truth: a cached state is used only when the game's
    ``version`` column still matches, which costs one indexed row read instead of reading
    every player and answer of the game again.
    """

    def __init__(self, capacity: int = 2048) -> None:
        self.capacity = capacity
        self._states: OrderedDict[GameRef, tuple[int, GameState]] = OrderedDict()

    def get(self, ref: GameRef, version: int) -> GameState | None:
        entry = self._states.get(ref)
        if entry is None or entry[0] != version:
            return None
        self._states.move_to_end(ref)
        return entry[1]

    def put(self, ref: GameRef, version: int, state: GameState) -> None:
        self._states[ref] = (version, state)
        self._states.move_to_end(ref)
        while len(self._states) > self.capacity:
            self._states.popitem(last=False)


class PackSnapshots:
    """The stored copies of debates, by hash, each read and parsed once: presenters ask for a
    game's pack on every step."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._packs: dict[str, Pack] = {}

    async def get(self, digest: str) -> Pack:
        if digest not in self._packs:
            async with self.store.read() as uow:
                body = await uow.games.pack_body(digest)
            assert hashlib.sha256(body.encode()).hexdigest() == digest
            self._packs[digest] = Pack.model_validate_json(body)
        return self._packs[digest]
