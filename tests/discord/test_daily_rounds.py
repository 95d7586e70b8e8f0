"""Daily rounds end to end: the real discord.py client against the stand-in, a clock moved by
hand and the scheduler poked, as the real one wakes at its due instant (issue 7, items 1–5).
Schedule management, hostile clicks and role pings are in test_round_admin."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from adapters.discord.round_render import timestamp
from bot.engine.script import STANCE_SCALE, STANCE_VALUES
from tests.discord.harness import running_bot
from tests.discord.rounds_harness import (
    DAY,
    FIRST_RUN,
    announcements,
    new_clock,
    next_announcement,
    play_id,
    quietly,
    schedule_set,
    summaries,
    walk,
)
from tests.standins.discord_server import DiscordStandIn
from tests.standins.mentions import assert_no_pings

NO_MENTIONS: dict[str, list[str]] = {"parse": []}
FINISHED = "You've finished today's round"


async def test_a_round_posts_at_its_instant_and_not_before(
    discord_standin: DiscordStandIn, database_at: Path | str
) -> None:
    standin, clock = discord_standin, new_clock()
    async with running_bot(standin, database_at, clock=clock) as bot:
        set_up = await schedule_set(standin)
        await quietly(bot, clock, FIRST_RUN - timedelta(seconds=1))
        early = list(announcements(standin))
        posted = await next_announcement(standin, bot, clock, FIRST_RUN)
    assert set_up.ephemeral
    assert set_up.content == (
        f"Daily round set for <#{standin.text_channel.id}>: 10:30 Europe/Berlin, every day; "
        f"closes when the next round posts; every debate in turn (next round {timestamp(FIRST_RUN)})."
    )
    assert early == []
    [embed] = posted.embeds
    assert embed["title"] == "Daily round 1: Opening exchange"
    assert embed["description"].split("\n") == [
        "From the debate: Should towns build more bike lanes?",
        "Play privately, at your own pace: your stance, 1 rebuttal to predict, one stronger-point vote, "
        "your stance again.",
        "Only predictions score; your stance and your vote are never shown to anyone.",
        f"Open until {timestamp(FIRST_RUN + DAY)} ({timestamp(FIRST_RUN + DAY, 'R')}).",
    ]
    [button] = [posted.find_component(play_id(posted))]
    assert button is not None and button["label"] == "Play today's round"
    assert posted.content == "" and posted.allowed_mentions == NO_MENTIONS


async def test_players_play_privately_and_the_summary_adds_up(
    discord_standin: DiscordStandIn, database_at: Path | str
) -> None:
    standin, clock = discord_standin, new_clock()
    standin.add_user("dave")
    async with running_bot(standin, database_at, clock=clock) as bot:
        await schedule_set(standin)
        posted = await next_announcement(standin, bot, clock, FIRST_RUN)
        # Everyone starts unsure (2) and ends leaning or strongly yes (1, 0): the room moved towards yes.
        alice = await walk(standin, bot, posted, "alice", right=True, after=0)
        bob = await walk(standin, bot, posted, "bob", right=False, after=1)
        dave = await walk(standin, bot, posted, "dave", right=True, after=1)
        public_before_close = [m for m in standin.messages_in(standin.text_channel) if m.id != posted.id]
        await next_announcement(standin, bot, clock, FIRST_RUN + DAY)  # the close comes first, then round 2
        [summary] = summaries(standin)
    assert public_before_close == []  # nothing anyone did was posted for the room
    assert alice.seen[0].startswith("\nWhere do you stand?\n")
    assert "Right!\nPredict the rebuttal — Opening exchange\n" in alice.seen[2]
    assert "**+100 points. What the Liberal side actually said**" in alice.seen[2]
    assert "Not this time.\nPredict the rebuttal — Opening exchange\n" in bob.seen[2]
    picked = re.search(
        r"\*\*You picked ([A-D]); the reply was ([A-D])\. What the Liberal side actually said\*\*", bob.seen[2]
    )
    assert picked is not None and picked.group(1) != picked.group(2)
    first_buttons = alice.message.payloads[0]["components"][0]["components"]
    assert [b["label"] for b in first_buttons] == list(STANCE_SCALE)  # stances are chosen in words
    assert alice.seen[-1].split("\n") == [
        "Noted.",
        FINISHED,
        "Score: 100 points (1 of 1 predictions right).",
        "Your streak: 1 round in a row.",
        "The room's results are posted when the round closes.",
    ]
    assert bob.seen[-1].split("\n")[2] == "Score: 0 points (0 of 1 predictions right)."
    assert alice.message.ephemeral and alice.message.components == []
    assert dave.message.visible_to == standin.user("dave").id
    shift = (sum(STANCE_VALUES[a] for a in (0, 1, 1)) - 3 * STANCE_VALUES[2]) / 3
    assert summary.embeds[0]["title"] == "Daily round 1 is closed: Opening exchange"
    assert summary.embeds[0]["description"].split("\n") == [
        "Played by 3 (3 finished).",
        "Predicted the real rebuttal — 1: 67% of 3.",
        f"Stance shift: {shift:+.2f} on a ±4 scale (towards yes; 3 gave both stances).",
        "Top scores: Alice 100 (1/1), Dave 100 (1/1).",
    ]
    assert summary.allowed_mentions == NO_MENTIONS
    # The announcement says it closed, and its Play button is gone.
    assert posted.components == []
    assert posted.embeds[0]["description"].endswith("This round has closed; the results are in the summary below.")
    assert_no_pings(discord=standin)


async def test_streaks_and_leaderboards_over_two_days(discord_standin: DiscordStandIn, database_at: Path | str) -> None:
    standin, clock = discord_standin, new_clock()
    async with running_bot(standin, database_at, clock=clock) as bot:
        await schedule_set(standin)
        first = await next_announcement(standin, bot, clock, FIRST_RUN)
        await walk(standin, bot, first, "alice", right=True)
        await walk(standin, bot, first, "bob", right=False)
        second = await next_announcement(standin, bot, clock, FIRST_RUN + DAY)
        alice = await walk(standin, bot, second, "alice", right=True)
        bob = await walk(standin, bot, second, "bob", right=True)
        week = await standin.slash("debate", subcommand="leaderboard show", user="bob")
        everything = await standin.slash("debate", {"period": "all"}, subcommand="leaderboard show", user="alice")
        latest = await standin.slash("debate", {"period": "round"}, subcommand="leaderboard show", user="alice")
    assert second.embeds[0]["title"] == "Daily round 2: Safety first"
    assert "Your streak: 2 rounds in a row." in alice.seen[-1].split("\n")
    assert "Your streak: 2 rounds in a row." in bob.seen[-1].split("\n")
    assert week.ephemeral
    assert week.content == (
        "Leaderboard — This week:\n"
        "1. Alice — 200 pts, 100% accuracy (2/2), 2 rounds\n"
        "2. Bob — 100 pts, 50% accuracy (1/2), 2 rounds"
    )
    assert everything.content == week.content.replace("This week", "All time")
    assert latest.content == (
        "Leaderboard — Daily round 2:\n"
        "1. Alice — 100 pts, 100% accuracy (1/1), 1 round\n"
        "2. Bob — 100 pts, 100% accuracy (1/1), 1 round"
    )


async def test_an_opted_out_player_is_never_named(discord_standin: DiscordStandIn, database_at: Path | str) -> None:
    standin, clock = discord_standin, new_clock()
    mallory = standin.add_user("mallory")
    mallory.global_name = "@everyone **Mallory**"
    async with running_bot(standin, database_at, clock=clock) as bot:
        await schedule_set(standin)
        out = await standin.slash("debate", subcommand="leaderboard opt-out", user="alice")
        posted = await next_announcement(standin, bot, clock, FIRST_RUN)
        await walk(standin, bot, posted, "alice", right=True)
        await walk(standin, bot, posted, "bob", right=True)
        await walk(standin, bot, posted, "mallory", right=True)
        await next_announcement(standin, bot, clock, FIRST_RUN + DAY)
        [summary] = summaries(standin)
        hidden = await standin.slash("debate", {"period": "all"}, subcommand="leaderboard show", user="bob")
        back = await standin.slash("debate", subcommand="leaderboard opt-in", user="alice")
        shown = await standin.slash("debate", {"period": "all"}, subcommand="leaderboard show", user="bob")
    assert out.ephemeral and out.content is not None and out.content.startswith("You're off the leaderboards")
    description = summary.embeds[0]["description"]
    assert description.startswith("Played by 3 (3 finished).\nPredicted the real rebuttal — 1: 100% of 3.\n")
    # A display name is shown literally: it cannot ping or format.
    assert description.endswith("Top scores: @\u200beveryone \\*\\*Mallory\\*\\* 100 (1/1), Bob 100 (1/1).")
    assert "Alice" not in str(summary.payloads)
    assert hidden.content == (
        "Leaderboard — All time:\n"
        "1. @\u200beveryone \\*\\*Mallory\\*\\* — 100 pts, 100% accuracy (1/1), 1 round\n"
        "2. Bob — 100 pts, 100% accuracy (1/1), 1 round"
    )
    assert back.content == "You're on the leaderboards in this server again."
    assert shown.content is not None and "Alice — 100 pts, 100% accuracy (1/1), 1 round" in shown.content
    assert summary.allowed_mentions == NO_MENTIONS


async def test_a_deleted_announcement_does_not_hold_back_the_summary(
    discord_standin: DiscordStandIn, database_at: Path | str
) -> None:
    standin, clock = discord_standin, new_clock()
    async with running_bot(standin, database_at, clock=clock) as bot:
        await schedule_set(standin)
        posted = await next_announcement(standin, bot, clock, FIRST_RUN)
        await walk(standin, bot, posted, "alice")
        posted.deleted = True  # a moderator removed it; retiring its button fails with 404
        await next_announcement(standin, bot, clock, FIRST_RUN + DAY)
        [summary] = summaries(standin)
    assert summary.embeds[0]["description"].startswith("Played by 1 (1 finished).")


async def test_private_buttons_work_after_a_restart(discord_standin: DiscordStandIn, database_at: Path | str) -> None:
    standin, clock = discord_standin, new_clock()
    async with running_bot(standin, database_at, clock=clock) as bot:
        await schedule_set(standin)
        posted = await next_announcement(standin, bot, clock, FIRST_RUN)
        opened = await walk(standin, bot, posted, "alice", stop_after=1)
    async with running_bot(standin, database_at, clock=clock):
        # The same private message, clicked on the restarted bot: it picks up at the prediction.
        clicked = await standin.click(opened.message, opened.message.custom_ids()[0], user="alice")
        again = await standin.click(posted, play_id(posted), user="alice")
    assert clicked.callback_type == 7
    assert opened.message.content in ("Right!", "Not this time.")
    assert again.message is not None and again.message.custom_ids() == ["rebuttal:round:continue:1:1"]  # at the reveal
    assert len(announcements(standin)) == 1  # the restart posted nothing again
