"""Daily rounds as Block Kit: the public announcement and summary, the private round view
(a modal) and the leaderboard. Only layout lives here: every word comes from
``bot.rounds.presentation``, and text from people or packs goes through ``render.escape``.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.engine.script import option_letter
from bot.games.presentation import StepCard
from bot.rounds.leaderboards import Leaderboard
from bot.rounds.presentation import (
    CONTINUE_LABEL,
    PLAY_LABEL,
    Action,
    PrivateCard,
    announcement_lines,
    leaderboard_lines,
    summary_lines,
)
from bot.rounds.service import Announcement, ClosedRound

from .buttons import ROUND_CALLBACK, RoundButton
from .render import Block, card_body, context, escape, options_fit_buttons, plain, sections

MODAL_BLOCKS = 100  # Slack's ceiling for a modal
MODAL_TITLE = 24  # characters in a modal's title, submit and close labels
CLOSED_NOTE = "This round has closed; its results are posted below."


def when(moment: datetime, zone: str) -> str:
    """``Tue 6 Jan at 09:00 (Europe/Berlin)``: a closing or next-run time in the channel's zone."""
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local:%a} {local.day} {local:%b} at {local:%H:%M} ({zone})"


def announcement_text(announcement: Announcement) -> str:
    """The message's notification text (Slack reads it as markup too)."""
    title, _ = announcement_lines(announcement)
    return escape(title)


def announcement_blocks(announcement: Announcement, closes: str | None) -> list[Block]:
    """The round as posted, with its Play button; ``closes`` None: as edited at the close,
    without the button."""
    title, lines = announcement_lines(announcement)
    blocks = [*sections(f"*{escape(title)}*"), *sections("\n".join(escape(line) for line in lines))]
    if closes is None:
        return [*blocks, context(escape(CLOSED_NOTE))]
    button = RoundButton(announcement.round.id)
    play = {
        "type": "button",
        "action_id": button.action_id,
        "value": button.value,
        "style": "primary",
        "text": plain(PLAY_LABEL),
    }
    return [
        *blocks,
        {"type": "actions", "block_id": "round-play", "elements": [play]},
        context(escape(f"Closes {closes}.")),
    ]


def summary_blocks(closed: ClosedRound) -> tuple[str, list[Block]]:
    """The public summary: its notification text and its blocks."""
    title, lines = summary_lines(closed)
    body = [*sections(f"*{escape(title)}*"), *sections("\n".join(escape(line) for line in lines))]
    return escape(title), body


def leaderboard_text(board: Leaderboard) -> str:
    title, lines = leaderboard_lines(board)
    return "\n".join([f"*{escape(title)}*", *(escape(line) for line in lines)])


def round_modal(card: PrivateCard, round_id: int, number: int) -> Block:
    """One player's private view of a round. It carries no metadata: the player's place in
    the round is read from the database on every click, and the buttons name the round."""
    return _modal(f"Daily round {number}", _card_blocks(card, round_id))


def notice_modal(text: str) -> Block:
    """A small view with one message: opening, or a refusal pushed on top of the round."""
    return _modal("Daily round", sections(escape(text)))


def _modal(title: str, blocks: list[Block]) -> Block:
    if len(blocks) > MODAL_BLOCKS:  # keep the ending: the buttons
        blocks = [*blocks[: MODAL_BLOCKS - 3], context("(shortened to fit Slack)"), *blocks[-2:]]
    return {
        "type": "modal",
        "callback_id": ROUND_CALLBACK,
        "title": plain(title, MODAL_TITLE),
        "close": plain("Close", MODAL_TITLE),
        "blocks": blocks,
    }


def _card_blocks(card: PrivateCard, round_id: int) -> list[Block]:
    step_card = StepCard(card.title, card.sections, card.prompt, card.options, card.action is Action.ANSWER)
    blocks = sections(f"_{escape(card.note)}_") if card.note else []
    blocks += card_body(step_card)
    if card.action is Action.ANSWER:
        fits = options_fit_buttons(step_card)
        elements = []
        for index, option in enumerate(card.options):
            button = RoundButton(round_id, card.step, index)
            label = option if fits else option_letter(index)
            elements.append(
                {"type": "button", "action_id": button.action_id, "value": button.value, "text": plain(label)}
            )
        blocks.append({"type": "actions", "block_id": f"round-answers-{card.step}", "elements": elements})
    elif card.action is Action.CONTINUE:
        button = RoundButton(round_id, card.step, None)
        go = {
            "type": "button",
            "action_id": button.action_id,
            "value": button.value,
            "style": "primary",
            "text": plain(CONTINUE_LABEL),
        }
        blocks.append({"type": "actions", "block_id": f"round-continue-{card.step}", "elements": [go]})
    return blocks
