"""Drawing steps as terminal text."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence

from bot.content.model import Pack
from bot.engine.effects import Effect, GameOver, GamePaused, GameResumed, RevealStep, ShowStep
from bot.engine.script import StepKind, option_letter
from bot.engine.state import GameState
from bot.games.presentation import StepCard, reveal_text, scoreboard_lines, step_card
from bot.games.service import GameService
from bot.store.records import GameRef

WIDTH = 78


def wrap(text: str, indent: str = "") -> str:
    paragraphs = text.split("\n")
    return "\n".join(
        textwrap.fill(p, WIDTH, initial_indent=indent, subsequent_indent=indent) if p else "" for p in paragraphs
    )


def render_card(card: StepCard) -> str:
    lines = ["", "=" * WIDTH, card.title.upper() if card.title else "", "=" * WIDTH]
    for section in card.sections:
        heading = f"[{section.heading.upper()}]" if section.side else section.heading
        if heading:
            lines.append(heading)
        lines.append(wrap(section.text, "  "))
        lines.append("")
    if card.prompt:
        lines.append(card.prompt)
    for index, option in enumerate(card.options):
        lines.append(f"  {index + 1}) " + wrap(option, "     ").lstrip())
    return "\n".join(lines)


class ConsolePresenter:
    def __init__(self, service: GameService, write: Callable[[str], None]) -> None:
        self.service = service
        self.write = write

    async def close(self) -> None:
        """Nothing pending: the terminal is drawn as effects arrive."""

    async def answered(self, ref: GameRef, step: int) -> None:
        """Nothing to count: a terminal game has one player."""

    async def present(self, ref: GameRef, state: GameState, effects: Sequence[Effect]) -> None:
        pack: Pack = await self.service.pack_of(ref)
        for effect in effects:
            if isinstance(effect, ShowStep):
                step = state.script.steps[effect.step]
                if step.kind is StepKind.SCOREBOARD:
                    continue
                self.write(render_card(step_card(pack, step)))
            elif isinstance(effect, RevealStep):
                step = state.script.steps[effect.step]
                if step.kind is StepKind.PREDICT and effect.correct_option is not None:
                    self.write(f"\nIt was {option_letter(effect.correct_option)} ({effect.correct_option + 1}).")
                self.write(wrap(reveal_text(step, effect.tally, effect.correct_option), "  "))
            elif isinstance(effect, GamePaused):
                self.write("\n(The game is paused.)")
            elif isinstance(effect, GameResumed):
                self.write("\n(The game goes on.)")
            elif isinstance(effect, GameOver):
                self.write("\n" + "=" * WIDTH + "\nFINAL SCOREBOARD\n" + "=" * WIDTH)
                self.write("\n".join(scoreboard_lines(state.players)))
