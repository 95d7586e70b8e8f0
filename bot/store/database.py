"""The store entry points open: ``Database.open(path)``.

SQLite is the only engine today; choosing another (PostgreSQL, by URL) belongs here.
"""

from bot.store.sqlite.store import SqliteStore as Database

__all__ = ["Database"]
