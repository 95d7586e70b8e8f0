"""Which database a command uses, and refusing a named one that does not exist.

Every command that opens the database takes ``--db FILE`` (SQLite) or ``--database-url URL``
(PostgreSQL); without either, ``$REBUTTAL_DATABASE_URL``, then ``$REBUTTAL_DB``, then the
SQLite file in the user data directory (``bot.store.location``).

Opening a SQLite file that is not there creates an empty one, so ``rebuttal games --db
typo.db`` used to print "no games yet" and leave ``typo.db`` behind. A command that only reads
(or deletes from) the database says the file is missing instead.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from bot.store.location import DATABASE_URL_VARIABLE, DATABASE_VARIABLE, database_url, default_database


def add_database_options(parser: argparse.ArgumentParser) -> None:
    """``--db FILE`` or ``--database-url URL``, not both."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--db", type=Path, help=f"SQLite database file (default: ${DATABASE_VARIABLE} or the user data dir)"
    )
    where.add_argument(
        "--database-url",
        metavar="URL",
        help=f"a PostgreSQL database, postgresql://… (default: ${DATABASE_URL_VARIABLE})",
    )


def _url(named: Path | None, url: str | None, command: str) -> str | ValueError | None:
    """The PostgreSQL URL meant: ``--database-url``, or (when no ``--db`` was given either)
    ``$REBUTTAL_DATABASE_URL``; a malformed one is returned as the error to print."""
    try:
        return database_url(url) if url is not None or named is None else None
    except ValueError as error:
        return error


def chosen_database(args: argparse.Namespace, command: str) -> Path | str | None:
    """The database ``args`` name, without checking that a file exists (for commands that
    create or migrate it). A malformed URL is one line on stderr and ``None``."""
    named: Path | None = getattr(args, "db", None)
    url = _url(named, getattr(args, "database_url", None), command)
    if isinstance(url, ValueError):
        print(f"rebuttal {command}: {url}", file=sys.stderr)
        return None
    return url or named or default_database()


def existing_database(named: Path | None, command: str, url: str | None = None) -> Path | str | None:
    """The database ``command`` should read: ``--database-url`` or ``--db``, else
    ``$REBUTTAL_DATABASE_URL``, else ``$REBUTTAL_DB``, else the default file.

    A file the user named (with ``--db`` or the variable) that does not exist is an error:
    one line on stderr and ``None``. The default file may be missing on a fresh install; the
    command then reads an empty database, as before. A PostgreSQL URL is returned as it is:
    whether the server answers shows when the command connects."""
    chosen_url = _url(named, url, command)
    if isinstance(chosen_url, ValueError):
        print(f"rebuttal {command}: {chosen_url}", file=sys.stderr)
        return None
    if chosen_url is not None:
        return chosen_url
    if named is None and not os.environ.get(DATABASE_VARIABLE):
        return default_database()
    path = named if named is not None else default_database()
    if path.is_file():
        return path
    how = "--db" if named is not None else f"${DATABASE_VARIABLE}"
    what = "is not a database file" if path.exists() else "no such database"
    print(f"rebuttal {command}: {what}: {path} (from {how})", file=sys.stderr)
    return None
