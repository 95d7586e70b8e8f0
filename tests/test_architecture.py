"""Architecture checks that import-linter cannot express: SQL text lives only in the store.

(The import contracts themselves are in ``.importlinter`` and run in ``.ci/run``.)
"""

import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SQL = re.compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE|PRAGMA\s+\w+)\b", re.S
)


def sql_strings(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string literal in ``path`` that reads as SQL."""
    found = []
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    for token in tokens:
        if token.type == tokenize.STRING and SQL.search(token.string):
            found.append((token.start[0], token.string[:60]))
    return found


def test_query_text_appears_only_under_the_store() -> None:
    outside = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for package in ("bot", "adapters")
        for path in sorted((ROOT / package).rglob("*.py"))
        if (ROOT / "bot" / "store") not in path.parents
        for line, text in sql_strings(path)
    ]
    assert outside == []


def test_the_check_sees_sql_where_it_is() -> None:
    """The scan is not vacuous: the store itself is full of it."""
    store = sorted((ROOT / "bot" / "store").rglob("*.py"))
    assert sum(len(sql_strings(path)) for path in store) > 20
