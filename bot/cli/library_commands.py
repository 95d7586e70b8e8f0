"""``rebuttal library [--tag T] [--json] [--markdown]``: the debates a teacher can choose from.

The listing and the tag filter are ``bot.content.listing`` (the chat commands show the same);
``--markdown`` adds each debate's decoy-audit and balance figures, as the README's library
table (``tests/content/test_shipped_library.py`` checks that the README matches it).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from bot.content.balance import Balance, balance_report
from bot.content.errors import ContentError
from bot.content.library import load_library
from bot.content.listing import DebateEntry, LibraryListing, list_library
from bot.content.model import Pack, Side
from bot.engine.audit import Audit, audit

if TYPE_CHECKING:
    Subcommands = argparse._SubParsersAction[argparse.ArgumentParser]

TABLE_SEEDS = 20  # the seed count the 40% target is stated for (`rebuttal validate` uses 10 to be quick)


def register(commands: Subcommands) -> None:
    library = commands.add_parser("library", help="list the debates: tags, threads, playing time, reading level")
    library.add_argument("--tag", help="only debates with this tag (case-insensitive)")
    output = library.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="machine-readable")
    output.add_argument(
        "--markdown",
        action="store_true",
        help=f"the README's library table, with decoy-audit ({TABLE_SEEDS} seeds) and balance figures",
    )
    library.set_defaults(handler=show_library)


def show_library(args: argparse.Namespace) -> int:
    try:
        packs = load_library().packs
    except ContentError as error:
        from bot.cli.content_commands import report

        return report(error)
    listing = list_library(packs.values(), args.tag)
    if listing.problem is not None:
        print(listing.problem, file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(listing_json(listing), indent=2, ensure_ascii=False))
    elif args.markdown:
        sys.stdout.write(markdown_table([debate_figures(packs[e.id], e) for e in listing.entries]))
    else:
        print(listing_text(listing))
    return 0


def listing_text(listing: LibraryListing) -> str:
    lines = [f"{listing.heading} (play one with: rebuttal play ID). {listing.tags_line}"]
    for entry in listing.entries:
        lines += [f"  {entry.id} — {entry.question}", f"      {entry.summary()}"]
    return "\n".join(lines)


def listing_json(listing: LibraryListing) -> dict[str, object]:
    return {
        "tag": listing.tag,
        "known_tags": list(listing.known_tags),
        "debates": [{**asdict(e), "tags": list(e.tags)} for e in listing.entries],
    }


@dataclass(frozen=True)
class DebateFigures:
    """One row of the README's library table."""

    entry: DebateEntry
    game: Audit
    daily: Audit
    balance: Balance


def debate_figures(pack: Pack, entry: DebateEntry, seeds: int = TABLE_SEEDS) -> DebateFigures:
    game, daily = (audit(pack, range(seeds), d) for d in (False, True))
    balance = balance_report(pack, {a.mode: a.per_side for a in (game, daily)})
    return DebateFigures(entry, game, daily, balance)


TABLE_HEADER = (
    "| debate | tags | threads | playing time (live / daily round) | reading grade (Flesch–Kincaid) "
    f"| strongest strategy ({TABLE_SEEDS} seeds: full game / daily) | words C / L (ratio) "
    "| questions per full game C / L | opening sides | charged terms C / L |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
)


def markdown_table(rows: list[DebateFigures]) -> str:
    """The table, one row per debate, as the README shows it."""
    lines = []
    for row in rows:
        e, b = row.entry, row.balance
        per_side = row.game.per_side
        lines.append(
            f"| `{e.id}` | {', '.join(e.tags) or '—'} | {e.threads} | {e.live_minutes} min / {e.round_minutes} min "
            f"| {e.reading_grade:.1f} | {row.game.strongest[1]:.1%} / {row.daily.strongest[1]:.1%} "
            f"| {b.words[Side.CONSERVATIVE]} / {b.words[Side.LIBERAL]} ({b.word_ratio:.2f}) "
            f"| {per_side[Side.CONSERVATIVE]:g} / {per_side[Side.LIBERAL]:g} "
            f"| {' '.join(s.letter for s in b.openers)}{'' if b.repeated_openers else ' (alternate)'} "
            f"| {len(b.charged[Side.CONSERVATIVE])} / {len(b.charged[Side.LIBERAL])} |"
        )
    return TABLE_HEADER + "".join(line + "\n" for line in lines)
