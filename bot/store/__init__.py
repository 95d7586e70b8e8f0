"""SQLite storage (aiosqlite): the single source of truth for every game."""
