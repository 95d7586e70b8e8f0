"""Which database a command reads, and refusing a named one that does not exist.

Opening a SQLite file that is not there creates an empty one, so ``rebuttal games --db
typo.db`` used to print "no games yet" and leave ``typo.db`` behind. A command that only reads
(or deletes from) the database says the file is missing instead.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from bot.store.location import DATABASE_VARIABLE, default_database


def existing_database(named: Path | None, command: str) -> Path | None:
    """The database ``command`` should read: ``--db``, else ``$REBUTTAL_DB``, else the default.

    A file the user named (with ``--db`` or the variable) that does not exist is an error:
    one line on stderr and ``None``. The default file may be missing on a fresh install; the
    command then reads an empty database, as before."""
    if named is None and not os.environ.get(DATABASE_VARIABLE):
        return default_database()
    path = named if named is not None else default_database()
    if path.is_file():
        return path
    how = "--db" if named is not None else f"${DATABASE_VARIABLE}"
    what = "is not a database file" if path.exists() else "no such database"
    print(f"rebuttal {command}: {what}: {path} (from {how})", file=sys.stderr)
    return None
