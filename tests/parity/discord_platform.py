"""The parity driver for Discord: the real bot against the Discord stand-in."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from adapters.discord.context import RebuttalBot
from bot.engine.state import GameState
from bot.store.records import GameRef
from tests.discord.harness import PACK_ID, answer_ids, running_bot, step_messages
from tests.parity.drivers import Control, DrawnControls, as_json, quiet, until
from tests.slack.harness import small_pack  # the same debate on every platform
from tests.standins.discord_fixtures import DiscordErrorCollector
from tests.standins.discord_server import DiscordStandIn, FakeChannel, InteractionRecord, RecordedMessage

HOST = "carol"  # owns the server: a teacher
STUDENTS = ("alice", "bob", "dave", "erin")
ANSWERED = re.compile(r"^(\d+) answered")


def _host_ids(message: RecordedMessage) -> list[str]:
    return [c for c in message.custom_ids() if c.startswith("rebuttal:host:")]


class DiscordPlatform:
    name: str = "discord"
    host: str = HOST
    students: tuple[str, ...] = STUDENTS

    def __init__(self, standin: DiscordStandIn, bot: RebuttalBot) -> None:
        self.standin = standin
        self.bot = bot
        self._ref: GameRef | None = None

    # -- where the game is -------------------------------------------------------------
    @property
    def thread(self) -> FakeChannel:
        assert self.standin.threads, "no game thread yet"
        return self.standin.threads[-1]

    async def ref(self) -> GameRef:
        """The game started in the class channel (remembered once seen, so it is found after it ends)."""
        if self._ref is None:
            running = await self.bot.services.games.running_games()
            assert running, "no game in the channel"
            self._ref = running[-1].ref
        return self._ref

    async def stance_pairs(self) -> dict[str, dict[str, tuple[int, int]]]:
        return await self.bot.services.games.stance_pairs(await self.ref())

    async def state(self) -> GameState:
        return await self.bot.services.games.load(await self.ref())

    async def games_in_channel(self) -> int:
        running = await self.bot.services.games.running_games()
        return len(running)

    # -- acting --------------------------------------------------------------------------
    async def _reply(self, rec: InteractionRecord) -> str:
        """The private text the user got back: a direct reply (type 4), the followup that replaced
        a "thinking…" message (type 5), or a private followup after an edit or a silent ack (7, 6)."""
        await self.standin.wait_for(lambda: rec.callback_type)
        if rec.callback_type == 4:
            return str(rec.callback_data.get("content") or "")
        if rec.callback_type == 5:
            message = await self.standin.wait_for(
                lambda: rec.message if rec.message is not None and not rec.message.loading else None, timeout=30
            )
            return message.content
        if rec.callback_type == 7:  # accepted and the clicked message edited: a private note follows
            await self.standin.wait_for(lambda: [f for f in rec.followups if f.ephemeral], timeout=30)
        await self.settle()
        texts = [f.content for f in rec.followups if f.ephemeral and f.content]
        return texts[-1] if texts else ""

    async def start(self, user: str | None = None) -> str:
        before = len(self.standin.threads)
        rec = await self.standin.slash("debate", {"debate": PACK_ID}, subcommand="start", user=user or HOST)
        text = await self._reply(rec)
        if len(self.standin.threads) > before or await self.games_in_channel() > 0:
            await self.standin.wait_for(
                lambda: len(self.standin.threads) > 0 and step_messages(self.standin, self.thread)
            )
        return text

    async def start_at_once(self, count: int) -> list[str]:
        recs = [
            await self.standin.slash("debate", {"debate": PACK_ID}, subcommand="start", user=HOST, wait=False)
            for _ in range(count)
        ]
        texts = await asyncio.gather(*(self._reply(rec) for rec in recs))
        await self.settle()
        return list(texts)

    def _question(self) -> RecordedMessage:
        return step_messages(self.standin, self.thread)[-1]

    async def _current_question(self) -> RecordedMessage:
        """The current step's message, once it is drawn (the state is stored before it is posted)."""
        ref = await self.ref()
        step = (await self.bot.services.games.load(ref)).step
        found: list[RecordedMessage] = []

        async def drawn() -> bool:
            message_id = await self.bot.services.games.message_of(ref, step)
            if message_id is None or int(message_id) not in self.standin.state.messages:
                return False
            found.append(self.standin.state.messages[int(message_id)])
            return True

        await until(drawn)
        return found[0]

    async def answer(self, player: str, option: int) -> str:
        message = await self._current_question()
        rec = await self.standin.click(message, answer_ids(message)[option], user=player)
        return await self._reply(rec)

    async def answer_all_at_once(self, players: tuple[str, ...], option: int) -> None:
        message = await self._current_question()
        custom_id = answer_ids(message)[option]
        recs = [await self.standin.click(message, custom_id, user=p, wait=False) for p in players]
        await self.standin.wait_for(lambda: all(r.callback_type for r in recs))

    def _controls_message(self) -> RecordedMessage:
        shown = [m for m in self.standin.messages_in(self.thread) if _host_ids(m) and not m.deleted]
        assert shown, "no message shows the host controls"
        return shown[-1]

    async def controls(self) -> DrawnControls:
        state = await self.state()
        message = self._controls_message()
        return DrawnControls(state.step, state.phase, (message, message.to_api()))

    async def press(self, user: str, control: Control, drawn: DrawnControls | None = None) -> str:
        if drawn is None:
            await self.settle()  # the controls as drawn for the current step, not the ones before
            message = self._controls_message()
            [custom_id] = [c for c in _host_ids(message) if c.endswith(":" + control)]
            rec = await self.standin.click(message, custom_id, user=user)
            return await self._reply(rec)
        message, as_shown = drawn.handle
        [custom_id] = [c for c in _host_ids(message) if c.endswith(":" + control)]
        # A client still showing the older message sends its components as they were then.
        stale_ids = [
            c["custom_id"]
            for row in as_shown.get("components", [])
            for c in row.get("components", [])
            if str(c.get("custom_id", "")).endswith(":" + control) and "host" in str(c.get("custom_id"))
        ]
        custom_id = stale_ids[0] if stale_ids else custom_id
        payload = self.standin.build_interaction(
            3, {"custom_id": custom_id, "component_type": 2}, user=user, message=message
        )
        payload["message"] = as_shown
        rec = await self.standin.send_interaction(payload)
        return await self._reply(rec)

    async def results(self, user: str) -> str:
        rec = await self.standin.slash("debate", subcommand="results", user=user, channel=self.standin.text_channel)
        return await self._reply(rec)

    def _share_note(self, user: str) -> RecordedMessage | None:
        notes = [
            m
            for m in self.standin.messages
            if m.ephemeral
            and m.visible_to == self.standin.user(user).id
            and any(c.startswith("rebuttal:share:") for c in m.custom_ids())
        ]
        return notes[-1] if notes else None

    async def share(self, user: str) -> str:
        note = self._share_note(user)
        assert note is not None, f"{user} has no results note with a share button"
        [custom_id] = [c for c in note.custom_ids() if c.startswith("rebuttal:share:")]
        rec = await self.standin.click(note, custom_id, user=user)
        return await self._reply(rec)

    async def settle(self) -> None:
        await quiet(lambda: len(self.standin.requests), lambda: False)

    # -- reading -------------------------------------------------------------------------
    def public_view(self) -> list[str]:
        seen: list[str] = []
        for message in self.standin.messages:
            if message.ephemeral or message.deleted:
                continue
            if not (message.author.bot or message.interaction_user is not None or message.webhook_id):
                continue
            seen.extend(f"{message.id}:{as_json(p)}" for p in message.payloads)
            seen.extend(f"{message.id}:file:{a.filename}" for a in message.attachments)
        return seen

    def private_files_to(self, user: str) -> int:
        uid = self.standin.user(user).id
        return sum(len(m.attachments) for m in self.standin.messages if m.ephemeral and m.visible_to == uid)

    def answered_shown(self) -> int | None:
        found = ANSWERED.match(self._question().content)
        return int(found.group(1)) if found else None

    def _scoreboard(self) -> dict[str, Any]:
        boards = [
            e for m in self.standin.messages_in(self.thread) for e in m.embeds if e.get("title") == "Final scoreboard"
        ]
        assert boards, "no final scoreboard posted"
        board: dict[str, Any] = boards[-1]
        return board

    def scoreboard_lines(self) -> list[str]:
        return [unmark(line) for line in str(self._scoreboard()["description"]).split("\n")]

    def scoreboard_shift_lines(self) -> list[str]:
        [field] = self._scoreboard()["fields"]
        return [unmark(line) for line in str(field["value"]).split("\n")]

    def shared_shift_lines(self) -> list[str]:
        posts = [
            m
            for m in self.standin.messages
            if not m.ephemeral and m.embeds and any(a.filename.endswith("-chart.png") for a in m.attachments)
        ]
        assert posts, "no class summary shared"
        description = str(posts[-1].embeds[0]["description"])
        return [unmark(line) for line in description.split("\n\n", 1)[1].split("\n")]

    def outgoing_texts(self) -> list[str]:
        texts = [as_json(p) for m in self.standin.messages for p in m.payloads]
        texts += [as_json(i.callback_data) for i in self.standin.interactions if i.callback_data]
        texts += [m.content for m in self.standin.messages if m.author.bot]
        return texts

    def mention_permissions(self) -> list[Any]:
        allowed: list[Any] = []
        for message in self.standin.messages:
            if not (message.author.bot or message.interaction_user is not None):
                continue
            for payload in message.payloads:
                if payload.get("content") or payload.get("embeds"):
                    allowed.append(payload.get("allowed_mentions"))
        for interaction in self.standin.interactions:
            data = interaction.callback_data
            if data and (data.get("content") or data.get("embeds")):
                allowed.append(data.get("allowed_mentions"))
        return allowed


def unmark(text: str) -> str:
    """Discord markdown escaping undone (``\\*`` → ``*``; the zero-width space after an @ dropped)."""
    return re.sub(r"\\(.)", r"\1", text).replace("@\u200b", "@")


@asynccontextmanager
async def discord_platform(database: Path | str, counter_interval: float = 0.2) -> AsyncIterator[DiscordPlatform]:
    """A stand-in Discord server with the bot in it; fails on any error logged meanwhile."""
    import logging

    collector = DiscordErrorCollector()
    loggers = [logging.getLogger(name) for name in ("discord", "adapters.discord", "bot")]
    for logger in loggers:
        logger.addHandler(collector)
    try:
        async with DiscordStandIn() as standin:
            for name in ("dave", "erin"):
                standin.add_user(name)
            async with running_bot(standin, database, pack=small_pack(), counter_interval=counter_interval) as bot:
                yield DiscordPlatform(standin, bot)
                await quiet(lambda: len(standin.requests), lambda: False)
            standin.assert_no_unknown_routes()
    finally:
        for logger in loggers:
            logger.removeHandler(collector)
    collector.check()
