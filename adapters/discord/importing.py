"""Reading an uploaded card (.txt) or pack (.yaml/.yml/.json): size-limited, validated,
and every problem listed back, never a partial import."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

import discord

from adapters.discord.replies import listing, safe
from bot.content.card_parser import parse_card
from bot.content.errors import ContentError
from bot.content.ids import slugify
from bot.content.model import Pack
from bot.content.pack_files import PACK_SUFFIXES, parse_pack
from bot.content.text_input import MAX_CONTENT_BYTES

CARD_SUFFIXES = (".txt",)


@dataclass(frozen=True)
class ImportResult:
    pack: Pack | None
    message: str


async def read_upload(attachment: discord.Attachment) -> ImportResult:
    name = attachment.filename
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in CARD_SUFFIXES + PACK_SUFFIXES:
        return ImportResult(None, "Attach a card (.txt) or a pack file (.yaml, .yml or .json).")
    # Checked before downloading: Discord tells the size, and a huge file is not fetched.
    if attachment.size > MAX_CONTENT_BYTES:
        return ImportResult(
            None, f"{safe(name)} is {attachment.size:,} bytes; the limit is {MAX_CONTENT_BYTES:,} bytes."
        )
    data = await attachment.read()
    try:
        if suffix in CARD_SUFFIXES:
            pack = parse_card(data, name, default_id=slugify(PurePosixPath(name).stem, fallback="debate"))
        else:
            pack = parse_pack(data, name)
    except ContentError as error:
        count = len(error.problems)
        header = f"{safe(name)} has {count} problem{'s' if count != 1 else ''}; nothing was imported:"
        return ImportResult(None, listing(header, [f"• {safe(str(p))}" for p in error.problems]))
    return ImportResult(pack, f"Added “{safe(pack.question)}” (id `{pack.id}`) to this server's library.")
