"""``/debate results [game] [names]``: a game's report files, sent privately to a teacher.

Teachers only. The default game is the newest one (running or ended) in the channel the
command was typed in (Slack sends no thread with a slash command); an explicit game id
must belong to this workspace. The students CSV, the stances CSV and the chart go to the
teacher by direct message (pseudonyms unless ``names`` is given); the teacher then gets a
private note with one button that posts, in the game's thread, only the anonymous
aggregate: the chart and each thread's shift line (respondent count and net shift).

The adapter only delivers: the report, its files and the chart come from ``bot.reports``,
the shift lines from ``bot.games.presentation``. Everything happens after the ack; the files are
drawn in a worker thread so the chart never holds up other requests' acks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.games.results import SHARED, ShareFailed, class_chart, class_summary_lines, share_once, teacher_files
from bot.reports.writer import chart_file_name, game_report
from bot.signin import link_message

from . import render
from .buttons import SHARE_ACTION, ShareButton, ThreadRef
from .context import SlackGames, SlashRequest
from .interactions import click_event_id

NAMES_WORDS = {"names", "--names"}
MAX_ID_DIGITS = 18  # SQLite integers are 64-bit; a longer "id" is no game of ours
USAGE = "Use `/debate results [game id] [names]`, e.g. `/debate results`, `/debate results 12 names`."


@dataclass(frozen=True)
class ResultsChoice:
    game_id: int | None
    names: bool


def parse_results(args: tuple[str, ...]) -> ResultsChoice | str:
    """The game (None: the newest here) and whether to use display names, or what is wrong."""
    game_id: int | None = None
    names = False
    for word in args:
        number = word.removeprefix("#")
        if number.isdigit() and len(number) <= MAX_ID_DIGITS and game_id is None:
            game_id = int(number)
        elif word.lower() in NAMES_WORDS and not names:
            names = True
        else:
            return f"I don't understand `{render.escape(word)}` there. {USAGE}"
    return ResultsChoice(game_id, names)


async def first_claim(games: SlackGames, workspace_id: int, event_id: str) -> bool:
    """True the first time ``event_id`` is seen; a redelivered request is recognised and dropped."""
    return await games.service.claim_event(workspace_id, event_id)


def _as_bytes(data: str | bytes) -> bytes:
    return data if isinstance(data, bytes) else data.encode("utf-8")


def _error_name(error: SlackClientError) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or "error")
    return "upload failed"


async def send_results(games: SlackGames, request: SlashRequest, respond: AsyncRespond) -> str | None:
    """Deliver a game's report files to the teacher who asked; returns a private reply, if any."""
    if not await games.is_teacher(request.workspace_id, request.user):
        return "Only teachers can get a debate's results; the scoreboard is posted in the debate's thread when it ends."
    choice = parse_results(request.args)
    if isinstance(choice, str):
        return choice
    database = games.service.database
    if choice.game_id is None:
        ref = await games.service.newest_game_in(request.workspace_id, request.channel)
        if ref is None:
            return f"No debate has been played in this channel yet. {USAGE}"
    else:
        ref = await games.service.find_game(request.workspace_id, choice.game_id)
        if ref is None:
            return f"There is no game {choice.game_id} in this workspace."
    # The trigger id is unique per invocation and the same on a redelivery: send the files once.
    if not await first_claim(games, request.workspace_id, f"results:{request.trigger_id}"):
        return None
    report = await game_report(database, ref, names=choice.names)
    files = await teacher_files(report)
    who = "display names" if choice.names else "pseudonyms (Student 01, …)"
    try:
        opened = await games.client.conversations_open(users=request.user)
        dm = str(opened["channel"]["id"])
        await games.client.files_upload_v2(
            channel=dm,
            file_uploads=[{"file": _as_bytes(data), "filename": name, "title": name} for name, data in files.items()],
            initial_comment=render.escape(
                f"Results of game {ref.game_id} — {report.pack.question} ({report.status}). Students appear as {who}."
            ),
        )
        await send_site_link(games, dm, request.workspace_id)
    except SlackClientError as error:
        return f"I couldn't send you the files ({render.escape(_error_name(error))}). Please try again."
    names = ", ".join(f"`{render.escape(name)}`" for name in files)
    note = (
        f"I sent you the results of game {ref.game_id} ({render.escape(report.pack.question)}) "
        f"by direct message: {names}. Students appear as {who}."
    )
    await respond(text=note, blocks=render.results_note_blocks(note, ref.game_id))
    return None


async def send_site_link(games: SlackGames, dm: str, workspace_id: int) -> None:
    """The results site's sign-in link, by direct message (never in a channel), when a site is
    served. No unfurling: Slack would otherwise fetch the link itself."""
    link = await games.core.signin.link(workspace_id)
    if link is not None:
        await games.client.chat_postMessage(
            channel=dm, text=render.escape(link_message(link)), unfurl_links=False, unfurl_media=False
        )


def register(app: AsyncApp, games: SlackGames) -> None:
    @app.action(SHARE_ACTION)
    async def share(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        async with games.after_ack("sharing results"):
            await _share(games, body, respond)


async def _share(games: SlackGames, body: dict[str, Any], respond: AsyncRespond) -> None:
    button = ShareButton.parse(body["actions"][0]["action_id"])
    if button is None:  # the pattern matched, so this cannot happen
        return
    user = body["user"]["id"]
    workspace_id = await games.workspace(body["team"]["id"])
    if not await games.is_teacher(workspace_id, user):
        await respond(text="Only teachers can share a debate's results.", replace_original=False)
        return
    ref = await games.service.find_game(workspace_id, button.game_id)
    if ref is None:
        await respond(text="This debate no longer exists.", replace_original=False)
        return
    if not await first_claim(games, workspace_id, f"share:{click_event_id(body)}"):
        return  # a redelivered click: the first delivery answers it
    service = games.service
    thread = ThreadRef.parse(await service.thread_of(ref))
    channel = thread.channel if thread else str((body.get("channel") or {}).get("id") or "")
    thread_ts = thread.ts if thread else None

    async def post() -> None:
        pack = await service.pack_of(ref)
        state = await service.load(ref)
        shifts = class_summary_lines(pack, state, await service.stance_pairs(ref))
        # The chart is drawn from the pseudonymous report; it shows only per-thread totals.
        report = await game_report(service.database, ref, names=False)
        joined = await join_to_upload(games, channel)
        chart = await class_chart(report, class_name=joined)
        try:
            # The chart first: if it cannot be uploaded, nothing has been posted.
            await games.client.files_upload_v2(
                channel=channel,
                thread_ts=thread_ts,
                file=chart,
                filename=chart_file_name(ref.game_id),
                title="How opinions moved, thread by thread",
                alt_txt="Each thread's share of students for yes, unsure and no, before and after, with the net shift.",
            )
            await games.client.chat_postMessage(
                channel=channel,
                thread_ts=thread_ts,
                text=render.escape(f"How opinions moved: {pack.question}"),
                blocks=render.class_summary_blocks(pack.question, shifts),
            )
        except SlackClientError as error:
            raise ShareFailed(
                f"I couldn't post the summary in the debate's thread ({_error_name(error)}). "
                "Invite me with `/invite @Rebuttal`, then press the button again."
            ) from error

    reply = await share_once(service, ref, post)
    shared = reply == SHARED.format(game=ref.game_id)
    await respond(text=render.escape(reply), replace_original=shared)


JOIN_REFUSALS = {
    "method_not_supported_for_channel_type": (
        "The debate is in a private channel (or a conversation) that I can't join by myself, and Slack "
        "lets an app upload the chart only where it is a member. Invite me with `/invite @Rebuttal`, "
        "then press the button again."
    ),
    "channel_not_found": (
        "I can't see the debate's channel: it is probably private and I am not in it. Invite me with "
        "`/invite @Rebuttal`, then press the button again."
    ),
    "missing_scope": (
        "I'm not allowed to join channels (my installation lacks the `channels:join` permission), and "
        "Slack lets an app upload the chart only where it is a member. Ask a workspace admin to "
        "reinstall Rebuttal from its current manifest, or invite me with `/invite @Rebuttal`, then press "
        "the button again."
    ),
    "is_archived": "The debate's channel is archived, so nothing can be posted there.",
}


async def join_to_upload(games: SlackGames, channel: str) -> str | None:
    """Join the channel before uploading the chart: the bot posts text in a public channel it
    never joined (``chat:write.public``), but a file upload needs membership. Joining a
    channel the bot is in already is harmless; a direct message needs no joining. Returns
    ``#name`` of the channel (to title the chart), if Slack said it."""
    if channel.startswith("D"):
        return None
    try:
        joined = await games.client.conversations_join(channel=channel)
    except SlackClientError as error:
        name = _error_name(error)
        raise ShareFailed(
            JOIN_REFUSALS.get(
                name,
                f"I couldn't join the debate's channel to upload the chart ({name}). Invite me with "
                "`/invite @Rebuttal`, then press the button again.",
            )
        ) from error
    title = (joined.get("channel") or {}).get("name")
    return f"#{title}" if isinstance(title, str) and title else None
