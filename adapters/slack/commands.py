"""``/debate`` and its subcommands. Every request is acknowledged before any work starts.

Replies go back ephemerally through the command's ``response_url``; the game itself is
drawn in its thread by the presenter. Slash commands have no thread, so the game a host
command controls is the one running in the channel it was typed in.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.games.controls import Control
from bot.store.records import TeacherSettings

from . import render
from .context import USER_ID, SlackGames, SlashRequest
from .game_commands import start_game
from .results import send_results
from .schedule_commands import leaderboard_command, schedule_command, season_command

USAGE = "\n".join(
    [
        "*Usage:* `/debate <subcommand>`",
        "• `start [debate] [classroom|timed] [seconds]` — start a debate in this channel (teachers)",
        "• `next` · `pause` · `resume` · `skip` · `end` — control the debate here (its host or a teacher)",
        "• `library [tag]` — the debates you can start: tags, threads, playing time, reading level",
        "• `import` — add a debate to this workspace (teachers)",
        "• `schedule <HH:MM> <Zone> [days] [closes=HH:MM] [debates=id,id]` — a daily round in this channel (teachers)",
        "• `schedule show` · `pause` · `resume` · `remove` — this channel's daily round (teachers)",
        "• `leaderboard [round|week|season|all]` — daily-round points and accuracy (default: this week)",
        "• `leaderboard opt-out` · `opt-in` — leave the leaderboards and summaries, or come back",
        "• `season new` — start a new leaderboard season (teachers)",
        "• `results [game] [names]` — a debate's report files, sent to you privately (teachers)",
        "• `settings [add-teacher @user | remove-teacher @user]` — who counts as a teacher",
        "• `forget-me` — delete your answers and scores in this workspace",
        "• `help` — this message",
    ]
)
MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")


Subcommand = Callable[[SlackGames, SlashRequest, AsyncRespond], Awaitable[str | None]]


def register(app: AsyncApp, games: SlackGames) -> None:
    @app.command("/debate")
    async def debate(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        async with games.after_ack("/debate"):
            await _debate(games, body, respond)


async def _debate(games: SlackGames, body: dict[str, Any], respond: AsyncRespond) -> None:
    words = str(body.get("text") or "").split()
    name = words[0].lower() if words else "help"
    request = SlashRequest(
        team_id=body["team_id"],
        workspace_id=await games.workspace(body["team_id"]),
        channel=body["channel_id"],
        user=body["user_id"],
        user_name=str(body.get("user_name") or body["user_id"]),
        trigger_id=str(body.get("trigger_id") or ""),
        args=tuple(words[1:]),
        channel_name=str(body["channel_name"]) if body.get("channel_name") else None,
    )
    handler = SUBCOMMANDS.get(name)
    if handler is None:
        reply: str | None = f"Unknown subcommand `{render.escape(name)}`.\n{USAGE}"
    elif name in NO_ARGUMENTS and request.args:
        reply = f"`{name}` takes no arguments.\n{USAGE}"
    else:
        reply = await handler(games, request, respond)
    if reply:
        await respond(text=reply)


async def _start(games: SlackGames, request: SlashRequest, respond: AsyncRespond) -> str | None:
    return await start_game(games, request, USAGE)


def _control(control: Control) -> Subcommand:
    async def run(games: SlackGames, request: SlashRequest, respond: AsyncRespond) -> str | None:
        ref = await games.service.live_game_at(request.workspace_id, request.channel)
        if ref is None:
            return "No debate is running in this channel."
        teacher = await games.is_teacher(request.workspace_id, request.user)
        command = games.host_command(control, request.user, teacher)

        async def reply(text: str) -> None:
            await respond(text=text)

        # The trigger id is unique per invocation and the same on a redelivery.
        await games.submit(ref, command, f"slash:{request.trigger_id}", reply)
        return None

    return run


async def _library(games: SlackGames, request: SlashRequest, respond: AsyncRespond) -> str:
    if len(request.args) > 1:
        return f"`library` takes at most one tag (e.g. `/debate library economy`).\n{USAGE}"
    shown = await games.workspaces.listing(request.workspace_id, request.args[0] if request.args else None)
    if shown.problem is not None:
        return render.escape(shown.problem)
    heading = f"*Debates you can start* (`/debate start <id>`): {render.escape(shown.heading)}. "
    heading += render.escape(shown.tags_line)
    lines = [
        f"• `{render.escape(e.id)}` — {render.escape(e.question)}\n   {render.escape(e.summary())}"
        for e in shown.entries
    ]
    return "\n".join([heading, *lines])


async def _results(games: SlackGames, request: SlashRequest, respond: AsyncRespond) -> str | None:
    return await send_results(games, request, respond)


async def _settings(games: SlackGames, request: SlashRequest, respond: AsyncRespond) -> str:
    current = await games.workspaces.teacher_settings(request.workspace_id)
    if not request.args:
        named = ", ".join(f"<@{user}>" for user in current.teacher_users if USER_ID.match(user)) or "no one else"
        return f"Teachers here: workspace admins and owners, plus {named}."
    action, target = request.args[0].lower(), _user_id(request.args[1:])
    if action not in ("add-teacher", "remove-teacher") or target is None:
        return "Use `/debate settings add-teacher @user` or `/debate settings remove-teacher @user`."
    if not await games.is_teacher(request.workspace_id, request.user):
        return "Only teachers can change who counts as a teacher."
    users = [user for user in current.teacher_users if user != target]
    if action == "add-teacher":
        users.append(target)
    await games.workspaces.save_teacher_settings(
        request.workspace_id, TeacherSettings(current.teacher_role, tuple(users))
    )
    verb = "now counts" if action == "add-teacher" else "no longer counts"
    return f"<@{target}> {verb} as a teacher here (workspace admins and owners always do)."


def _user_id(args: tuple[str, ...]) -> str | None:
    if len(args) != 1:
        return None
    found = MENTION.match(args[0])
    user = found.group(1) if found else args[0]
    return user if USER_ID.match(user) else None


async def _forget_me(games: SlackGames, request: SlashRequest, respond: AsyncRespond) -> None:
    await respond(text="Forget your answers and scores here?", blocks=render.forget_confirmation(request.user))
    return None


async def _import(games: SlackGames, request: SlashRequest, respond: AsyncRespond) -> str | None:
    if not await games.is_teacher(request.workspace_id, request.user):
        return "Only teachers can import debates."
    await games.client.views_open(trigger_id=request.trigger_id, view=render.import_modal(request.channel))
    return None


async def _help(games: SlackGames, request: SlashRequest, respond: AsyncRespond) -> str:
    return USAGE


SUBCOMMANDS: dict[str, Subcommand] = {
    "start": _start,
    **{control.value: _control(control) for control in Control},
    "library": _library,
    "schedule": schedule_command,
    "leaderboard": leaderboard_command,
    "season": season_command,
    "results": _results,
    "settings": _settings,
    "forget-me": _forget_me,
    "import": _import,
    "help": _help,
}
NO_ARGUMENTS = {"next", "pause", "resume", "skip", "end", "forget-me", "import"}
