"""The store: the single source of truth for every game, and the only code that holds SQL.

Theory of operation. Services open a unit of work on a ``Store`` (``bot.store.interface``)
and call repositories on it: ``async with store.write() as uow`` is one atomic transaction,
committed when the block returns and rolled back if it raises, serialised with every other
writer (in this process and in others on the same database); ``async with store.read() as
uow`` is a read-only snapshot of committed data that neither waits for a writer nor sees its
uncommitted rows. A reply goes out only after the write that justifies it committed.

Repositories return frozen records (``bot.store.records``) and encode every instant and JSON
column through one codec (``bot.store.codec``). Rules that must hold across processes are
constraints of the database: one live game per channel is a partial unique index (a second
start raises ``ChannelBusy`` inside its own transaction), a platform event is claimed once
by its primary key, a round is closed by a conditional update. Caches in front of the store
(``bot.store.cache``) are tagged by row version or hold what never changes.

Engines: SQLite (``bot.store.sqlite``, the embedded default, WAL) and PostgreSQL
(``bot.store.postgres``, asyncpg, for several processes on one database), both opened by
``bot.store.database.open_store``. Schemas move forward by appended migrations, one list per
engine, versioned in the database.
"""
