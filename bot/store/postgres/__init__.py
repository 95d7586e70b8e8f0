"""The PostgreSQL store: the same interface as ``bot.store.sqlite``, for a deployment that runs
several bot processes on one shared database (asyncpg, real types, a row lock per game)."""
