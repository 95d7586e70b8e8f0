"""Looking at a database from another process without changing it (``rebuttal health``).

One entry, ``probe(location, platform)``, for either engine: it reads the schema version and
the platform's last heartbeat, and creates, migrates and locks nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.store.location import is_database_url

PROBE_TIMEOUT_SECONDS = 5.0  # a healthcheck must answer, not hang on an unreachable server


class ProbeFailed(Exception):
    """The database could not be read."""


@dataclass(frozen=True)
class Probe:
    version: int
    expected: int  # the schema version this program migrates to
    beat_at: datetime | None  # the platform's last heartbeat, if one was asked for and recorded


async def probe(location: Path | str, platform: str | None) -> Probe:
    if isinstance(location, str) and is_database_url(location):
        from bot.store.postgres.probe import probe as probe_postgres

        return await probe_postgres(location, platform, PROBE_TIMEOUT_SECONDS)
    from bot.store.sqlite.probe import probe as probe_sqlite

    return await probe_sqlite(Path(location), platform)
