"""``rebuttal import | validate | show | export-card | schema``: working with debate content."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.content.balance import balance_report
from bot.content.card_parser import parse_card
from bot.content.card_writer import render_card
from bot.content.errors import ContentError
from bot.content.ids import slugify
from bot.content.library import load_all, load_any, load_library, pack_files_in, shipped_content_dir
from bot.content.model import Pack
from bot.content.pack_files import PACK_SUFFIXES, SCHEMA_FILE, dump_pack_yaml, pack_schema_json

if TYPE_CHECKING:
    Subcommands = argparse._SubParsersAction[argparse.ArgumentParser]

PACK_HELP = "a debate id from the library, or a pack/card file"


def register(commands: Subcommands) -> None:
    importer = commands.add_parser("import", help="turn a debate card (.txt) into a pack (.yaml)")
    importer.add_argument("card", type=Path)
    importer.add_argument("-o", "--output", type=Path, help="pack file to write (default: print it)")
    importer.add_argument("--id", help="the debate's id (default: the card's Id: line, else its file name)")
    importer.set_defaults(handler=import_card)

    validate = commands.add_parser("validate", help="check cards and packs; report every problem")
    validate.add_argument(
        "paths", nargs="*", help="files, folders or debate ids from the library (default: the whole library)"
    )
    validate.add_argument(
        "--seeds",
        type=int,
        default=10,
        help="seeds the decoy audit averages over (default: 10, for speed; 0 skips the audit; "
        "'rebuttal decoys PACK --audit' gives the full figures)",
    )
    validate.set_defaults(handler=validate_paths)

    show = commands.add_parser("show", help="print a pack (or card) as normalised JSON")
    show.add_argument("pack", help=PACK_HELP)
    show.add_argument("--json", action="store_true", default=True, help="JSON output (the default)")
    show.set_defaults(handler=show_pack)

    export = commands.add_parser("export-card", help="write a pack back as card text")
    export.add_argument("pack", help=PACK_HELP)
    export.add_argument("-o", "--output", type=Path)
    export.set_defaults(handler=export_card)

    schema = commands.add_parser("schema", help="print the JSON Schema of pack files")
    schema.add_argument("-o", "--output", type=Path, help=f"e.g. content/{SCHEMA_FILE}")
    schema.set_defaults(handler=write_schema)


def report(error: ContentError) -> int:
    for problem in error.problems:
        print(problem, file=sys.stderr)
    count = len(error.problems)
    print(f"{count} problem{'s' if count != 1 else ''}; nothing was loaded.", file=sys.stderr)
    return 1


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_name(output.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(output)  # never leave a half-written pack behind
    print(f"wrote {output}", file=sys.stderr)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError as error:
        print(f"{path}: cannot read: {error.strerror}", file=sys.stderr)
        return None


def import_card(args: argparse.Namespace) -> int:
    data = _read(args.card)
    if data is None:
        return 1
    try:
        pack = parse_card(data, str(args.card), pack_id=args.id, default_id=slugify(args.card.stem, "debate"))
    except ContentError as error:
        return report(error)
    _write(dump_pack_yaml(pack), args.output)
    return 0


def validate_paths(args: argparse.Namespace) -> int:
    paths = [_validation_target(name) for name in args.paths] or [shipped_content_dir()]
    packs, problems = load_all(paths)
    if problems:
        return report(ContentError(problems))
    for pack in packs:
        turns = sum(len(t.turns) for t in pack.all_threads())
        print(f"ok  {pack.id}: {len(pack.threads)} threads, {turns} turns")
        for warning in decoy_warnings(pack, args.seeds):
            print(f"warning  {pack.id}: {warning}")
    return 0


def decoy_warnings(pack: Pack, seeds: int) -> list[str]:
    """The decoy audit's findings for ``pack`` (games and daily rounds), then the balance
    report's broken rules: warnings, not errors, because the pack plays; its prediction
    questions are just easier to shortcut, or its sides less evenly matched."""
    from bot.engine.audit import audit  # the engine is only needed when auditing

    audits = [audit(pack, range(seeds), daily) for daily in (False, True)] if seeds >= 1 else []
    problems = [problem for one in audits for problem in one.problems]
    return problems + balance_report(pack, {one.mode: one.per_side for one in audits}).problems


def load_or_report(path: Path) -> Pack | None:
    """The pack or card at ``path``; on failure its problems are printed and ``None`` returned."""
    try:
        return load_any(path)
    except ContentError as error:
        report(error)
    except OSError as error:
        print(f"{path}: cannot read: {error.strerror}", file=sys.stderr)
    return None


def _is_file_name(name: str) -> bool:
    """A name that means a file: one that exists, or one with a pack or card suffix (a
    missing ``typo.yaml`` should say "cannot read", not "no such debate")."""
    path = Path(name)
    return path.exists() or path.suffix in (*PACK_SUFFIXES, ".txt")


def _validation_target(name: str) -> Path:
    """A path to validate: the name itself, or the library's file for a debate id (so that
    problems are reported against the file to fix)."""
    if _is_file_name(name):
        return Path(name)
    folder = shipped_content_dir()
    for path in pack_files_in(folder) if folder.is_dir() else []:
        if path.stem == name:
            return path
    return Path(name)  # neither: reported as a file that cannot be read


def pack_or_report(name: str) -> Pack | None:
    """A pack by library id or from a file; on failure the reason is printed, ``None`` returned."""
    if _is_file_name(name):
        return load_or_report(Path(name))
    try:
        return load_library().get(name)
    except ContentError as error:  # the library itself has a broken pack
        report(error)
    except KeyError as error:
        print(error.args[0], file=sys.stderr)
    return None


def show_pack(args: argparse.Namespace) -> int:
    pack = pack_or_report(args.pack)
    if pack is None:
        return 1
    print(json.dumps(pack.model_dump(mode="json"), indent=2, ensure_ascii=False))
    return 0


def export_card(args: argparse.Namespace) -> int:
    pack = pack_or_report(args.pack)
    if pack is None:
        return 1
    _write(render_card(pack), args.output)
    return 0


def write_schema(args: argparse.Namespace) -> int:
    _write(pack_schema_json(), args.output)
    return 0
