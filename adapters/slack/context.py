"""What every Slack listener shares: the services, who counts as a teacher, and replies.

One ``SlackGames`` is built per app by ``app.build_app``; it holds services and the Web API
client, never game state (that lives in the database and is read per request).
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field

from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.composition import Core
from bot.engine.commands import Command, DrawnFor
from bot.games.controls import Control, control_command
from bot.games.group_commit import Outcome
from bot.games.runner import GameRunner
from bot.games.service import GameService
from bot.rounds.leaderboards import LeaderboardService
from bot.rounds.scheduler import Scheduler
from bot.rounds.service import RoundService
from bot.store.records import GameRef
from bot.workspaces import WorkspaceService

from . import render
from .presenter import SlackPresenter

log = logging.getLogger(__name__)

PLATFORM = "slack"
USER_ID = re.compile(r"^[UW][A-Z0-9]+$")

Reply = Callable[[str], Awaitable[None]]


FollowUp = Callable[[], Awaitable[object]]
"""What a click does once it is recorded and acknowledged: tell the clicker, draw effects."""

# Slack drops a click whose ack has not arrived within 3 seconds of sending it. The click's
# work must be committed by this many seconds after its listener started, leaving time for
# everything before the listener (signature check, bolt's dispatch) and for the way back.
ACK_DEADLINE = 2.0
NOT_RECORDED = "Sorry, your click could not be recorded. Please click again."
TOO_BUSY = "Sorry, your click could not be recorded in time: the bot is very busy. Please click again."


async def nothing_more() -> None:
    """The follow-up of a click that needs none."""


RECEIVED_AT = "rebuttal_received_at"  # in bolt's context: when the request reached the app


async def stamp_arrival(context: AsyncBoltContext, next: Callable[[], Awaitable[None]]) -> None:
    """Bolt middleware: note when each request arrived. The ack deadline counts from here,
    not from when a listener got to run: on a busy event loop that can be a second later,
    and Slack's 3 seconds (and bolt's own wait for the ack) started at arrival."""
    context[RECEIVED_AT] = asyncio.get_running_loop().time()
    await next()


async def ack_after_recording(
    ack: AsyncAck, what: str, recording: Awaitable[FollowUp], tell: Reply, received_at: float | None = None
) -> None:
    """Run ``recording`` (everything a click writes, up to its commit), acknowledge the click
    only once it has returned, then run the follow-up it returned.

    So an acknowledged click is a stored click: Slack never redelivers an acknowledged click,
    and a process killed before the commit has not acknowledged it, so Slack shows the player
    an error rather than a click that silently vanished. If the recording fails, or has not
    committed by ``ACK_DEADLINE``, the click is refused (HTTP 503; no Socket Mode ack) and the
    player is told privately to click again. A late recording is cancelled, not left to run:
    under overload, recordings nobody waits for would queue ahead of every later click. (Group
    commit drops a cancelled command until its batch holds the write lock; one cancelled in the
    few milliseconds after that is stored with its batch, and clicking again then changes
    nothing. The other way round, acknowledged but lost, cannot happen.)
    """
    loop = asyncio.get_running_loop()
    deadline = (received_at if received_at is not None else loop.time()) + ACK_DEADLINE
    recorded = asyncio.ensure_future(recording)
    try:
        done, _ = await asyncio.wait({recorded}, timeout=max(0.0, deadline - loop.time()))
    except asyncio.CancelledError:
        recorded.cancel()
        raise
    if not done:
        recorded.cancel()
        await asyncio.wait({recorded})  # its transaction rolled back before the player is told
        refuse(ack)
        log.warning("%s was not recorded within %.1f s; refused", what, ACK_DEADLINE)
        async with after_ack(f"telling the player that {what} was refused"):
            await tell(TOO_BUSY)
        return
    error = recorded.exception()
    if error is not None:
        refuse(ack)
        log.error("%s could not be recorded; refused", what, exc_info=error)
        async with after_ack(f"telling the player that {what} failed"):
            await tell(NOT_RECORDED)
        return
    await ack()
    async with after_ack(what):
        await recorded.result()()


def refuse(ack: AsyncAck) -> None:
    """Answer Slack with a failure instead of an ack: bolt returns this response as it is
    (HTTP 503), and its Socket Mode adapter sends no ack for a status other than 200."""
    ack.response = BoltResponse(status=503, body="")


@asynccontextmanager
async def after_ack(what: str) -> AsyncIterator[None]:
    """Run a listener's work after its ack, logging any failure with its traceback.

    A listener must not raise once it has acked: slack-bolt (1.30, ``AsyncioListenerRunner``)
    then resets the stored ack, and if that happens before its polling loop saw the ack,
    no ack is sent at all, so Slack shows an error and may retry. The work is logged and
    dropped here instead; the database already holds whatever was committed.
    """
    try:
        yield
    except Exception:
        log.exception("%s failed after it was acknowledged", what)


class InFlight:
    """Listener work under way, so that stopping (SIGTERM, Ctrl-C) can let it finish before the
    database closes. Each listener counts itself from its start to the end of its follow-up."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[object]] = set()

    def __len__(self) -> int:
        return sum(1 for task in self._tasks if not task.done())

    @contextmanager
    def counting(self) -> Iterator[None]:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            yield
        finally:
            if task is not None:
                self._tasks.discard(task)

    async def finish(self, timeout: float) -> int:
        """Wait at most ``timeout`` seconds for the work under way, and for any that starts
        meanwhile; returns how many were still running when the time ran out."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while busy := {task for task in self._tasks if not task.done() and task is not asyncio.current_task()}:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return len(busy)
            await asyncio.wait(busy, timeout=remaining)
        return 0


@dataclass(frozen=True)
class SlashRequest:
    """A ``/debate`` invocation: who typed it where, and the words after the subcommand."""

    team_id: str
    workspace_id: int
    channel: str
    user: str
    user_name: str
    trigger_id: str
    args: tuple[str, ...]
    channel_name: str | None = None  # as Slack sends it, so the results site can show it


def random_seed() -> int:
    return secrets.randbelow(2**31)


@dataclass
class SlackGames:
    """What every listener reaches: the core (built once by ``bot.composition``), Slack's Web
    API client, and the Slack-side helpers below."""

    core: Core[SlackPresenter]
    client: AsyncWebClient
    seed: Callable[[], int] = random_seed
    in_flight: InFlight = field(default_factory=InFlight)

    @asynccontextmanager
    async def after_ack(self, what: str) -> AsyncIterator[None]:
        """``after_ack``, with the work counted as in flight."""
        with self.in_flight.counting():
            async with after_ack(what):
                yield

    async def ack_after_recording(
        self, ack: AsyncAck, context: AsyncBoltContext, what: str, recording: Awaitable[FollowUp], tell: Reply
    ) -> None:
        """``ack_after_recording`` from the request's arrival (``stamp_arrival``), with the
        click counted as in flight from its start."""
        with self.in_flight.counting():
            await ack_after_recording(ack, what, recording, tell, context.get(RECEIVED_AT))

    @property
    def presenter(self) -> SlackPresenter:
        return self.core.presenter

    @property
    def service(self) -> GameService:
        return self.core.games

    @property
    def workspaces(self) -> WorkspaceService:
        return self.core.workspaces

    @property
    def runner(self) -> GameRunner:
        return self.core.runner

    @property
    def rounds(self) -> RoundService:
        return self.core.rounds

    @property
    def scheduler(self) -> Scheduler:
        return self.core.scheduler

    @property
    def leaderboards(self) -> LeaderboardService:
        return self.core.leaderboards

    async def workspace(self, team_id: str) -> int:
        return await self.service.workspace_id(PLATFORM, team_id)

    async def is_teacher(self, workspace_id: int, user_id: str) -> bool:
        """Workspace admins and owners, plus the users named in the workspace's settings."""
        settings = await self.workspaces.teacher_settings(workspace_id)
        if user_id in settings.teacher_users:
            return True
        info = await self.client.users_info(user=user_id)
        user = info.get("user") or {}
        return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))

    def host_command(
        self, control: Control, user_id: str, is_teacher: bool, drawn_for: DrawnFor | None = None
    ) -> Command:
        return control_command(control, user_id, is_teacher, self.service.clock(), drawn_for)

    async def submit(self, ref: GameRef, command: Command, event_id: str, reply: Reply) -> Outcome:
        """Handle a command, tell its sender first, then draw its effects for everyone."""
        outcome, follow_up = await self.record(ref, command, event_id, reply)
        await follow_up()
        return outcome

    async def record(self, ref: GameRef, command: Command, event_id: str, reply: Reply) -> tuple[Outcome, FollowUp]:
        """Handle a command (committed when this returns), and what then tells its sender
        first and draws its effects for everyone.

        A redelivered event (same ``event_id``) gets nothing at all: its first delivery
        already answered, and a second confirmation would be a second post.
        """
        outcome = await self.service.handle(ref, command, event_id)

        async def tell_and_draw() -> None:
            if outcome.duplicate:
                return
            if outcome.reply:
                await reply(render.escape(outcome.reply))
            await self.runner.present(ref, outcome)

        return outcome, tell_and_draw

    def ephemeral(self, channel: str, user: str, thread_ts: str | None, respond: AsyncRespond | None = None) -> Reply:
        """A private reply in the thread; through the click's ``response_url`` if Slack refuses
        that (e.g. ``user_not_in_channel``), since a response_url reaches the clicker anywhere."""

        async def send(text: str) -> None:
            try:
                await self.client.chat_postEphemeral(channel=channel, user=user, text=text, thread_ts=thread_ts)
            except SlackApiError:
                if respond is None:
                    raise
                await respond(text=text, replace_original=False)

        return send
