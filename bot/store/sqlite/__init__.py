"""The SQLite engine of the store (the embedded default): one module per repository."""

from bot.store.sqlite.store import SqliteStore

__all__ = ["SqliteStore"]
