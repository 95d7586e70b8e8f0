"""Daily-round schedules through /debate on Slack: set, show, pause, resume, remove; who may;
and the private, specific refusals. Pausing posts nothing; resuming never catches up."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from adapters.slack.schedule_commands import TEACHERS_ONLY
from bot.identity import Venue
from tests.engine.helpers import ManualClock
from tests.slack.harness import CHANNEL, TEACHER, running_bot
from tests.slack.round_harness import MONDAY, move_to, play_button, shown, top_level
from tests.slack.test_daily_rounds import ask
from tests.standins.slack_fixtures import Transport
from tests.standins.slack_server import SlackStandIn

TEN_UTC = MONDAY.replace(hour=10)  # 11:00 in Berlin, in January


async def test_only_teachers_schedule_and_mistakes_are_named(
    slack_standin: SlackStandIn, slack_transport: Transport, database_at: Path | str
) -> None:
    s = slack_standin
    async with running_bot(s, database_at, slack_transport, clock=ManualClock(MONDAY)) as (bot, slack):
        for text in ("schedule 10:00 UTC", "schedule show", "schedule pause", "schedule remove"):
            assert await ask(slack, s, "U1", text) == TEACHERS_ONLY
        assert await ask(slack, s, "U1", "season new") == "Only teachers can start a new season."
        mistakes = {
            "schedule 25:00 UTC": "“25:00” is not a time; use HH:MM on a 24-hour clock, like 08:30",
            "schedule 10:00 Mars/Base": "unknown time zone 'Mars/Base'; use an IANA name like Europe/Berlin",
            "schedule 10:00 UTC blursday": "'blursday' is not a day; use mon, tue, wed, thu, fri, sat, sun",
            "schedule 10:00 UTC closes=9am": "“9am” is not a time",
            "schedule 10:00 UTC debates=no-such-debate": "no debate called no-such-debate",
            "schedule 10:00": "give a time and a time zone",
            "schedule 10:00 UTC colour=red": "'colour' is not a setting",
            "schedule pause": "There is no daily round scheduled in this channel",
            "schedule resume": "There is no daily round scheduled in this channel",
            "schedule remove": "There is no daily round scheduled in this channel",
        }
        for text, expected in mistakes.items():
            reply = await ask(slack, s, TEACHER, text)
            assert reply.startswith(f"That didn't work: {expected}"), (text, reply)
            assert "Use `/debate schedule <HH:MM> <Zone>" in reply
        assert (await ask(slack, s, TEACHER, "schedule show")).startswith(
            "No daily round is scheduled in this channel."
        )
        assert await bot.games.rounds.schedule_at(bot_venue(s)) is None
        assert await ask(slack, s, TEACHER, "season new") == (
            "Season 2 has started: `/debate leaderboard season` counts from now. "
            "Streaks carry on, and `/debate leaderboard all` still counts every round."
        )
        assert (await ask(slack, s, "U1", "leaderboard season")).startswith("*Leaderboard — Season 2*")
        assert (await ask(slack, s, "U1", "leaderboard decade")).startswith("`decade` is not a period.")
    assert s.messages_in(CHANNEL) == []  # every reply above was private
    s.assert_clean()


async def test_show_pause_resume_remove(
    slack_standin: SlackStandIn, slack_transport: Transport, database_at: Path | str
) -> None:
    s, clock = slack_standin, ManualClock(MONDAY)
    async with running_bot(s, database_at, slack_transport, clock=clock) as (bot, slack):
        reply = await ask(slack, s, TEACHER, "schedule 11:00 europe/berlin mon-fri closes=15:00 debates=bike-lanes")
        assert reply.splitlines()[:4] == [
            "*Daily round here:* 11:00 Europe/Berlin, Monday to Friday; each round closes at 15:00.",
            "Debates: `bike-lanes`.",
            "Rounds posted so far: 0.",
            "Next round: Mon 5 Jan at 11:00 (Europe/Berlin).",
        ]
        assert (await ask(slack, s, TEACHER, "schedule show")).splitlines() == reply.splitlines()[:4]

        # Paused: nothing at the instant.
        assert (await ask(slack, s, TEACHER, "schedule pause")).startswith("Daily rounds here are paused.")
        assert "Paused: `/debate schedule resume` starts it again." in await ask(slack, s, TEACHER, "schedule show")
        await move_to(bot, s, clock, TEN_UTC)
        assert top_level(s) == []

        # Resumed half an hour late: the next run is tomorrow's, with no catch-up of today's.
        await move_to(bot, s, clock, TEN_UTC + timedelta(minutes=30))
        resumed = await ask(slack, s, TEACHER, "schedule resume")
        assert resumed.endswith("Next round: Tue 6 Jan at 11:00 (Europe/Berlin).")
        await move_to(bot, s, clock, TEN_UTC + timedelta(minutes=31))
        assert top_level(s) == []
        await move_to(bot, s, clock, TEN_UTC + timedelta(days=1))
        [announcement] = await s.wait_for(lambda: top_level(s))
        assert play_button(announcement) is not None
        assert "Closes Tue 6 Jan at 15:00 (Europe/Berlin)." in shown(announcement)

        # Removed: the open round still closes with its summary; no more rounds come.
        assert (await ask(slack, s, TEACHER, "schedule remove")).startswith("Daily rounds here are stopped.")
        assert (await ask(slack, s, TEACHER, "schedule show")).startswith("No daily round is scheduled")
        await move_to(bot, s, clock, TEN_UTC + timedelta(days=2))
        first, summary = await s.wait_for(lambda: top_level(s) if len(top_level(s)) == 2 else None)
        assert "Nobody played this round." in shown(summary)
        assert play_button(first) is None
        await move_to(bot, s, clock, TEN_UTC + timedelta(days=3))
        assert len(top_level(s)) == 2
    s.assert_clean()


def bot_venue(s: SlackStandIn) -> Venue:
    return Venue("slack", s.team_id, CHANNEL)
