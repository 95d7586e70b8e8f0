"""``/debate results [game] [names]``: a game's report files for the teacher, privately, and
a button that shares only the anonymous class summary.

Privately (an ephemeral reply only the teacher sees): the students CSV, the stances CSV and
the chart, built by ``bot.reports`` exactly as ``rebuttal report`` builds them; students are
pseudonyms unless ``names`` is set. The share button (``rebuttal:share:<game>``) posts to
the channel or thread the teacher is in only what is anonymous by construction: the chart
(drawn from a pseudonymous report; it shows each thread's camp shares, net shift and number
of respondents) and each thread's shift line (average and respondent count). No name,
pseudonym, answer or individual stance is ever in a public message. While a question is
open the share is refused: players see a question's results only once it closes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping

import discord
from discord import app_commands

from adapters.discord.access import TEACHERS_ONLY, NotInServer, caller_of, teacher_check
from adapters.discord.context import Services, serving
from adapters.discord.interactions import NO_GAME
from adapters.discord.render import COLOUR, DESCRIPTION_LIMIT, TITLE_LIMIT, fit_blocks
from adapters.discord.replies import NO_MENTIONS, cut, safe, tell
from adapters.discord.routing import Button, Route, drawn_view
from bot.games.results import SHARED as CORE_SHARED
from bot.games.results import ShareFailed, class_chart, class_summary_lines, share_once, teacher_files
from bot.reports.writer import chart_file_name, game_report
from bot.signin import link_message
from bot.store.records import GameNotFound, GameRef

SHARE_LABEL = "Share the anonymous summary with the class"
SUMMARY_NOTE = (
    "Anonymous class summary: how opinion moved in each thread (+ towards yes, − towards no), "
    "counting only students who gave a stance before and after it. No one's answers are shown."
)
NOTHING_HERE = (
    "No debate has been played here yet. Use /debate results in a debate's thread or the channel "
    "it was started from, or give the game number."
)
SHARED = "Posted the anonymous summary (the chart and each thread's average shift) for the class."


def _attachments(files: Mapping[str, str | bytes]) -> list[discord.File]:
    return [
        discord.File(io.BytesIO(data if isinstance(data, bytes) else data.encode("utf-8")), filename=name)
        for name, data in files.items()
    ]


SHARE_ID = re.compile(r"rebuttal:share:(?P<game>[0-9]{1,18})")


def share_button(game: int) -> Button:
    return discord.ui.Button(label=SHARE_LABEL, style=discord.ButtonStyle.primary, custom_id=f"rebuttal:share:{game}")


async def _share_clicked(interaction: discord.Interaction, match: re.Match[str]) -> None:
    await share(interaction, int(match["game"]))


SHARE_ROUTE = Route(SHARE_ID, _share_clicked)


def share_view(game: int) -> discord.ui.View:
    return drawn_view([share_button(game)])


@app_commands.describe(
    game="The game's number (default: the newest game in this thread or channel)",
    names="Use students' display names in the files instead of pseudonyms (Student 01, …)",
)
async def results(
    interaction: discord.Interaction, game: app_commands.Range[int, 1] | None = None, names: bool = False
) -> None:
    async with serving(interaction) as services:
        await _results(services, interaction, game, names)


async def _results(services: Services, interaction: discord.Interaction, game: int | None, names: bool) -> None:
    try:
        caller = await caller_of(services, interaction)
    except NotInServer:
        await tell(interaction, "Use /debate results in a server.")
        return
    if not await teacher_check(services, interaction, caller):
        await tell(interaction, TEACHERS_ONLY)  # a student never sees anyone's answers
        return
    database = services.games.database
    if game is None:
        ref = await services.games.newest_game_at(caller.workspace_id, str(interaction.channel_id))
        if ref is None:
            await tell(interaction, NOTHING_HERE)
            return
    else:
        ref = await services.games.find_game(caller.workspace_id, game)
        if ref is None:
            await tell(interaction, f"There is no game {game} in this server.")
            return
    # Reading the answers and drawing the chart can take a moment: acknowledge first.
    await interaction.response.defer(ephemeral=True, thinking=True)
    try:
        report = await game_report(database, ref, names=names)
    except GameNotFound:  # purged between the check and now
        await tell(interaction, NO_GAME)
        return
    files = await teacher_files(report, class_name=channel_name(interaction, report.channel))
    who = "under their display names" if names else "as pseudonyms (Student 01, …); add names:True for display names"
    text = (
        f"Results of game {ref.game_id}, “{safe(report.pack.question)}” ({report.status}, "
        f"{len(report.players)} student{'s' if len(report.players) != 1 else ''}). Only you can see these files. "
        f"Students appear {who}.\n"
        "The button posts only the chart and each thread's average shift, never anyone's answers."
    )
    await interaction.followup.send(
        cut(text, 2000),
        files=_attachments(files),
        view=share_view(ref.game_id),
        ephemeral=True,
        allowed_mentions=NO_MENTIONS,
    )
    await send_site_link(services, interaction, caller.workspace_id)


async def send_site_link(services: Services, interaction: discord.Interaction, workspace_id: int) -> None:
    """The results site's sign-in link, ephemeral (only the teacher sees it), when a site is served.
    The angle brackets stop Discord from fetching the link for a preview."""
    link = await services.signin.link(workspace_id)
    if link is not None:
        await interaction.followup.send(link_message(f"<{link}>"), ephemeral=True, allowed_mentions=NO_MENTIONS)


async def share(interaction: discord.Interaction, game: int) -> None:
    async with serving(interaction) as services:
        await _share(services, interaction, game)


async def _share(services: Services, interaction: discord.Interaction, game: int) -> None:
    try:
        caller = await caller_of(services, interaction)
    except NotInServer:
        await tell(interaction, "Use this in a server.")
        return
    if not await teacher_check(services, interaction, caller):
        await tell(interaction, TEACHERS_ONLY)
        return
    ref = await services.games.find_game(caller.workspace_id, game)
    if ref is None:
        await tell(interaction, NO_GAME)
        return

    async def post() -> None:
        # Take the button away at once (a Discord interaction is answered within 3 s); the
        # core's claim is what stops a second post, from this message or any other.
        await interaction.response.edit_message(view=None, allowed_mentions=NO_MENTIONS)
        try:
            embed, chart = await class_summary(services, ref, interaction)
            await interaction.followup.send(embed=embed, file=chart, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as error:
            raise ShareFailed(
                f"I couldn't post the summary here ({error.status}: {safe(error.text) or 'no reason given'}). "
                "Check that I may send messages and attach files in this channel, then ask for the results again."
            ) from error

    try:
        reply = await share_once(services.games, ref, post)
    except GameNotFound:  # purged between the check and now
        reply = NO_GAME
    await tell(interaction, SHARED if reply == CORE_SHARED.format(game=ref.game_id) else reply)


async def class_summary(
    services: Services, ref: GameRef, interaction: discord.Interaction
) -> tuple[discord.Embed, discord.File]:
    """The public post: the chart and a shift line per thread. Both come from stance pairs
    of students only (the host is left out, as in the teacher's files), never from names."""
    report = await game_report(services.games.database, ref, names=False)
    name = chart_file_name(report.game_id)
    png = await class_chart(report, class_name=channel_name(interaction, report.channel))
    state = await services.games.load(ref)
    pairs = await services.games.stance_pairs(ref)
    lines = [safe(line) for line in class_summary_lines(report.pack, state, pairs)]
    body = SUMMARY_NOTE + "\n\n" + (fit_blocks(lines, DESCRIPTION_LIMIT - len(SUMMARY_NOTE) - 2, "\n") or "—")
    embed = discord.Embed(title=cut(safe(report.pack.question), TITLE_LIMIT), description=body, colour=COLOUR)
    embed.set_image(url=f"attachment://{name}")
    [chart] = _attachments({name: png})
    return embed, chart


def channel_name(interaction: discord.Interaction, channel_id: str) -> str | None:
    """``#name`` of the game's channel from the client's cache (no request), to title the
    chart; None (the chart shows the id) if the bot cannot see it."""
    channel = interaction.client.get_channel(int(channel_id)) if channel_id.isdigit() else None
    name = getattr(channel, "name", None)
    return f"#{name}" if isinstance(name, str) and name else None


def results_commands() -> list[app_commands.Command[app_commands.Group, ..., None]]:
    """Fresh command objects (a command belongs to one tree, and tests build several bots)."""
    return [
        app_commands.Command(
            name="results",
            description="A game's results for you privately, with an option to share the anonymous summary (teachers)",
            callback=results,
        )
    ]
