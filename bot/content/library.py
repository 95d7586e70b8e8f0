"""The debate library: every pack shipped in ``content/`` (or a folder named in the environment)."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.content.card_parser import parse_card
from bot.content.errors import ContentError, ContentProblem
from bot.content.ids import slugify
from bot.content.model import Pack
from bot.content.pack_files import PACK_SUFFIXES, load_pack_file

CONTENT_DIR_VARIABLE = "REBUTTAL_CONTENT_DIR"
DEFAULT_PACK_ID = "us-russia-normalization"


SHIPPED_PACKAGE = "bot.content.shipped"  # content/, as setup.py packages it into the wheel
SOURCE_CONTENT = Path(__file__).resolve().parents[2] / "content"  # content/ in a source tree


def shipped_content_dir() -> Path:
    """``$REBUTTAL_CONTENT_DIR`` if set; else the debates installed with the code; else the
    ``content/`` folder of the source tree this code runs from."""
    override = os.environ.get(CONTENT_DIR_VARIABLE)
    if override:
        return Path(override)
    return _installed_content() or SOURCE_CONTENT


def _installed_content() -> Path | None:
    """The folder of the package ``bot.content.shipped``, if there is one: a wheel carries
    it; a source tree has none (or, in an editable install, one whose folder is content/).
    Found through the import system rather than beside ``__file__``, so it is wherever the
    installer put it; read as a folder, since packs are loaded from files."""
    try:
        spec = importlib.util.find_spec(SHIPPED_PACKAGE)
    except ModuleNotFoundError:
        return None
    locations = (spec.submodule_search_locations or []) if spec is not None else []
    return next((Path(location) for location in locations if Path(location).is_dir()), None)


@dataclass(frozen=True)
class Library:
    packs: dict[str, Pack]

    def get(self, pack_id: str) -> Pack:
        try:
            return self.packs[pack_id]
        except KeyError:
            known = ", ".join(sorted(self.packs)) or "none"
            raise KeyError(f"no debate {pack_id!r} in the library (known: {known})") from None


def pack_files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in PACK_SUFFIXES and p.name != "pack.schema.json")


def load_library(folder: Path | None = None) -> Library:
    """Every pack in ``folder``; one ``ContentError`` lists every problem of every file."""
    folder = folder or shipped_content_dir()
    packs: dict[str, Pack] = {}
    problems: list[ContentProblem] = []
    for path in pack_files_in(folder):
        try:
            pack = load_pack_file(path)
        except ContentError as error:
            problems.extend(error.problems)
            continue
        if pack.id in packs:
            problems.append(ContentProblem(str(path), 0, f"pack id {pack.id!r} is used by another file too"))
        packs[pack.id] = pack
    if problems:
        raise ContentError(problems)
    return Library(packs)


def load_any(path: Path) -> Pack:
    """A pack from a pack file or a card, told apart by the file's suffix."""
    if path.suffix in PACK_SUFFIXES:
        return load_pack_file(path)
    return parse_card(path.read_bytes(), str(path), default_id=slugify(path.stem, fallback="debate"))


def load_all(paths: Iterable[Path]) -> tuple[list[Pack], list[ContentProblem]]:
    """Load each path (folders expand to their pack files), collecting rather than raising."""
    packs, problems = [], []
    for path in paths:
        targets = pack_files_in(path) if path.is_dir() else [path]
        for target in targets:
            try:
                packs.append(load_any(target))
            except ContentError as error:
                problems.extend(error.problems)
            except OSError as error:
                problems.append(ContentProblem(str(target), 0, f"cannot read: {error.strerror}"))
    return packs, problems
