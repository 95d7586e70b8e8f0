"""Step cards as embeds. One neutral colour and one heading style for every section, so
neither side looks more prominent than the other; sides are named in words by the card."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from adapters.discord.replies import cut, safe
from bot.engine.script import Step, StepKind, option_letter
from bot.games.presentation import (
    NO_ONE_PLAYED,
    SCOREBOARD_TITLE,
    SHIFTS_HEADING,
    FinalScoreboard,
    Section,
    StepCard,
    reveal_text,
)

COLOUR = discord.Colour(0x5865F2)  # the same for both sides: colour must not signal a side
TITLE_LIMIT, DESCRIPTION_LIMIT = 256, 4096


def shares(lengths: Sequence[int], budget: int) -> list[int]:
    """Per block, how many characters it may keep so all fit ``budget``: the longest blocks
    are shortened first ("water filling"), so short ones are never cut."""
    if sum(lengths) <= budget:
        return list(lengths)
    cap, remaining, left = 0, budget, sorted(lengths)
    while left:
        fair = remaining // len(left)
        if left[0] > fair:
            cap = fair
            break
        remaining -= left.pop(0)
        cap = fair
    return [min(length, cap) for length in lengths]


def fit_blocks(blocks: Sequence[str], budget: int, separator: str = "\n\n") -> str:
    room = max(0, budget - len(separator) * max(0, len(blocks) - 1))
    limits = shares([len(b) for b in blocks], room)
    return separator.join(cut(block, limit) for block, limit in zip(blocks, limits, strict=True) if limit > 0)


def option_labels(step: Step) -> list[str]:
    """Button labels: the stance scale in words, otherwise letters (the texts are in the embed)."""
    if step.kind is StepKind.STANCE:
        return [option.text for option in step.options]
    return [option_letter(index) for index in range(len(step.options))]


def step_embed(card: StepCard, step: Step, total_steps: int) -> discord.Embed:
    # Stance options are the buttons' own labels; other options are too long for buttons.
    options = card.options if step.kind is not StepKind.STANCE else ()
    return card_embed(card.title, card.sections, card.prompt, options, f"Step {step.index + 1} of {total_steps}")


def card_embed(
    title: str, sections: Sequence[Section], prompt: str | None, options: Sequence[str], footer: str
) -> discord.Embed:
    """A card as an embed: sections, then the prompt and lettered options (game steps and
    daily-round cards alike)."""
    blocks = [f"**{safe(s.heading)}**\n{safe(s.text)}" if s.heading else safe(s.text) for s in sections]
    tail: list[str] = []
    if prompt:
        tail.append(f"**{safe(prompt)}**")
    tail.extend(f"**{option_letter(i)}.** {safe(text)}" for i, text in enumerate(options))
    # The question and its options must survive: long turn texts give way first.
    tail_text = fit_blocks(tail, DESCRIPTION_LIMIT // 2 if blocks else DESCRIPTION_LIMIT, "\n")
    body = fit_blocks(blocks, DESCRIPTION_LIMIT - len(tail_text) - 2) if blocks else ""
    description = "\n\n".join(part for part in (body, tail_text) if part)
    embed = discord.Embed(title=cut(safe(title), TITLE_LIMIT), description=description, colour=COLOUR)
    embed.set_footer(text=footer)
    return embed


def results_embed(step: Step, tally: Sequence[int], correct_option: int | None) -> discord.Embed:
    return discord.Embed(
        title="Results", description=cut(reveal_text(step, tally, correct_option), DESCRIPTION_LIMIT), colour=COLOUR
    )


def scoreboard_embed(board: FinalScoreboard) -> discord.Embed:
    """The final scoreboard (``bot.games.presentation.final_scoreboard``); names are escaped,
    so a display name cannot format or ping."""
    scores = "\n".join(safe(line) for line in board.score_lines) or NO_ONE_PLAYED
    embed = discord.Embed(title=SCOREBOARD_TITLE, description=cut(scores, DESCRIPTION_LIMIT), colour=COLOUR)
    shifts = [safe(line) for line in board.shift_lines]
    embed.add_field(name=SHIFTS_HEADING, value=fit_blocks(shifts, 1024, "\n") or "—", inline=False)
    return embed
