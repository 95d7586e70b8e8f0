"""Drawing the game as Block Kit. Nothing here talks to Slack; it only builds JSON.

All text that came from a person or a pack goes through ``escape`` before it lands in a
``mrkdwn`` field or a message's ``text``, because Slack turns ``<!channel>``, ``<!here>``
and ``<@U…>`` in those into real mentions. ``plain_text`` fields are shown as typed, so they
are only shortened to Slack's limits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.engine.commands import DrawnFor
from bot.engine.script import option_letter
from bot.engine.state import Status
from bot.games.controls import Control, controls_shown
from bot.games.presentation import NO_ONE_PLAYED, SCOREBOARD_TITLE, SHIFTS_HEADING, FinalScoreboard, StepCard

from .buttons import (
    FORGET_ACTION,
    IMPORT_CALLBACK,
    IMPORT_INPUT,
    IMPORT_PARTS,
    AnswerButton,
    HostButton,
    ShareButton,
    import_block,
)

Block = dict[str, Any]
SECTION_LIMIT = 3000  # characters in one section's text
BUTTON_LIMIT = 75  # characters in a button's label
SHORT_OPTION = 40  # options at most this long are written on their buttons
MAX_BLOCKS = 50  # per message
IMPORT_LIMIT = 3000  # Slack's ceiling for a plain_text_input


def escape(text: str) -> str:
    """Slack's three control characters, escaped so no text becomes a mention or a link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain(text: str, limit: int = BUTTON_LIMIT) -> Block:
    clipped = text if len(text) <= limit else text[: limit - 1] + "…"
    return {"type": "plain_text", "text": clipped or " ", "emoji": False}


def sections(markdown: str) -> list[Block]:
    """``markdown`` (already escaped) as as many sections as Slack's length limit needs."""
    pieces = [markdown[i : i + SECTION_LIMIT] for i in range(0, len(markdown), SECTION_LIMIT)] or [" "]
    return [{"type": "section", "text": {"type": "mrkdwn", "text": piece}} for piece in pieces]


def context(markdown: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": markdown}]}


def card_body(card: StepCard) -> list[Block]:
    """A card's text as sections: the same shape for game steps and daily rounds."""
    blocks = sections(f"*{escape(card.title)}*") if card.title else []
    for section in card.sections:
        # Both sides get exactly this shape: the side named in bold words, then its text.
        heading = f"*{escape(section.heading)}*\n" if section.heading else ""
        blocks += sections(heading + escape(section.text))
    if card.prompt:
        blocks += sections(f"*{escape(card.prompt)}*")
    if card.options and not options_fit_buttons(card):
        for index, option in enumerate(card.options):
            blocks += sections(f"*{option_letter(index)}.* {escape(option)}")
    return blocks


def options_fit_buttons(card: StepCard) -> bool:
    return all(len(option) <= SHORT_OPTION for option in card.options)


def answer_buttons(game_id: int, step: int, card: StepCard) -> Block:
    fits = options_fit_buttons(card)
    elements = []
    for index, option in enumerate(card.options):
        button = AnswerButton(game_id, step, index)
        label = option if fits else option_letter(index)
        elements.append({"type": "button", "action_id": button.action_id, "value": button.value, "text": plain(label)})
    return {"type": "actions", "block_id": f"answers-{step}", "elements": elements}


def open_step_blocks(game_id: int, step: int, card: StepCard, answered: int) -> list[Block]:
    """A step as first posted; a question carries its answer buttons and count."""
    blocks = card_body(card)
    if card.is_question:
        blocks += [answer_buttons(game_id, step, card), context(f"*{answered}* answered")]
    return _fit(blocks)


def revealed_step_blocks(card: StepCard, results: str) -> list[Block]:
    """A closed question: buttons gone, the room's tally shown."""
    blocks = [*card_body(card), *sections("*Results*\n" + escape(results)), context("This question is closed.")]
    return _fit(blocks)


def _fit(blocks: list[Block]) -> list[Block]:
    if len(blocks) <= MAX_BLOCKS:
        return blocks
    # Keep the ending (buttons, count, results) and say that text was shortened.
    return [*blocks[: MAX_BLOCKS - 4], context("(shortened to fit Slack)"), *blocks[-3:]]


def step_text(card: StepCard) -> str:
    """The notification text of a step message (Slack reads it as markup too)."""
    return escape(card.title or (card.sections[0].heading if card.sections else "Rebuttal"))


def parent_blocks(
    game_id: int, question: str, host_name: str, status: Status, drawn_for: DrawnFor | None
) -> list[Block]:
    """The game's parent message; its thread holds the steps; host controls live here, each
    naming the step and phase they were drawn for (``drawn_for``), so a press that arrives
    after the game moved on is refused rather than moving it again."""
    # The host's display name, escaped, never ``<@U…>``: a mention would notify the host in
    # every channel a game is started in, and nothing the bot posts may ping anyone.
    blocks = [
        *sections(f"*Rebuttal debate:* {escape(question)}"),
        context(f"Hosted by {escape(host_name)} · the game is played in this thread · {escape(status.value)}"),
    ]
    controls = controls_shown(status)
    if controls:
        blocks.append(
            {
                "type": "actions",
                "block_id": "host-controls",
                "elements": [
                    {
                        "type": "button",
                        "action_id": HostButton(game_id, control, drawn_for).action_id,
                        "value": str(game_id),
                        "text": plain(control.value.title()),
                        **({"style": "danger"} if control is Control.END else {}),
                    }
                    for control in controls
                ],
            }
        )
    return blocks


def scoreboard_blocks(board: FinalScoreboard) -> list[Block]:
    """The final scoreboard (``bot.games.presentation.final_scoreboard``), escaped."""
    scores = "\n".join(escape(line) for line in board.score_lines) or NO_ONE_PLAYED
    shifts = "\n".join(escape(line) for line in board.shift_lines)
    return _fit([*sections(f"*{SCOREBOARD_TITLE}*\n" + scores), *sections(f"*{SHIFTS_HEADING}*\n" + shifts)])


def import_modal(channel_id: str) -> Block:
    """The paste form: one box per 3,000 characters (Slack's limit for a text box)."""
    boxes = [
        {
            "type": "input",
            "block_id": import_block(part),
            "optional": part > 1,
            "label": plain("Card or pack" if part == 1 else f"…continued (part {part})", 2000),
            "element": {
                "type": "plain_text_input",
                "action_id": IMPORT_INPUT,
                "multiline": True,
                "max_length": IMPORT_LIMIT,
            },
        }
        for part in range(1, IMPORT_PARTS + 1)
    ]
    return {
        "type": "modal",
        "callback_id": IMPORT_CALLBACK,
        "private_metadata": channel_id,
        "title": plain("Import a debate", 24),
        "submit": plain("Import", 24),
        "close": plain("Cancel", 24),
        "blocks": [
            *sections(
                "Paste a debate card (the text format) or a pack (YAML or JSON). It is added to this "
                "workspace only. A box holds 3,000 characters: paste a longer text a few whole lines at a "
                "time, continuing in the next box. Line numbers in problems count through all the boxes."
            ),
            *boxes,
        ],
    }


def forget_confirmation(user_id: str) -> list[Block]:
    return [
        *sections("This deletes your answers and scores in every game of this workspace. It can't be undone."),
        {
            "type": "actions",
            "block_id": "forget-me",
            "elements": [
                {
                    "type": "button",
                    "action_id": FORGET_ACTION,
                    "value": user_id,
                    "style": "danger",
                    "text": plain("Forget me"),
                }
            ],
        },
    ]


def results_note_blocks(note: str, game_id: int) -> list[Block]:
    """The teacher's private note after the files went out, with the one way to share."""
    return [
        *sections(note),
        {
            "type": "actions",
            "block_id": "results-share",
            "elements": [
                {
                    "type": "button",
                    "action_id": ShareButton(game_id).action_id,
                    "value": str(game_id),
                    "text": plain("Share the anonymous summary with the class"),
                }
            ],
        },
        context(
            "Sharing posts only the chart and each thread's stance shift (how many answered both "
            "stances, and the mean shift) in the debate's thread: no names, no one's answers."
        ),
    ]


def class_summary_blocks(question: str, shift_lines: Sequence[str]) -> list[Block]:
    """What the class sees: the question and each thread's aggregate shift, all escaped."""
    shifts = "\n".join(escape(line) for line in shift_lines) or "No threads."
    return _fit(
        [
            *sections(f"*How opinions moved:* {escape(question)}"),
            *sections(f"*{SHIFTS_HEADING}*\n" + shifts),
            context("Class totals only; the chart follows."),
        ]
    )
