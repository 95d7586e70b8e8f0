"""The parity driver for Slack: the real slack-bolt app over HTTP against the Slack stand-in."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from adapters.slack.app import SlackBot
from bot.engine.state import GameState
from bot.store.records import GameRef
from tests.parity.drivers import Control, DrawnControls, as_json, deep_copy, quiet, unslack, until
from tests.slack.harness import CHANNEL, PACK_ID, TEACHER, running_bot
from tests.standins.slack_drivers import SlackDriver
from tests.standins.slack_fixtures import DEFAULT_USERS
from tests.standins.slack_records import MessageRecord
from tests.standins.slack_server import SlackStandIn, SlackUser

STUDENTS = ("U1", "U2", "U3", "U4")
ANSWERED = re.compile(r"\*(\d+)\* answered")


def _action_ids(blocks: list[Any]) -> list[str]:
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("action_id"), str):
                found.append(node["action_id"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return found


def _section_texts(blocks: list[dict[str, Any]]) -> list[str]:
    return [str(b["text"]["text"]) for b in blocks if b.get("type") == "section"]


class SlackPlatform:
    name: str = "slack"
    host: str = TEACHER
    students: tuple[str, ...] = STUDENTS

    def __init__(self, standin: SlackStandIn, bot: SlackBot, slack: SlackDriver) -> None:
        self.standin = standin
        self.bot = bot
        self.slack = slack
        self._ref: GameRef | None = None

    # -- where the game is -------------------------------------------------------------
    async def ref(self) -> GameRef:
        """The game started in the class channel (remembered once seen, so it is found after it ends)."""
        if self._ref is None:
            workspace = await self.bot.games.workspace(self.standin.team_id)
            self._ref = await self.bot.games.service.live_game_at(workspace, CHANNEL)
            assert self._ref is not None, "no game in the channel"
        return self._ref

    async def stance_pairs(self) -> dict[str, dict[str, tuple[int, int]]]:
        return await self.bot.games.service.stance_pairs(await self.ref())

    async def state(self) -> GameState:
        return await self.bot.games.service.load(await self.ref())

    async def games_in_channel(self) -> int:
        running = [g for g in await self.bot.games.service.running_games()]
        return len(running)

    # -- acting --------------------------------------------------------------------------
    async def _private_reply(self, user: str, before: int, timeout: float = 10.0) -> str:
        replies = await self.standin.wait_for(lambda: self.standin.ephemerals_for(user)[before:], timeout)
        return replies[-1].text

    async def start(self, user: str | None = None) -> str:
        who = user or TEACHER
        before = len(self.standin.ephemerals_for(who))
        await self.slack.slash("/debate", f"start {PACK_ID}", user=who, channel=CHANNEL)
        text = await self._private_reply(who, before)
        await self.settle()
        return unslack(text)

    async def start_at_once(self, count: int) -> list[str]:
        before = len(self.standin.ephemerals_for(TEACHER))
        await asyncio.gather(
            *(self.slack.slash("/debate", f"start {PACK_ID}", user=TEACHER, channel=CHANNEL) for _ in range(count))
        )
        await self.standin.wait_for(lambda: len(self.standin.ephemerals_for(TEACHER)) >= before + count)
        await self.settle()
        return [unslack(e.text) for e in self.standin.ephemerals_for(TEACHER)[before:]]

    async def _question(self) -> MessageRecord:
        ref = await self.ref()
        state = await self.bot.games.service.load(ref)
        found: list[MessageRecord] = []

        async def drawn() -> bool:  # the state is stored before the step is posted
            ts = await self.bot.games.service.message_of(ref, state.step)
            thread = await self.bot.games.service.thread_of(ref)
            message = self.standin.message(thread.split("/", 1)[0], ts) if ts and thread else None
            if message is not None:
                found.append(message)
            return message is not None

        await until(drawn)
        return found[0]

    async def _answer_id(self, option: int) -> tuple[MessageRecord, str]:
        message = await self._question()
        answers = [a for a in _action_ids(message.blocks) if a.startswith("answer")]
        return message, answers[option]

    async def answer(self, player: str, option: int) -> str:
        message, action = await self._answer_id(option)
        before = len(self.standin.ephemerals_for(player))
        await self.slack.click(action, user=player, message=message)
        return unslack(await self._private_reply(player, before))

    async def answer_all_at_once(self, players: tuple[str, ...], option: int) -> None:
        message, action = await self._answer_id(option)
        results = await asyncio.gather(*(self.slack.click(action, user=p, message=message) for p in players))
        assert all(r.acked for r in results)

    def _controls_message(self) -> MessageRecord:
        shown = [
            m
            for m in self.standin.messages
            if not m.deleted and any(a.startswith("host") for a in _action_ids(m.blocks))
        ]
        assert shown, "no message shows the host controls"
        return max(shown, key=lambda m: float(m.ts))

    async def controls(self) -> DrawnControls:
        state = await self.state()
        return DrawnControls(state.step, state.phase, deep_copy(self._controls_message()))

    async def press(self, user: str, control: Control, drawn: DrawnControls | None = None) -> str:
        if drawn is None:
            await self.settle()  # the controls as drawn for the current step, not the ones before
        message: MessageRecord = drawn.handle if drawn is not None else self._controls_message()
        [action] = [a for a in _action_ids(message.blocks) if a.startswith("host") and a.endswith(":" + control)]
        before = len(self.standin.ephemerals_for(user))
        await self.slack.click(action, user=user, message=message)
        await self.settle()
        replies = self.standin.ephemerals_for(user)[before:]
        return unslack(replies[-1].text) if replies else ""

    async def results(self, user: str) -> str:
        before = len(self.standin.ephemerals_for(user))
        await self.slack.slash("/debate", "results", user=user, channel=CHANNEL)
        text = await self._private_reply(user, before, timeout=30)  # files are drawn first
        await self.settle()
        return unslack(text)

    async def share(self, user: str) -> str:
        notes = [
            e
            for e in self.standin.ephemerals_for(user)
            if any(a.startswith("results-share") for a in _action_ids(e.blocks))
        ]
        assert notes, f"{user} has no results note with a share button"
        [action] = [a for a in _action_ids(notes[-1].blocks) if a.startswith("results-share")]
        before = len(self.standin.ephemerals_for(user))
        await self.slack.click(action, user=user)
        text = await self._private_reply(user, before, timeout=30)  # the chart is drawn first
        await self.settle()
        return unslack(text)

    async def settle(self) -> None:
        await quiet(lambda: len(self.standin.calls), lambda: self.bot.games.presenter.counts.pending() > 0)

    # -- reading -------------------------------------------------------------------------
    def public_view(self) -> list[str]:
        seen: list[str] = []
        for message in self.standin.messages:
            if message.channel.startswith("D"):
                continue
            for version in [*message.history, message.snapshot()]:
                seen.append(f"{message.ts}:{as_json(version)}")
        seen += [f"file:{f.id}" for f in self.standin.files.values() if any(not c.startswith("D") for c in f.channels)]
        return seen

    def private_files_to(self, user: str) -> int:
        dm = self.standin.dm_channels.get(user)
        return len(self.standin.files_in(dm)) if dm else 0

    def answered_shown(self) -> int | None:
        replies = [m for m in self.standin.messages if m.channel == CHANNEL and m.is_reply]
        questions = [m for m in replies if any(a.startswith("answer") for a in _action_ids(m.blocks))]
        if not questions:
            return None
        found = ANSWERED.search(as_json(questions[-1].blocks))
        return int(found.group(1)) if found else None

    def _scoreboard(self) -> list[str]:
        boards = [m for m in self.standin.messages if m.text == "Final scoreboard"]
        assert boards, "no final scoreboard posted"
        return _section_texts(boards[-1].blocks)

    def scoreboard_lines(self) -> list[str]:
        return [unslack(line) for line in self._scoreboard()[0].split("\n")[1:]]

    def scoreboard_shift_lines(self) -> list[str]:
        return [unslack(line) for line in self._scoreboard()[1].split("\n")[1:]]

    def shared_shift_lines(self) -> list[str]:
        posts = [m for m in self.standin.messages if m.text.startswith("How opinions moved")]
        assert posts, "no class summary shared"
        return [unslack(line) for line in _section_texts(posts[-1].blocks)[1].split("\n")[1:]]

    def outgoing_texts(self) -> list[str]:
        texts = [as_json(call.args) for call in self.standin.calls]
        texts += [as_json(r.payload) for r in self.standin.responses_for()]
        return texts

    def mention_permissions(self) -> list[Any]:
        return []  # Slack has no per-message switch: a mention in the text pings


@asynccontextmanager
async def slack_platform(database: Path | str, counter_interval: float = 0.2) -> AsyncIterator[SlackPlatform]:
    users = [SlackUser(**vars(u)) for u in DEFAULT_USERS]
    users += [SlackUser("U3", "carol", "Carol Chen", "carol"), SlackUser("U4", "dan", "Dan Dale", "dan")]
    async with SlackStandIn(users=users) as standin:
        async with running_bot(standin, database, "http", count_interval=counter_interval) as (bot, slack):
            yield SlackPlatform(standin, bot, slack)
        standin.assert_clean()
