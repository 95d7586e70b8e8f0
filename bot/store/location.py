"""Where the embedded database lives when no path is given: one rule for every entry point."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

DATABASE_VARIABLE = "REBUTTAL_DB"


def default_database() -> Path:
    """``$REBUTTAL_DB``, else ``rebuttal.sqlite3`` in the user's data directory."""
    override = os.environ.get(DATABASE_VARIABLE)
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir("rebuttal", appauthor=False)) / "rebuttal.sqlite3"
