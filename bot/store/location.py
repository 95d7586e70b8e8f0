"""Which database a command uses when none is named: one rule for every entry point.

A PostgreSQL URL (``--database-url`` or ``$REBUTTAL_DATABASE_URL``) wins; otherwise the
embedded SQLite file (``--db``, ``$REBUTTAL_DB``, or ``rebuttal.sqlite3`` in the user's data
directory).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import platformdirs

DATABASE_VARIABLE = "REBUTTAL_DB"
DATABASE_URL_VARIABLE = "REBUTTAL_DATABASE_URL"
URL_SCHEMES = ("postgresql", "postgres")


def default_database() -> Path:
    """``$REBUTTAL_DB``, else ``rebuttal.sqlite3`` in the user's data directory."""
    override = os.environ.get(DATABASE_VARIABLE)
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir("rebuttal", appauthor=False)) / "rebuttal.sqlite3"


def is_database_url(location: str) -> bool:
    return urlsplit(location).scheme in URL_SCHEMES


def database_url(named: str | None = None) -> str | None:
    """``named`` (``--database-url``), else ``$REBUTTAL_DATABASE_URL``, else None (use SQLite).
    A value that is not a PostgreSQL URL is refused with a ``ValueError`` naming the schemes."""
    url = named or os.environ.get(DATABASE_URL_VARIABLE, "").strip() or None
    if url is not None and not is_database_url(url):
        raise ValueError(f"a database URL starts with postgresql:// (got {redacted(url)!r})")
    return url


def database_location(path: Path | None = None, url: str | None = None) -> Path | str:
    """What ``bot.store.database.open_store`` should open: a PostgreSQL URL if one is given
    (argument or environment), else the SQLite file ``path`` or the default one."""
    if url is None and path is not None:  # a file named on the command line beats the environment
        return path
    return database_url(url) or path or default_database()


def redacted(location: Path | str) -> str:
    """A location fit for logs and messages: a URL's password is replaced by ``***``."""
    text = str(location)
    parts = urlsplit(text)
    if not parts.scheme or parts.password is None:  # any URL: a mistyped scheme still carries one
        return text
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))
