"""Sharing the anonymous summary on Slack: the bot joins the public channel before it uploads
the chart (an upload needs membership), says exactly why when it can't, and a second press
posts nothing (the rule is the core's, kept in the store)."""

from __future__ import annotations

from pathlib import Path

from adapters.slack.app import SlackBot
from adapters.slack.buttons import ShareButton
from adapters.slack.results import JOIN_REFUSALS
from bot.reports.chart import chart_png
from bot.reports.reading import game_report
from tests.slack.harness import CHANNEL, TEACHER, running_bot, settle, start_game, thread_of
from tests.slack.test_results import STUDENTS, play, public_calls
from tests.standins.slack_drivers import SlackDriver
from tests.standins.slack_fixtures import Transport
from tests.standins.slack_server import SlackStandIn


async def ask_and_share(slack: SlackDriver, s: SlackStandIn, bot: SlackBot) -> str:
    """``/debate results`` then the note's share button; the teacher's last private reply."""
    before = len(s.responses_for(TEACHER))
    await slack.slash("/debate", "results", user=TEACHER)
    await s.wait_for(lambda: len(s.responses_for(TEACHER)) > before)
    [note] = s.responses_for(TEACHER)[before:]
    [action] = [
        e["action_id"]
        for b in note.blocks
        for e in b.get("elements", [])
        if e.get("action_id", "").startswith("results-share")
    ]
    clicked = len(s.responses_for(TEACHER))
    await slack.click(action, user=TEACHER)
    await s.wait_for(lambda: len(s.responses_for(TEACHER)) > clicked)
    await settle(bot, s)
    return s.responses_for(TEACHER)[-1].text


async def test_the_bot_joins_then_shares_once(
    slack_standin: SlackStandIn, slack_transport: Transport, database_at: Path | str
) -> None:
    s = slack_standin
    s.add_user("U3", "carol", real_name="Carol Chen", display_name="carol")
    async with running_bot(s, database_at, slack_transport) as (bot, slack):
        ref = await start_game(bot, s, slack)
        await play(bot, ref)
        await settle(bot, s)
        thread = await thread_of(bot, ref)
        assert s.bot_user.id not in s.channels[CHANNEL].members  # it posted through chat:write.public only
        since = len(s.calls)
        first = await ask_and_share(slack, s, bot)
        assert first.startswith("Shared the anonymous summary")
        calls = [(c.method, str(c.args.get("channel") or c.args.get("channel_id") or "")) for c in s.calls[since:]]
        assert calls.index(("conversations.join", CHANNEL)) < calls.index(("files.completeUploadExternal", CHANNEL))
        assert s.bot_user.id in s.channels[CHANNEL].members
        [chart] = s.files_in(CHANNEL, thread.ts)
        posted = public_calls(s, since)
        report = await game_report(bot.games.service.database, ref, names=False)
        # Titled with the channel's name, which the join told the bot (no channels:read needed).
        assert chart.content == chart_png(report, public=True, class_name=f"#{s.channels[CHANNEL].name}")

        # A second press, from a fresh results note: nothing more is posted, and the teacher is told.
        again = len(s.calls)
        second = await ask_and_share(slack, s, bot)
        assert "already shared" in second and "not posted again" in second
        assert public_calls(s, again) == [] and s.files_in(CHANNEL, thread.ts) == [chart]
    assert len(posted) == 2  # the chart, then the shift lines
    assert len(STUDENTS) == 3


async def test_a_channel_the_bot_cannot_join_is_explained_and_the_button_works_after(
    slack_standin: SlackStandIn, slack_transport: Transport, database_at: Path | str
) -> None:
    s = slack_standin
    s.add_user("U3", "carol", real_name="Carol Chen", display_name="carol")
    async with running_bot(s, database_at, slack_transport) as (bot, slack):
        ref = await start_game(bot, s, slack)
        await play(bot, ref)
        await settle(bot, s)
        thread = await thread_of(bot, ref)
        # A private channel: Slack refuses a join, and a bot may upload only where it is a member.
        s.channels[CHANNEL].is_private = True
        since = len(s.calls)
        refused = await ask_and_share(slack, s, bot)
        assert refused == JOIN_REFUSALS["method_not_supported_for_channel_type"]
        assert "/invite @Rebuttal" in refused
        assert public_calls(s, since) == [] and s.files_in(CHANNEL) == []

        # Without the channels:join scope (an installation from an older manifest).
        s.channels[CHANNEL].is_private = False
        s.inject_error("conversations.join", "missing_scope")
        assert "`channels:join`" in await ask_and_share(slack, s, bot)
        assert public_calls(s, since) == []

        # Invited, the teacher presses again: the failed attempts left no claim behind.
        s.channels[CHANNEL].members.append(s.bot_user.id)
        shared = await ask_and_share(slack, s, bot)
        assert shared.startswith("Shared the anonymous summary")
        assert len(s.files_in(CHANNEL, thread.ts)) == 1


async def test_a_second_press_after_a_restart_posts_nothing(
    slack_standin: SlackStandIn, database_at: Path | str
) -> None:
    s = slack_standin
    s.add_user("U3", "carol", real_name="Carol Chen", display_name="carol")
    database = database_at
    async with running_bot(s, database, "socket") as (bot, slack):
        ref = await start_game(bot, s, slack)
        await play(bot, ref)
        await settle(bot, s)
        assert (await ask_and_share(slack, s, bot)).startswith("Shared")
    since = len(s.calls)
    async with running_bot(s, database, "socket") as (bot, slack):  # a new process, the same database
        assert "already shared" in await ask_and_share(slack, s, bot)
    assert public_calls(s, since) == []
    assert ShareButton(ref.game_id).action_id.startswith("results-share")
