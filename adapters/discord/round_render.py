"""Daily rounds laid out as embeds: the public announcement and summary, and a player's
private card. All wording comes from ``bot.rounds.presentation``; here it is only escaped,
cut to Discord's limits and arranged, with every section in the same style (as for games),
so neither side looks more prominent than the other."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from adapters.discord.render import COLOUR, DESCRIPTION_LIMIT, TITLE_LIMIT, card_embed
from adapters.discord.replies import cut, safe
from bot.engine.script import StepKind, option_letter
from bot.rounds.presentation import PrivateCard, announcement_lines, summary_lines
from bot.rounds.service import Announcement, ClosedRound, PrivateView

CLOSED_NOTE = "This round has closed; the results are in the summary below."


def timestamp(moment: datetime, style: str = "f") -> str:
    """A Discord timestamp: each reader sees it in their own time zone and language."""
    return f"<t:{int(moment.timestamp())}:{style}>"


def _embed(title: str, lines: Sequence[str], footer: str | None = None) -> discord.Embed:
    description = cut("\n".join(lines), DESCRIPTION_LIMIT)
    embed = discord.Embed(title=cut(safe(title), TITLE_LIMIT), description=description, colour=COLOUR)
    if footer:
        embed.set_footer(text=footer)
    return embed


def announcement_embed(announcement: Announcement, *, closed: bool = False) -> discord.Embed:
    title, lines = announcement_lines(announcement)
    shown = [safe(line) for line in lines]
    closes_at = announcement.round.closes_at
    shown.append(CLOSED_NOTE if closed else f"Open until {timestamp(closes_at)} ({timestamp(closes_at, 'R')}).")
    return _embed(title, shown)


def summary_embed(closed: ClosedRound) -> discord.Embed:
    """Names appear in the lines (top scores, streaks): every line is escaped whole, so a
    display name cannot mention or format anything."""
    title, lines = summary_lines(closed)
    return _embed(title, [safe(line) for line in lines])


def option_labels(view: PrivateView, card: PrivateCard) -> list[str]:
    """The stance scale in words, otherwise letters (the option texts are in the embed)."""
    if is_stance(view, card):
        return list(card.options)
    return [option_letter(index) for index in range(len(card.options))]


def is_stance(view: PrivateView, card: PrivateCard) -> bool:
    steps = view.script.steps
    return 0 <= card.step < len(steps) and steps[card.step].kind is StepKind.STANCE


def private_embed(view: PrivateView, card: PrivateCard) -> discord.Embed:
    options = card.options if not is_stance(view, card) else ()
    footer = f"Daily round {view.round.number} · only you can see this"
    return card_embed(card.title, card.sections, card.prompt, options, footer)
