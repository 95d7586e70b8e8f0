"""Drawing a game's effects in its Slack thread.

The parent message is posted when a game starts; every step is a reply in its thread, and
each step's message ts is stored with the game (``bot.games.step_messages``), so after a
restart the reveal edits the very message students answered on. Edits of one game's messages are
serialised by a per-game lock, so a late "N answered" redraw can never put buttons back on
a question that has just been revealed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from slack_sdk.web.async_client import AsyncWebClient

from bot.content.model import Pack
from bot.engine.commands import DrawnFor
from bot.engine.effects import Effect, GameOver, GamePaused, GameResumed, RevealStep, ShowStep
from bot.engine.script import StepKind
from bot.engine.state import GameState, Status
from bot.games.answer_counter import AnsweredCounter
from bot.games.presentation import SCOREBOARD_TITLE, final_scoreboard, reveal_text, step_card
from bot.games.service import GameService
from bot.games.step_messages import Delete, draw_on_step, post_step
from bot.store.records import GameRef

from . import render
from .buttons import ThreadRef

log = logging.getLogger(__name__)

NOTES = {GamePaused: "The host paused the game.", GameResumed: "The game goes on."}
MOVES_THE_CONTROLS = (ShowStep, RevealStep, GamePaused, GameResumed, GameOver)


def _drawn_for(state: GameState) -> DrawnFor:
    return DrawnFor(state.step, state.phase)


def _host_name(state: GameState) -> str:
    """The host's display name as the game stored it (never a mention, which would ping)."""
    host = state.players.get(state.host)
    return host.name if host is not None else "the host"


class SlackPresenter:
    def __init__(self, service: GameService, client: AsyncWebClient, count_interval: float = 2.0) -> None:
        self.service = service
        self.client = client
        self.counts = AnsweredCounter(service, self._redraw_count, count_interval, redraw_reveal=self._reveal_again)

    async def open_thread(self, ref: GameRef, channel: str, question: str, state: GameState) -> ThreadRef:
        """Post the game's parent message and store it as the game's thread."""
        posted = await self.client.chat_postMessage(
            channel=channel,
            text=render.escape(f"Rebuttal debate: {question}"),
            blocks=render.parent_blocks(ref.game_id, question, _host_name(state), state.status, _drawn_for(state)),
        )
        thread = ThreadRef(channel, str(posted["ts"]))
        await self.service.set_thread(ref, str(thread))
        return thread

    async def present(self, ref: GameRef, state: GameState, effects: Sequence[Effect]) -> None:
        thread = ThreadRef.parse(await self.service.thread_of(ref))
        if thread is None:
            log.warning("game %s has no Slack thread; nothing to draw on", ref.game_id)
            return
        pack = await self.service.pack_of(ref)
        async with self.counts.lock(ref):
            for effect in effects:
                if isinstance(effect, ShowStep):
                    await self._show(ref, thread, pack, state, effect.step)
                elif isinstance(effect, RevealStep):
                    await self._reveal(ref, thread, pack, state, effect)
                elif isinstance(effect, GamePaused | GameResumed):
                    await self._note(thread, NOTES[type(effect)])
                elif isinstance(effect, GameOver):
                    await self._game_over(ref, thread, pack, state)
            if any(isinstance(effect, MOVES_THE_CONTROLS) for effect in effects):
                # The host controls name the step and phase they were drawn for.
                await self._redraw_parent(ref, thread, pack, state)
        if state.status is Status.ENDED:
            self.counts.forget(ref)

    async def answered(self, ref: GameRef, step: int) -> None:
        await self.counts.answered(ref, step)  # outside ``counts.lock``, which the redraw takes

    async def close(self) -> None:
        await self.counts.close()

    async def _show(self, ref: GameRef, thread: ThreadRef, pack: Pack, state: GameState, index: int) -> None:
        step = state.script.steps[index]
        if step.kind is StepKind.SCOREBOARD:
            return  # GameOver draws the scoreboard, with the stance shifts
        card = step_card(pack, step)

        async def post() -> str:
            posted = await self.client.chat_postMessage(
                channel=thread.channel,
                thread_ts=thread.ts,
                text=render.step_text(card),
                blocks=render.open_step_blocks(ref.game_id, index, card, answered=0),
            )
            return str(posted["ts"])

        revealed = await post_step(self.service, ref, index, post, self._deleter(thread))
        if revealed is not None:  # another process closed it before it was recorded here
            await self._reveal(ref, thread, pack, state, revealed)

    async def _reveal_again(self, ref: GameRef, effect: RevealStep) -> None:
        """The counter's call when a count it drew may have landed on this reveal."""
        thread = ThreadRef.parse(await self.service.thread_of(ref))
        if thread is not None:
            await self._reveal(ref, thread, await self.service.pack_of(ref), await self.service.load(ref), effect)

    async def _reveal(self, ref: GameRef, thread: ThreadRef, pack: Pack, state: GameState, effect: RevealStep) -> None:
        self.counts.closed(ref, effect.step)
        step = state.script.steps[effect.step]
        card = step_card(pack, step)
        shown = render.revealed_step_blocks(card, reveal_text(step, effect.tally, effect.correct_option))

        async def edit(ts: str) -> None:
            await self.client.chat_update(channel=thread.channel, ts=ts, text=render.step_text(card), blocks=shown)

        async def post() -> str:
            posted = await self.client.chat_postMessage(
                channel=thread.channel, thread_ts=thread.ts, text=render.step_text(card), blocks=shown
            )
            return str(posted["ts"])

        await draw_on_step(self.service, ref, effect.step, edit, post, self._deleter(thread))

    def _deleter(self, thread: ThreadRef) -> Delete:
        async def delete(ts: str) -> None:
            await self.client.chat_delete(channel=thread.channel, ts=ts)

        return delete

    async def _redraw_count(self, ref: GameRef, index: int, answered: int) -> None:
        thread = ThreadRef.parse(await self.service.thread_of(ref))
        ts = await self.service.message_of(ref, index)
        if thread is None or ts is None:
            return
        state = await self.service.load(ref)
        card = step_card(await self.service.pack_of(ref), state.script.steps[index])
        await self.client.chat_update(
            channel=thread.channel,
            ts=ts,
            text=render.step_text(card),
            blocks=render.open_step_blocks(ref.game_id, index, card, answered=answered),
        )

    async def _note(self, thread: ThreadRef, text: str) -> None:
        await self.client.chat_postMessage(channel=thread.channel, thread_ts=thread.ts, text=render.escape(text))

    async def _redraw_parent(self, ref: GameRef, thread: ThreadRef, pack: Pack, state: GameState) -> None:
        await self.client.chat_update(
            channel=thread.channel,
            ts=thread.ts,
            text=render.escape(f"Rebuttal debate: {pack.question}"),
            blocks=render.parent_blocks(ref.game_id, pack.question, _host_name(state), state.status, _drawn_for(state)),
        )

    async def _game_over(self, ref: GameRef, thread: ThreadRef, pack: Pack, state: GameState) -> None:
        pairs = await self.service.stance_pairs(ref)
        await self.client.chat_postMessage(
            channel=thread.channel,
            thread_ts=thread.ts,
            text=SCOREBOARD_TITLE,
            blocks=render.scoreboard_blocks(final_scoreboard(pack, state, pairs)),
        )
