"""The daily-round service: schedules, opening and closing rounds, private play.

Like ``GameService`` it keeps no state of its own: every call is one transaction, and what a
player is told they did is committed before the adapter tells them. Adapters call the
player- and admin-facing methods; ``bot.rounds.scheduler`` calls ``open_due`` and ``close_due``.

Claims. Several bot processes may share one database, each running a scheduler; each act of
the scheduler is claimed in the database first, so exactly one process does it. Opening a run
moves its schedule on (``schedules.advance``, a conditional write only one process wins). A
round's announcement and its summary are each claimed for a lease (``rounds.claim_post``): the
process that opened (closed) the round holds the claim, posts, and records the message. If it
dies first, its lease runs out and another process claims and posts; a post already recorded
is never claimed again. The one window left is a process killed after the platform accepted
its post but before the reference was recorded: that post is made again after the lease (no
platform lets a message be posted "at most once").
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.content.library import Library
from bot.content.model import Pack
from bot.engine.commands import PlayerAnswered
from bot.engine.engine import IllegalCommand
from bot.engine.script import Script
from bot.engine.solo import Continued, Progress, SoloTransition, apply_solo, begin, build_round_script
from bot.games.service import utc_now
from bot.identity import Player, Venue
from bot.rounds.summary import RoundSummary, streaks_at, summarise
from bot.rounds.timing import GRACE, ScheduleError, Timing, decide_due_run, next_run_after
from bot.store.cache import PackSnapshots
from bot.store.interface import Store, UnitOfWork
from bot.store.records import Round, RoundPost, Schedule, ScheduleSpec
from bot.store.write_batch import WriteBatch

log = logging.getLogger(__name__)

SUMMARY_RETRY_WINDOW = timedelta(days=1)  # a summary a crash left unposted is posted if this recent
# How long a claim to post a round's announcement or summary lasts: another process takes the
# post over this long after a claimer died. Longer than any post takes (a post that outlasted
# it could be made twice), short beside a day's round.
POST_LEASE = timedelta(minutes=2)


def process_name() -> str:
    """This process among those sharing the database: host, process id and a random tag (a pid
    repeats across containers and restarts; a claim must not pass to a stranger with its pid)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


@dataclass(frozen=True)
class PrivateView:
    """What one player sees of a round now: the adapter draws it privately."""

    round: Round
    pack: Pack
    progress: Progress
    note: str | None = None  # "Right!", or why a click was refused
    accepted: bool = True
    streak: int | None = None  # set once the player has finished
    closed: bool = False

    @property
    def script(self) -> Script:
        return self.round.script

    @property
    def finished(self) -> bool:
        return self.progress.finished_in(self.round.script)


@dataclass(frozen=True)
class Announcement:
    round: Round
    pack: Pack


@dataclass(frozen=True)
class ClosedRound:
    round: Round
    pack: Pack
    summary: RoundSummary


class RoundError(Exception):
    """A refusal fit to show the person who asked."""


def next_in_rotation(rotation: Sequence[tuple[Pack, str]], last: Round | None, rounds_posted: int) -> tuple[Pack, str]:
    """The (debate, thread) after the one the schedule posted last.

    The rotation is rebuilt from the library at every run, and a library changes: a shipped
    debate is added, a server imports one. Counting ``rounds_posted`` into the new list would
    jump a schedule to another place mid-debate (skipping threads, repeating others); following
    on from the last round keeps its place. Only when that thread is gone from the rotation
    (its debate was removed or deselected) does the count decide."""
    if last is not None:
        for position, (pack, thread_id) in enumerate(rotation):
            if pack.id == last.pack_id and thread_id == last.thread_id:
                return rotation[(position + 1) % len(rotation)]
    return rotation[rounds_posted % len(rotation)]


class RoundService:
    def __init__(
        self,
        database: Store,
        library_for: Callable[[int], Awaitable[Library]],
        clock: Callable[[], datetime] = utc_now,
        *,
        holder: str | None = None,
        lease: timedelta = POST_LEASE,
    ) -> None:
        self.database = database
        self.library_for = library_for  # the debates a workspace may use (shipped plus imported)
        self.clock = clock
        self.holder = holder or process_name()  # whose claims this service takes
        self.lease = lease
        self._packs = PackSnapshots(database)
        self._clicks = WriteBatch(database)
        self._schedule_listeners: list[Callable[[], None]] = []

    def on_schedule_change(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after every committed schedule change (the scheduler looks again
        at once instead of sleeping until a wake-up that may have moved)."""
        self._schedule_listeners.append(listener)

    def _schedules_changed(self) -> None:
        for listener in self._schedule_listeners:
            listener()

    # --- schedules (teachers and admins) ---------------------------------------------------

    async def set_schedule(self, venue: Venue, spec: ScheduleSpec, by: str) -> Schedule:
        """Create or replace the channel's schedule; raises ``ScheduleError`` on unknown debates."""
        async with self.database.write() as uow:
            workspace = await uow.games.ensure_workspace(venue.platform, venue.workspace_id)
        library = await self.library_for(workspace)
        unknown = [pack_id for pack_id in spec.packs if pack_id not in library.packs]
        if unknown:
            raise ScheduleError(f"no debate called {', '.join(unknown)}; see the library for the ids")
        now = self.clock()
        async with self.database.write() as uow:
            channel = await uow.games.ensure_channel(workspace, venue.channel_id)
            next_run = next_run_after(now, spec.timing)
            schedule_id = await uow.schedules.save(workspace, channel, spec, next_run, by, now)
            saved = await uow.schedules.by_id(schedule_id)
        assert saved is not None
        self._schedules_changed()
        return saved

    async def schedule_at(self, venue: Venue) -> Schedule | None:
        async with self.database.write() as uow:
            workspace = await uow.games.ensure_workspace(venue.platform, venue.workspace_id)
            return await uow.schedules.in_channel(workspace, venue.channel_id)

    async def schedules_in_workspace(self, workspace_id: int) -> list[Schedule]:
        async with self.database.read() as uow:
            return await uow.schedules.of_workspace(workspace_id)

    async def set_paused(self, venue: Venue, paused: bool) -> Schedule:
        """Pause or resume; a resumed schedule posts at its next time from now, never a catch-up."""
        async with self.database.write() as uow:
            found = await self._schedule_or_refuse(uow, venue)
            next_run = found.next_run_at if paused else next_run_after(self.clock(), found.spec.timing)
            await uow.schedules.set_paused(found.id, paused, next_run)
            saved = await uow.schedules.by_id(found.id)
        assert saved is not None
        self._schedules_changed()
        return saved

    async def start_now(self, venue: Venue) -> bool:
        """Make the channel's schedule due now unless a round of it is open (for trying a round
        at once, as ``rebuttal play --daily`` does); the scheduler's next tick opens it."""
        async with self.database.write() as uow:
            found = await self._schedule_or_refuse(uow, venue)
            if found.paused or await uow.rounds.open_of(found.id):
                return False
            await uow.schedules.set_next_run(found.id, self.clock(), found.rounds_posted)
        self._schedules_changed()
        return True

    async def open_round_at(self, venue: Venue) -> Round | None:
        """The open round of the channel's schedule, if any."""
        async with self.database.write() as uow:
            found = await self._schedule_or_refuse(uow, venue)
            open_now = await uow.rounds.open_of(found.id)
        return open_now[-1] if open_now else None

    async def remove_schedule(self, venue: Venue) -> Schedule:
        """Stop the channel's rounds; an open round still runs to its close and gets its summary."""
        async with self.database.write() as uow:
            found = await self._schedule_or_refuse(uow, venue)
            await uow.schedules.remove(found.id)
        self._schedules_changed()
        return found

    async def _schedule_or_refuse(self, uow: UnitOfWork, venue: Venue) -> Schedule:
        workspace = await uow.games.ensure_workspace(venue.platform, venue.workspace_id)
        found = await uow.schedules.in_channel(workspace, venue.channel_id)
        if found is None:
            raise RoundError("There is no daily round scheduled in this channel.")
        return found

    # --- the scheduler's side --------------------------------------------------------------

    async def next_wake(self, platform: str) -> datetime | None:
        """The earliest moment something is due: a schedule's next run or a round's close."""
        async with self.database.read() as uow:
            due = [s.next_run_at for s in await uow.schedules.active(platform)]
            open_now = await uow.rounds.open_on(platform)
            unsummarised = await uow.rounds.unsummarised(platform, self.clock() - SUMMARY_RETRY_WINDOW)
        due += [r.closes_at for r in open_now]
        # A post another process claimed and has not made: take it over when the lease runs out.
        due += [
            r.announcement_lease_until for r in open_now if r.announcement_ref is None and r.announcement_lease_until
        ]
        due += [r.summary_lease_until for r in unsummarised if r.summary_lease_until]
        return min(due, default=None)

    async def open_due(self, platform: str, grace: timedelta = GRACE) -> list[Announcement]:
        """Open a round for every schedule that is due. A run missed by more than ``grace``
        (the bot was down) is skipped, not posted late; either way the next run moves on."""
        now = self.clock()
        opened: list[Announcement] = []
        async with self.database.read() as uow:
            due = [s for s in await uow.schedules.active(platform) if s.next_run_at <= now]
        for schedule in due:
            announcement = await self._open(schedule, now, grace)
            if announcement is not None:
                opened.append(announcement)
        return opened

    async def _open(self, schedule: Schedule, now: datetime, grace: timedelta) -> Announcement | None:
        rotation = await self._rotation(schedule)
        async with self.database.write() as uow:
            decision = decide_due_run(schedule.next_run_at, now, schedule.spec.timing, grace)
            next_run = decision.next_run
            number = schedule.rounds_posted + 1 if decision.post_now and rotation else schedule.rounds_posted
            # The claim on this run: of the processes that found it due, the one whose write moves
            # the schedule on opens it; the others (and any run an admin changed meanwhile) stop.
            if not await uow.schedules.advance(schedule.id, schedule.next_run_at, next_run, number):
                return None
            if not decision.post_now or not rotation:
                why = "missed by more than the grace" if not decision.post_now else "no debates left in the library"
                log.warning("schedule %s: skipped the run due %s (%s)", schedule.id, schedule.next_run_at, why)
                return None
            last = await uow.rounds.last_of(schedule.id)
            pack, thread_id = next_in_rotation(rotation, last, schedule.rounds_posted)
            script = build_round_script(pack, thread_id, seed=_seed(schedule.id, number))
            closes_at = _closing_time(schedule, now, next_run)
            round_id = await uow.rounds.insert(
                schedule=schedule,
                pack=pack,
                script=script,
                number=number,
                scheduled_for=schedule.next_run_at,
                closes_at=closes_at,
                at=now,
            )
            await uow.rounds.claim_post(round_id, RoundPost.ANNOUNCEMENT, self.holder, now, now + self.lease)
            # A round never outlasts the next one's post (its close was planned from the schedule
            # as it stood; an admin may have moved the time since).
            await uow.rounds.close_by(schedule.id, now, except_round=round_id)
            opened = await uow.rounds.by_id(schedule.workspace_id, round_id)
        assert opened is not None
        return Announcement(opened, pack)

    async def _rotation(self, schedule: Schedule) -> list[tuple[Pack, str]]:
        """Every (debate, thread) the schedule walks through, in order."""
        library = await self.library_for(schedule.workspace_id)
        chosen = schedule.spec.packs or tuple(library.packs)
        return [
            (library.packs[pack_id], thread.id)
            for pack_id in chosen
            if pack_id in library.packs
            for thread in library.packs[pack_id].all_threads()
        ]

    async def close_due(self, platform: str) -> list[ClosedRound]:
        """Close every round past its closing time and add up its summary."""
        now = self.clock()
        async with self.database.read() as uow:
            due = [r for r in await uow.rounds.open_on(platform) if r.closes_at <= now]
        closed = []
        for round_ in due:
            async with self.database.write() as uow:
                if not await uow.rounds.close(round_, now):
                    continue  # another process closed it: that process posts the summary
                await uow.rounds.claim_post(round_.id, RoundPost.SUMMARY, self.holder, now, now + self.lease)
            closed.append(await self.closed_round(round_.workspace_id, round_.id))
        return closed

    async def closed_round(self, workspace_id: int, round_id: int) -> ClosedRound:
        async with self.database.read() as uow:
            found = await uow.rounds.by_id(workspace_id, round_id)
            if found is None:
                raise RoundError("That round no longer exists.")
            summary = await _summary(uow, found)
        return ClosedRound(found, await self._pack(found), summary)

    async def unannounced(self, platform: str) -> list[Announcement]:
        """Open rounds never posted that this process has now claimed: a crash came between
        opening and posting, or a post failed (the claimer retries it), or the process that
        claimed it died (its lease ran out)."""
        async with self.database.read() as uow:
            waiting = [r for r in await uow.rounds.open_on(platform) if r.announcement_ref is None]
        return [Announcement(r, await self._pack(r)) for r in waiting if await self._claim(r, RoundPost.ANNOUNCEMENT)]

    async def unsummarised(self, platform: str) -> list[ClosedRound]:
        """Closed rounds whose summary was never posted, claimed now by this process."""
        async with self.database.read() as uow:
            waiting = await uow.rounds.unsummarised(platform, self.clock() - SUMMARY_RETRY_WINDOW)
        return [
            await self.closed_round(r.workspace_id, r.id) for r in waiting if await self._claim(r, RoundPost.SUMMARY)
        ]

    async def _claim(self, round_: Round, post: RoundPost) -> bool:
        now = self.clock()
        async with self.database.write() as uow:
            return await uow.rounds.claim_post(round_.id, post, self.holder, now, now + self.lease)

    async def record_announcement(self, round_: Round, message_ref: str) -> None:
        async with self.database.write() as uow:
            recorded = await uow.rounds.set_announcement(round_.id, message_ref)
        if not recorded:
            log.warning("round %s was announced twice: this post outlasted its claim's lease", round_.id)

    async def record_summary(self, round_: Round, message_ref: str) -> None:
        async with self.database.write() as uow:
            recorded = await uow.rounds.set_summary(round_.id, message_ref)
        if not recorded:
            log.warning("round %s's summary was posted twice: this post outlasted its claim's lease", round_.id)

    # --- players ---------------------------------------------------------------------------

    async def play(self, round_id: int, player: Player, name: str) -> PrivateView:
        """Start the round for ``player``, or show them where they left off."""
        return await self._step(round_id, player, name, None)

    async def answer(self, round_id: int, player: Player, name: str, step: int, option: int) -> PrivateView:
        return await self._step(round_id, player, name, PlayerAnswered(player.key, name, step, option, self.clock()))

    async def carry_on(self, round_id: int, player: Player, name: str, step: int) -> PrivateView:
        return await self._step(round_id, player, name, Continued(player.key, step, self.clock()))

    async def _step(
        self, round_id: int, player: Player, name: str, command: PlayerAnswered | Continued | None
    ) -> PrivateView:
        """One click, committed with the clicks that arrived beside it (``bot.store.write_batch``):
        a burst of players each pays for its own reads and writes, not for a transaction."""
        now = self.clock()
        click = await self._clicks.submit(lambda uow: _click(uow, round_id, player, name, command, now))
        return PrivateView(
            click.round,
            await self._pack(click.round),
            click.progress,
            click.note,
            click.accepted,
            click.streak,
            closed=click.closed,
        )

    async def _pack(self, round_: Round) -> Pack:
        """The copy of the debate the round was opened with."""
        return await self._packs.get(round_.pack_hash)


@dataclass(frozen=True)
class _Click:
    """What a click did, as stored: the view is drawn from it once it is committed."""

    round: Round
    progress: Progress
    note: str | None = None
    accepted: bool = True
    streak: int | None = None
    closed: bool = False


async def _click(
    uow: UnitOfWork, round_id: int, player: Player, name: str, command: PlayerAnswered | Continued | None, now: datetime
) -> _Click:
    """Apply one click in ``uow``. It reads and writes nothing but ``uow``, so a batch that
    must be retried can run it again (``bot.store.write_batch``)."""
    workspace = await uow.games.find_workspace(player.platform, player.workspace_id)
    found = await uow.rounds.by_id(workspace, round_id) if workspace is not None else None
    if found is None:
        raise RoundError("That round isn't in this workspace.")
    progress = await uow.rounds.load_progress(found, player.key)
    if not found.is_open_at(now):
        shown = progress or begin(found.script, player.key, name)
        streak = await _streak(uow, found, player.key) if shown.finished_in(found.script) else None
        return _Click(found, shown, "This round has closed.", False, streak, closed=True)
    note = None
    if progress is None:
        transition = SoloTransition(begin(found.script, player.key, name))
        await uow.rounds.save_progress(found, transition, now)
        progress = transition.progress
    if command is not None:
        try:
            transition = apply_solo(found.script, progress, command)
        except IllegalCommand as refusal:
            return _Click(found, progress, refusal.reason, accepted=False)
        await uow.rounds.save_progress(found, transition, now)
        progress, note = transition.progress, transition.reply
    streak = await _streak(uow, found, player.key) if progress.finished_in(found.script) else None
    return _Click(found, progress, note, streak=streak)


def _seed(schedule_id: int, number: int) -> int:
    """A fixed seed per round, so a round's options never depend on when it was built."""
    return int.from_bytes(hashlib.sha256(f"{schedule_id}:{number}".encode()).digest()[:4], "big")


def _closing_time(schedule: Schedule, now: datetime, next_run: datetime) -> datetime:
    """The configured closing time after ``now`` (never after the next round), or the next round."""
    close = schedule.spec.close_time
    if close is None:
        return next_run
    closing = next_run_after(now, Timing(close, schedule.spec.timing.zone, frozenset(range(7))))
    return min(closing, next_run)


async def _summary(uow: UnitOfWork, round_: Round) -> RoundSummary:
    players = await uow.rounds.player_results(round_)
    finished: dict[str, set[int]] = {}
    if round_.schedule_id is not None:
        finished = await uow.rounds.finished_rounds(round_.schedule_id, round_.number)
    return summarise(
        round_.number,
        players,
        await uow.rounds.prediction_results(round_),
        (await uow.games.stance_pairs(round_.game)).get(round_.thread_id, {}),
        streaks_at(finished, round_.number),
        await uow.leaderboards.opted_out(round_.workspace_id),
    )


async def _streak(uow: UnitOfWork, round_: Round, player: str) -> int:
    if round_.schedule_id is None:
        return 1
    finished = await uow.rounds.finished_rounds(round_.schedule_id, round_.number, player)
    return streaks_at(finished, round_.number).get(player, 0)
