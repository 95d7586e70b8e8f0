"""Sending text users see: never pinging anyone, escaped, and cut to Discord's limits."""

from __future__ import annotations

from collections.abc import Sequence

import discord

# Nothing the bot posts may ping: a card or a display name containing @everyone stays text.
NO_MENTIONS = discord.AllowedMentions.none()
MESSAGE_LIMIT = 2000


def safe(text: str) -> str:
    """``text`` shown literally: mentions defused and markdown escaped (it is never markup)."""
    return discord.utils.escape_markdown(discord.utils.escape_mentions(text))


def cut(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, ending in "…" when shortened."""
    if len(text) <= limit:
        return text
    shortened = text[: limit - 1]
    # Cutting an escaped text could leave a lone backslash that would escape the ellipsis.
    if (len(shortened) - len(shortened.rstrip("\\"))) % 2:
        shortened = shortened[:-1]
    return shortened + "…"


def listing(header: str, lines: Sequence[str], limit: int = MESSAGE_LIMIT) -> str:
    """``header`` then as many ``lines`` as fit in ``limit``, saying how many were left out."""
    text = header
    for shown, line in enumerate(lines):
        left = len(lines) - shown  # this line and those after it
        candidate = text + "\n" + line
        room_for_note = left == 1 or len(candidate) + len(f"\n…and {left - 1} more.") <= limit
        if len(candidate) > limit or not room_for_note:
            return text + f"\n…and {left} more."
        text = candidate
    return text


async def tell(interaction: discord.Interaction, text: str, *, view: discord.ui.View | None = None) -> None:
    """Answer ``interaction`` privately (a first response, or a followup once one was sent)."""
    content = cut(text, MESSAGE_LIMIT)
    if interaction.response.is_done():
        if view is None:
            await interaction.followup.send(content, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.followup.send(content, ephemeral=True, allowed_mentions=NO_MENTIONS, view=view)
    elif view is None:
        await interaction.response.send_message(content, ephemeral=True, allowed_mentions=NO_MENTIONS)
    else:
        await interaction.response.send_message(content, ephemeral=True, allowed_mentions=NO_MENTIONS, view=view)
