"""The other /debate subcommands: settings, pause and resume, skip, results, leaderboard, library."""

from __future__ import annotations

from pathlib import Path

from bot.engine.state import Status
from bot.games.controls import Control
from tests.slack.harness import (
    CHANNEL,
    PACK_ID,
    TEACHER,
    answer_action,
    current_host_action,
    game_in,
    host_action,
    running_bot,
    settle,
    start_game,
)
from tests.standins.slack_fixtures import Transport
from tests.standins.slack_server import SlackStandIn


async def test_settings_name_extra_teachers(
    slack_standin: SlackStandIn, slack_transport: Transport, database_at: Path | str
) -> None:
    s = slack_standin
    async with running_bot(s, database_at, slack_transport) as (bot, slack):
        await slack.slash("/debate", "settings add-teacher <@U2|bob>", user="U1")  # U1 is no teacher
        await s.wait_for(lambda: s.responses_for("U1"))
        await slack.slash("/debate", "settings add-teacher <@U1|alice>", user=TEACHER)
        await s.wait_for(lambda: s.responses_for(TEACHER))
        await slack.slash("/debate", "settings", user="U1")
        await s.wait_for(lambda: len(s.responses_for("U1")) == 2)
        assert s.responses_for("U1")[0].text == "Only teachers can change who counts as a teacher."
        assert s.responses_for(TEACHER)[0].text.startswith("<@U1> now counts as a teacher")
        assert s.responses_for("U1")[1].text == "Teachers here: workspace admins and owners, plus <@U1>."

        await slack.slash("/debate", f"start {PACK_ID}", user="U1")  # now allowed
        ref = await game_in(bot, s)
        assert (await bot.games.service.load(ref)).host == "U1"
        told = len(s.ephemerals_for(TEACHER))
        await slack.click(
            await current_host_action(s, bot, ref, Control.SKIP), user=TEACHER
        )  # a teacher who is not the host
        await s.wait_for(lambda: len(s.ephemerals_for(TEACHER)) > told)
        assert s.ephemerals_for(TEACHER)[-1].text == "Moved on."
        assert (await bot.games.service.load(ref)).step == 1
    s.assert_clean()


async def test_pause_resume_skip_end_and_results(
    slack_standin: SlackStandIn, slack_transport: Transport, database_at: Path | str
) -> None:
    s = slack_standin
    async with running_bot(s, database_at, slack_transport) as (bot, slack):
        ref = await start_game(bot, s, slack)
        service = bot.games.service

        await slack.click(host_action(s, ref, Control.PAUSE), user=TEACHER)
        await s.wait_for(lambda: s.find_action(host_action(s, ref, Control.RESUME)))  # the parent now offers Resume
        assert (await service.load(ref)).status is Status.PAUSED
        await slack.click(answer_action(ref, 0, 0), user="U1")
        await s.wait_for(lambda: s.ephemerals_for("U1"))
        assert "paused" in s.ephemerals_for("U1")[-1].text

        await slack.slash("/debate", "resume", user=TEACHER)
        await s.wait_for(lambda: s.find_action(host_action(s, ref, Control.PAUSE)))
        await slack.slash("/debate", "skip", user=TEACHER)  # closes the question and moves on
        await settle(bot, s)
        assert (await service.load(ref)).step == 1

        await slack.slash("/debate", "results", user="U2")  # results are for teachers (test_results.py)
        await s.wait_for(lambda: s.responses_for("U2"))
        await slack.slash("/debate", "end", user=TEACHER)
        await settle(bot, s)
        assert s.responses_for("U2")[0].text.startswith("Only teachers can get a debate's results")
        assert (await service.load(ref)).status is Status.ENDED
        assert s.find_action(host_action(s, ref, Control.NEXT)) is None  # the controls are gone

        for count, text in enumerate(("leaderboard", "library", "results"), start=2):
            await slack.slash("/debate", text, user="U2")
            await s.wait_for(lambda: len(s.responses_for("U2")) == count)  # noqa: B023 (awaited at once)
    texts = [r.text for r in s.responses_for("U2")]
    # The leaderboard counts daily rounds only (tests/slack/test_daily_rounds.py), not live debates.
    assert texts[1] == "*Leaderboard — This week*\nNo one has played a daily round in this period yet."
    assert texts[2].startswith("*Debates you can start*") and f"`{PACK_ID}`" in texts[2]
    assert texts[3].startswith("Only teachers can get a debate's results")
    assert len(s.messages_in(CHANNEL)) == 1
    s.assert_clean()


async def test_a_channel_the_bot_cannot_post_in(slack_standin: SlackStandIn, database_at: Path | str) -> None:
    s = slack_standin
    s.inject_error("chat.postMessage", "not_in_channel")
    async with running_bot(s, database_at, "socket") as (bot, slack):
        await slack.slash("/debate", f"start {PACK_ID}", user=TEACHER)
        [reply] = await s.wait_for(lambda: s.responses_for(TEACHER))
        assert reply.text.startswith("I can't post in this channel (not_in_channel)")
        workspace = await bot.games.workspace(s.team_id)
        assert await bot.games.service.live_game_at(workspace, CHANNEL) is None  # free for a new start
        await start_game(bot, s, slack)
    s.assert_clean()


async def test_a_daily_rounds_mode_cannot_be_chosen_for_a_live_game(
    slack_standin: SlackStandIn, database_at: Path | str
) -> None:
    s = slack_standin
    async with running_bot(s, database_at, "socket") as (bot, slack):
        await slack.slash("/debate", f"start {PACK_ID} self-paced", user=TEACHER)
        await slack.slash("/debate", f"start {PACK_ID} timed", user=TEACHER)
        refused, started = await s.wait_for(
            lambda: s.responses_for(TEACHER) if len(s.responses_for(TEACHER)) == 2 else None
        )
        assert refused.text.startswith("`self-paced` is one argument too many.")
        ref = await game_in(bot, s)
        assert (await bot.games.service.load(ref)).settings.mode.value == "timed"
        assert started.text
    s.assert_clean()
