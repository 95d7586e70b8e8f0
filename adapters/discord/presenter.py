"""Drawing a game's effects in its Discord thread.

Each step is one message, recorded (``bot.games.step_messages``) so that reveals and the
answer counter edit the right message, also after a restart. Messages are addressed by id
through partial objects: nothing here depends on discord.py's cache or keeps game state.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import discord

from adapters.discord.buttons import paused_view, step_view
from adapters.discord.render import option_labels, results_embed, scoreboard_embed, step_embed
from adapters.discord.replies import NO_MENTIONS
from bot.engine.effects import Effect, GameOver, GamePaused, GameResumed, RevealStep, ShowStep
from bot.engine.script import StepKind
from bot.engine.state import GameState, Phase
from bot.games.answer_counter import AnsweredCounter, answered_text
from bot.games.presentation import final_scoreboard, step_card
from bot.games.service import GameService
from bot.games.step_messages import Delete, draw_on_step, post_step
from bot.store.records import GameRef

log = logging.getLogger(__name__)


class DiscordPresenter:
    def __init__(self, client: discord.Client, service: GameService, counter_interval: float = 2.0) -> None:
        self.client = client
        self.service = service
        self.counter = AnsweredCounter(service, self._edit_count, counter_interval, redraw_reveal=self._reveal_again)

    async def present(self, ref: GameRef, state: GameState, effects: Sequence[Effect]) -> None:
        thread = await self._thread(ref)
        if thread is None:
            log.warning("game %s has no thread yet; %d effect(s) not shown", ref.game_id, len(effects))
            return
        # One game's effects are drawn one command at a time, as on Slack: a reveal must find
        # the message id its question's post recorded. A quick "/debate next" could otherwise
        # reveal while that post is still being recorded, and post the reveal a second time.
        async with self.counter.lock(ref):
            for effect in effects:
                if isinstance(effect, ShowStep):
                    await self._show(ref, state, thread, effect.step)
                elif isinstance(effect, RevealStep):
                    await self._reveal(ref, state, thread, effect)
                elif isinstance(effect, GamePaused):
                    await thread.send(
                        "⏸ The debate is paused.",
                        view=paused_view(ref.game_id, state.step, state.phase),
                        allowed_mentions=NO_MENTIONS,
                    )
                elif isinstance(effect, GameResumed):
                    await thread.send("▶ The debate goes on.", allowed_mentions=NO_MENTIONS)
                elif isinstance(effect, GameOver):
                    await self._game_over(ref, state, thread)
        if any(isinstance(effect, GameOver) for effect in effects):
            self.counter.forget(ref)

    async def answered(self, ref: GameRef, step: int) -> None:
        await self.counter.answered(ref, step)

    async def close(self) -> None:
        await self.counter.close()

    async def _thread(self, ref: GameRef) -> discord.PartialMessageable | None:
        thread_ref = await self.service.thread_of(ref)
        if thread_ref is None:
            return None
        return self.client.get_partial_messageable(int(thread_ref), type=discord.ChannelType.public_thread)

    async def _show(self, ref: GameRef, state: GameState, thread: discord.PartialMessageable, index: int) -> None:
        step = state.script.steps[index]
        if step.kind is StepKind.SCOREBOARD:
            return  # GameOver follows with the scoreboard itself
        pack = await self.service.pack_of(ref)
        embed = step_embed(step_card(pack, step), step, len(state.script.steps) - 1)
        phase = Phase.OPEN if step.kind.is_question else Phase.SHOWN
        labels = option_labels(step) if step.kind.is_question else []
        view = step_view(ref.game_id, step, labels, phase)

        async def post() -> str:
            return str((await thread.send(embed=embed, view=view, allowed_mentions=NO_MENTIONS)).id)

        revealed = await post_step(self.service, ref, index, post, _deleter(thread))
        if revealed is not None:  # another process closed it before it was recorded here
            await self._reveal(ref, state, thread, revealed)

    async def _reveal_again(self, ref: GameRef, effect: RevealStep) -> None:
        """The counter's call when a count it drew may have landed on this reveal."""
        thread = await self._thread(ref)
        if thread is not None:
            await self._reveal(ref, await self.service.load(ref), thread, effect)

    async def _reveal(
        self, ref: GameRef, state: GameState, thread: discord.PartialMessageable, effect: RevealStep
    ) -> None:
        self.counter.closed(ref, effect.step)
        step = state.script.steps[effect.step]
        pack = await self.service.pack_of(ref)
        content = answered_text(sum(effect.tally)) + " · closed"
        embeds = [
            step_embed(step_card(pack, step), step, len(state.script.steps) - 1),
            results_embed(step, effect.tally, effect.correct_option),
        ]
        view = step_view(ref.game_id, step, option_labels(step), Phase.REVEALED, correct_option=effect.correct_option)

        async def edit(message_ref: str) -> None:  # under the game's lock, held by present
            await thread.get_partial_message(int(message_ref)).edit(
                content=content, embeds=embeds, view=view, allowed_mentions=NO_MENTIONS
            )

        async def post() -> str:
            return str((await thread.send(content, embeds=embeds, view=view, allowed_mentions=NO_MENTIONS)).id)

        await draw_on_step(self.service, ref, effect.step, edit, post, _deleter(thread))

    async def _game_over(self, ref: GameRef, state: GameState, thread: discord.PartialMessageable) -> None:
        pack = await self.service.pack_of(ref)
        pairs = await self.service.stance_pairs(ref)
        embed = scoreboard_embed(final_scoreboard(pack, state, pairs))
        await thread.send("🏁 The debate is over.", embed=embed, allowed_mentions=NO_MENTIONS)

    async def _edit_count(self, ref: GameRef, step: int, answered: int) -> None:
        thread = await self._thread(ref)
        message_ref = await self.service.message_of(ref, step)
        if thread is None or message_ref is None:
            return
        await thread.get_partial_message(int(message_ref)).edit(
            content=answered_text(answered), allowed_mentions=NO_MENTIONS
        )


def _deleter(thread: discord.PartialMessageable) -> Delete:
    async def delete(message_ref: str) -> None:
        await thread.get_partial_message(int(message_ref)).delete()

    return delete
