"""Every pack in content/ (found by globbing the folder, so a new pack is checked without
editing this file): it validates, passes the decoy audit at the target's 20 seeds (with the
same-debate eliminator; test_shipped_decoys.py adds the eliminator trained on the other
debates and the per-side rules), keeps both sides in balance, and the README's library table
is exactly what ``rebuttal library --markdown`` prints.

The audit runs once per pack (cached) and feeds the audit test, the balance test and the
README table: about 12-18 s per pack on a shared machine.
"""

from __future__ import annotations

import contextlib
import io
import re
from functools import cache
from pathlib import Path

import pytest

from bot.cli import main
from bot.cli.library_commands import TABLE_SEEDS, DebateFigures, debate_figures, markdown_table
from bot.content.library import pack_files_in
from bot.content.listing import describe
from bot.content.pack_files import load_pack_file
from bot.engine.audit import TARGET

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
PACK_FILES = pack_files_in(CONTENT)
README = ROOT / "README.md"
TABLE_START, TABLE_END = "<!-- library-table:start -->", "<!-- library-table:end -->"

# Balance rules broken by shipped text that this change may not rewrite (it adds tags only).
# Each is reported by `rebuttal validate` with its figures. The test fails if one is fixed
# without being removed here, so the list cannot outlive the problem; a new pack gets no entry.
KNOWN_IMBALANCES: dict[str, set[str]] = {}


@cache
def figures(path: Path) -> DebateFigures:
    pack = load_pack_file(path)
    return debate_figures(pack, describe(pack), TABLE_SEEDS)


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(list(argv))
    return code, out.getvalue()


def test_the_content_folder_holds_the_library() -> None:
    assert len(PACK_FILES) >= 4
    assert all(load_pack_file(path).id == path.stem for path in PACK_FILES)  # a library id names its file


@pytest.mark.parametrize("path", PACK_FILES, ids=lambda p: p.stem)
def test_the_pack_validates(path: Path) -> None:
    code, output = run("validate", str(path), "--seeds", "0")  # the audit is the next test's
    assert code == 0, output
    assert output.startswith(f"ok  {path.stem}:"), output


@pytest.mark.parametrize("path", PACK_FILES, ids=lambda p: p.stem)
def test_the_pack_passes_the_decoy_audit(path: Path) -> None:
    row = figures(path)
    for one in (row.game, row.daily):
        name, rate = one.strongest
        assert rate <= TARGET, f"{path.stem} ({one.mode}): {name} finds the real reply in {rate:.0%}"
        assert one.fewest_options == 4 and one.revealed_offered == 0 and one.side_gap <= 1, one.problems


@pytest.mark.parametrize("path", PACK_FILES, ids=lambda p: p.stem)
def test_the_pack_is_balanced(path: Path) -> None:
    balance = figures(path).balance
    assert set(balance.broken) == KNOWN_IMBALANCES.get(path.stem, set()), balance.problems
    assert balance.questions["game"], "the balance report got the audit's questions per side"
    assert figures(path).entry.tags, f"{path.stem} has no tags: add scope and subject tags (README, Library)"


def test_the_readme_table_is_what_the_command_prints() -> None:
    text = README.read_text(encoding="utf-8")
    found = re.search(re.escape(TABLE_START) + r"\n(.*?)" + re.escape(TABLE_END), text, re.DOTALL)
    assert found, f"README.md has no library table between {TABLE_START} and {TABLE_END}"
    rows = sorted((figures(path) for path in PACK_FILES), key=lambda row: row.entry.id)
    expected = markdown_table(rows)
    assert found.group(1) == expected, (
        "README.md's library table is stale: run `.venv/bin/rebuttal library --markdown` and paste "
        f"its output between the markers.\n{expected}"
    )
