"""``/debate start [debate] [mode] [timer]``: checks, then a parent message and the first step.

Arguments may come in any order, since each kind is recognisable: a mode name, a number
of seconds, or a debate id from the workspace's library. One debate runs per channel at a
time (the store refuses a second live game in a channel), which is also what makes a
redelivered ``start`` harmless: the second one is refused and posts nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.errors import SlackApiError

from bot.content.library import DEFAULT_PACK_ID, Library
from bot.content.model import Pack
from bot.engine.commands import Ended
from bot.engine.state import LIVE_MODES, GameSettings, Mode
from bot.identity import Player, Venue
from bot.store.records import ChannelBusy

from . import render
from .context import PLATFORM, SlackGames, SlashRequest

MODES = {mode.value: mode for mode in LIVE_MODES}


@dataclass(frozen=True)
class StartChoice:
    pack: Pack
    settings: GameSettings


def parse_start(args: tuple[str, ...], library: Library) -> StartChoice | str:
    """The debate and settings ``args`` ask for, or what is wrong with them."""
    pack_id: str | None = None
    mode: Mode | None = None
    timer: int | None = None
    for word in args:
        if word.lower() in MODES and mode is None:
            mode = MODES[word.lower()]
        elif word.isdigit() and timer is None:
            timer = int(word)
        elif pack_id is None and not word.isdigit() and word.lower() not in MODES:
            pack_id = word
        else:
            return f"`{render.escape(word)}` is one argument too many."
    pack_id = pack_id or DEFAULT_PACK_ID
    if pack_id not in library.packs:
        return f"There is no debate `{render.escape(pack_id)}` here; `/debate library` lists them."
    try:
        settings = GameSettings(mode=mode or Mode.CLASSROOM, question_seconds=timer)
    except ValueError as error:
        return f"{error}."
    return StartChoice(library.packs[pack_id], settings)


async def start_game(games: SlackGames, request: SlashRequest, usage: str) -> str | None:
    """Start a debate in the request's channel; returns the reply for the teacher who asked."""
    workspace_id, team_id, channel, user = request.workspace_id, request.team_id, request.channel, request.user
    if not await games.is_teacher(workspace_id, user):
        return "Only teachers (workspace admins and owners, or those named in `/debate settings`) can start a debate."
    choice = parse_start(request.args, await games.workspaces.library(workspace_id))
    if isinstance(choice, str):
        return f"{choice}\n{usage}"
    try:
        ref, outcome = await games.service.start_game(
            Venue(PLATFORM, team_id, channel),
            Player(PLATFORM, team_id, user),
            request.user_name,
            choice.pack,
            choice.settings,
            games.seed(),
            channel_name=request.channel_name,
        )
    except ChannelBusy:  # the store's constraint: across processes, never a lock here
        return "A debate is already running in this channel; `/debate end` ends it."
    try:
        # The thread is stored before the first step is drawn, so every step lands in it.
        assert outcome.state is not None  # a start always has its first state
        await games.presenter.open_thread(ref, channel, choice.pack.question, outcome.state)
    except SlackApiError as error:
        # Most often a private channel the bot is not in: end the game nobody can see.
        await games.service.handle(ref, Ended(user, True, games.service.clock()))
        reason = render.escape(str(error.response.get("error") or "error"))
        return f"I can't post in this channel ({reason}). Invite me with `/invite @Rebuttal`, then start again."
    await games.runner.present(ref, outcome)
    return render.escape(outcome.reply or "The debate has started.")
