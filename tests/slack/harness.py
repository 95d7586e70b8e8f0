"""Running the real Slack bot against the stand-in, on a real database (a SQLite file or a
PostgreSQL URL, as ``database_at`` gives), and reading the result."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import SlackBot, build_app
from adapters.slack.buttons import AnswerButton, HostButton, ThreadRef
from bot.content.card_parser import parse_card
from bot.content.library import Library
from bot.content.model import Pack
from bot.engine.commands import DrawnFor
from bot.games.controls import Control
from bot.store.database import Database
from bot.store.records import GameRef
from tests.content.cards import VALID_CARD_LINES, card, with_decoys
from tests.standins.slack_drivers import SlackDriver
from tests.standins.slack_fixtures import Transport, drive_bolt_app
from tests.standins.slack_records import iter_elements
from tests.standins.slack_server import MessageRecord, SlackStandIn
from tests.waiting import until

CHANNEL = "C0GENERAL"
TEACHER = "UADMIN"
PACK_ID = "bike-lanes"


def small_pack(lines: list[str] | None = None) -> Pack:
    """The 14-step bike-lanes debate: quick to play through."""
    return parse_card(card(with_decoys(lines or VALID_CARD_LINES)), "bike-lanes.txt", PACK_ID)


def library_of(*packs: Pack) -> Library:
    return Library({pack.id: pack for pack in packs})


@asynccontextmanager
async def open_bot(
    standin: SlackStandIn, database: Path | str, client: AsyncWebClient | None = None, **options: Any
) -> AsyncIterator[SlackBot]:
    options.setdefault("shipped", library_of(small_pack()))
    options.setdefault("count_interval", 0.2)
    async with Database.open(database) as opened:
        client = client or AsyncWebClient(token=standin.bot_token, base_url=standin.api_url)
        bot = build_app(opened, client, signing_secret=standin.signing_secret, **options)
        await bot.resume()
        try:
            yield bot
        finally:
            await bot.close()


@asynccontextmanager
async def running_bot(
    standin: SlackStandIn, database: Path | str, transport: Transport, **options: Any
) -> AsyncIterator[tuple[SlackBot, SlackDriver]]:
    async with open_bot(standin, database, **options) as bot, drive_bolt_app(bot.app, standin, transport) as slack:
        yield bot, slack
        await settle(bot, standin)


# slack-bolt (1.x, AsyncioListenerRunner) runs each listener as a task of this coroutine and
# answers Slack once it acks; the task goes on with the work after the ack.
LISTENER_TASK = "run_ack_function_asynchronously"


def listeners_running() -> int:
    """Listener tasks still working after their ack, in this event loop."""
    return sum(
        1
        for task in asyncio.all_tasks()
        if not task.done() and getattr(task.get_coro(), "__name__", "") == LISTENER_TASK
    )


async def settle(bot: SlackBot, standin: SlackStandIn, quiet: float = 0.15) -> None:
    """Let listeners still working after their ack, and pending count redraws, finish: wait
    until no listener task is running, no redraw is pending, and no Web API call has arrived
    for ``quiet`` seconds (what a finished listener set off, e.g. a timer's redraw). Waiting
    on the listener tasks, not only on a quiet spell, is what holds on a loaded machine,
    where a listener can pause longer than ``quiet`` between two calls."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    seen, since = len(standin.calls), loop.time()
    while loop.time() < deadline:
        await asyncio.sleep(0.03)
        if len(standin.calls) != seen or listeners_running():
            seen, since = len(standin.calls), loop.time()
        elif loop.time() - since >= quiet and bot.games.presenter.counts.pending() == 0:
            return


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 30.0) -> None:
    await until(check, "the bot's state", timeout)


async def start_game(bot: SlackBot, standin: SlackStandIn, slack: SlackDriver) -> GameRef:
    """The teacher starts the test debate in the channel; the game once its first step is posted."""
    await slack.slash("/debate", f"start {PACK_ID}", user=TEACHER)
    return await game_in(bot, standin)


async def game_in(bot: SlackBot, standin: SlackStandIn, channel: str = CHANNEL) -> GameRef:
    workspace = await bot.games.workspace(standin.team_id)
    found: list[GameRef] = []

    async def started() -> bool:
        ref = await bot.games.service.live_game_at(workspace, channel)
        if ref is not None and await bot.games.service.message_of(ref, 0) is not None:
            found.append(ref)
            return True
        return False

    await eventually(started)
    return found[0]


async def thread_of(bot: SlackBot, ref: GameRef) -> ThreadRef:
    thread = ThreadRef.parse(await bot.games.service.thread_of(ref))
    assert thread is not None
    return thread


async def step_message(bot: SlackBot, standin: SlackStandIn, ref: GameRef, step: int) -> MessageRecord:
    thread = await thread_of(bot, ref)
    ts = await bot.games.service.message_of(ref, step)
    assert ts is not None
    message = standin.message(thread.channel, ts)
    assert message is not None
    return message


def has_buttons(message: MessageRecord) -> bool:
    return any(block.get("type") == "actions" for block in message.blocks)


def answer_action(ref: GameRef, step: int, option: int) -> str:
    return AnswerButton(ref.game_id, step, option).action_id


def host_action(s: SlackStandIn, ref: GameRef, control: Control) -> str:
    """The action id of ``control`` as the game's parent message shows it now (controls name
    the step they were drawn for); a control not shown gets an id that no message shows."""
    drawn = re.compile(rf"host:{ref.game_id}:(\d+:[sor]:)?{control.value}")
    shown = [
        element["action_id"]
        for message in s.messages
        if not message.deleted
        for _, element in iter_elements(message.blocks)
        if drawn.fullmatch(str(element.get("action_id", "")))
    ]
    return shown[-1] if shown else HostButton(ref.game_id, control, None).action_id


async def current_host_action(s: SlackStandIn, bot: SlackBot, ref: GameRef, control: Control) -> str:
    """``control`` once the parent message shows it drawn for the game's current step and
    phase (the parent is redrawn just after a move is committed), as a host would see it."""
    state = await bot.games.service.load(ref)
    wanted = HostButton(ref.game_id, control, DrawnFor(state.step, state.phase)).action_id
    await s.wait_for(lambda: host_action(s, ref, control) == wanted)
    return wanted


def visible_markup(standin: SlackStandIn) -> list[str]:
    """Every text Slack would parse for mentions: message and ephemeral ``text`` and mrkdwn fields."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for message in standin.messages:
        found.append(message.text)
        walk(message.blocks)
        for version in message.history:
            walk(version)
    for ephemeral in standin.ephemerals:
        found.append(ephemeral.text)
        walk(ephemeral.blocks)
    return found


def dump(standin: SlackStandIn) -> str:
    return json.dumps(standin.transcript())


class GatedClient(AsyncWebClient):
    """slack_sdk's client with a gate a test can close: one process's slow link to Slack.
    Calls that pass the gate (``through_gate``) while it is closed wait for it and set ``held``."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.gate = asyncio.Event()
        self.gate.set()
        self.held = asyncio.Event()

    async def through_gate(self) -> None:
        if not self.gate.is_set():
            self.held.set()
            await self.gate.wait()
