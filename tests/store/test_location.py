"""Which database a command opens: a PostgreSQL URL from the flag or the environment, else
the SQLite file; and a URL's password never printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.store.location import DATABASE_URL_VARIABLE, DATABASE_VARIABLE, database_location, redacted

URL = "postgresql://bot:secret@db.example.org:5432/rebuttal"


def test_a_url_wins_unless_a_file_is_named_on_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATABASE_VARIABLE, str(tmp_path / "env.db"))
    monkeypatch.delenv(DATABASE_URL_VARIABLE, raising=False)
    assert database_location() == tmp_path / "env.db"  # no URL anywhere: the SQLite file
    monkeypatch.setenv(DATABASE_URL_VARIABLE, URL)
    assert database_location() == URL
    assert database_location(path=tmp_path / "named.db") == tmp_path / "named.db"
    assert database_location(url="postgres://other/db") == "postgres://other/db"
    with pytest.raises(ValueError, match="postgresql://"):
        database_location(url="mysql://nope")


def test_a_password_is_redacted_and_the_rest_kept() -> None:
    assert redacted(URL) == "postgresql://bot:***@db.example.org:5432/rebuttal"
    assert redacted("postgresql://bot@host/db") == "postgresql://bot@host/db"
    assert redacted(Path("/data/rebuttal.sqlite3")) == "/data/rebuttal.sqlite3"


def test_db_and_database_url_cannot_be_given_together(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["games", "--db", "x.db", "--database-url", URL])
    assert "not allowed with argument" in capsys.readouterr().err


def test_a_malformed_url_in_the_environment_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(DATABASE_URL_VARIABLE, "mysql://bot:secret@host/db")
    assert main(["games"]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("rebuttal games: a database URL starts with postgresql://") and "secret" not in error
