"""Daily rounds, continued (issue 7, items 6–8): managing schedules and who may, hostile and
late clicks, and the one mention the bot may make (the schedule's role)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from adapters.discord.round_render import timestamp
from bot.identity import Player
from tests.discord.harness import TEACHERS_ONLY, running_bot
from tests.discord.rounds_harness import (
    DAY,
    FIRST_RUN,
    announcements,
    at,
    new_clock,
    next_announcement,
    play_id,
    quietly,
    round_id,
    schedule_set,
    summaries,
    text_of,
    walk,
)
from tests.discord.test_hostile import forge
from tests.standins.discord_server import DiscordStandIn

NO_MENTIONS: dict[str, list[str]] = {"parse": []}
NOT_RECOGNISED = "This button is not recognised any more; use the newest message in the thread."


async def test_only_teachers_manage_schedules(discord_standin: DiscordStandIn, database_at: Path | str) -> None:
    standin = discord_standin
    async with running_bot(standin, database_at, clock=new_clock()):
        refused = [
            await schedule_set(standin, user="bob"),
            *[
                await standin.slash("debate", subcommand=f"schedule {action}", user="bob")
                for action in ("show", "pause", "resume", "remove")
            ],
            await standin.slash("debate", subcommand="season new", user="alice"),
        ]
        season = await standin.slash("debate", subcommand="season new", user="carol")
        shown = await standin.slash("debate", subcommand="schedule show", user="carol")
    assert all(r.ephemeral and r.content == TEACHERS_ONLY for r in refused), [r.content for r in refused]
    assert season.ephemeral and season.content is not None and season.content.startswith("Season 2 has begun")
    assert shown.content == "No daily rounds are scheduled in this server. Set one with /debate schedule set."


@pytest.mark.parametrize(
    ("options", "reply"),
    [
        ({"time": "25:00"}, "“25:00” is not a time; use HH:MM on a 24-hour clock, like 08:30."),
        ({"closes": "7pm"}, "“7pm” is not a time; use HH:MM on a 24-hour clock, like 08:30."),
        ({"zone": "Mars/Olympus"}, "Unknown time zone 'Mars/Olympus'; use an IANA name like Europe/Berlin."),
        ({"days": "mon,funday"}, "'funday' is not a day; use mon, tue, wed, thu, fri, sat, sun."),
        ({"debates": "bike-lanes, nope"}, "No debate called nope; see the library for the ids."),
    ],
)
async def test_bad_schedule_settings_are_refused_privately(
    discord_standin: DiscordStandIn, database_at: Path | str, options: dict[str, str], reply: str
) -> None:
    standin = discord_standin
    async with running_bot(standin, database_at, clock=new_clock()) as bot:
        refused = await schedule_set(standin, options)
        schedules = await bot.services.rounds.schedules_in_workspace(
            await bot.services.games.workspace_id("discord", str(standin.guild.id))
        )
    assert refused.ephemeral and refused.content == reply
    assert schedules == []


async def test_show_pause_resume_remove(discord_standin: DiscordStandIn, database_at: Path | str) -> None:
    standin, clock = discord_standin, new_clock()
    hall = standin.channel("debate-hall")
    moderator = standin.role("Moderator")
    async with running_bot(standin, database_at, clock=clock) as bot:
        nothing = await standin.slash("debate", subcommand="schedule pause", user="carol")
        await schedule_set(
            standin, {"days": "mon-fri", "channel": hall, "role": moderator, "debates": "bike-lanes", "closes": "16:00"}
        )
        shown = await standin.slash("debate", subcommand="schedule show", user="carol")
        paused = await standin.slash("debate", {"channel": hall}, subcommand="schedule pause", user="carol")
        await quietly(bot, clock, FIRST_RUN)  # paused: nothing at the instant
        missed = announcements(standin, hall)
        resumed = await standin.slash("debate", subcommand="schedule resume", user="carol", channel=hall)
        await quietly(bot, clock, FIRST_RUN + timedelta(minutes=5))  # no catch-up for the missed run
        caught_up = announcements(standin, hall)
        posted = await next_announcement(standin, bot, clock, FIRST_RUN + DAY, channel=hall)
        as_posted = text_of(posted)
        removed = await standin.slash("debate", subcommand="schedule remove", user="carol", channel=hall)
        after = await standin.slash("debate", subcommand="schedule show", user="carol")
        await quietly(bot, clock, FIRST_RUN + 2 * DAY)
    assert nothing.content == "There is no daily round scheduled in this channel."
    assert shown.content == (
        "Daily rounds in this server:\n"
        f"• <#{hall.id}>: 10:30 Europe/Berlin, Monday to Friday; closes at 16:00; pings <@&{moderator.id}>; "
        f"debates: `bike-lanes` (next round {timestamp(FIRST_RUN)})."
    )
    assert paused.content == f"Paused the daily round of <#{hall.id}>; /debate schedule resume starts it again."
    assert missed == [] and caught_up == []
    assert resumed.content == f"Resumed: the next round in <#{hall.id}> posts {timestamp(FIRST_RUN + DAY)}."
    assert as_posted.startswith(f"<@&{moderator.id}>\nDaily round 1: Opening exchange\n")
    closes = (FIRST_RUN + DAY).replace(hour=15, minute=0)  # 16:00 in Berlin
    assert f"Open until {timestamp(closes)}" in as_posted
    assert removed.content == f"Removed the daily round of <#{hall.id}>. A round still open runs until it closes."
    assert after.content == "No daily rounds are scheduled in this server. Set one with /debate schedule set."
    # Removed: no new round, but the open one still closed with its summary.
    assert len(announcements(standin, hall)) == 1 and len(summaries(standin, hall)) == 1
    assert standin.messages_in(standin.text_channel) == []  # the schedule was for #debate-hall only


FORGED = [
    ("rebuttal:round:play:999999", "That round isn't in this workspace."),
    ("rebuttal:round:answer:999999:0:0", "That round isn't in this workspace."),
    ("rebuttal:round:continue:999999:1", "That round isn't in this workspace."),
    ("rebuttal:round:play:99999999999999999999999", NOT_RECOGNISED),
    ("rebuttal:round:answer:1:99999999999999999999:0", NOT_RECOGNISED),
    ("rebuttal:round:answer:1:0", NOT_RECOGNISED),
    ("rebuttal:round:stop:1", NOT_RECOGNISED),
]


@pytest.mark.parametrize(("custom_id", "reply"), FORGED)
async def test_forged_round_buttons_are_refused_privately(
    discord_standin: DiscordStandIn, database_at: Path | str, custom_id: str, reply: str
) -> None:
    standin, clock = discord_standin, new_clock()
    async with running_bot(standin, database_at, clock=clock) as bot:
        await schedule_set(standin)
        posted = await next_announcement(standin, bot, clock, FIRST_RUN)
        forge(posted, custom_id)
        record = await standin.click(posted, custom_id, user="bob")
    assert record.ephemeral and record.content == reply


async def test_a_round_button_forged_onto_the_public_post_answers_privately(
    discord_standin: DiscordStandIn, database_at: Path | str
) -> None:
    standin, clock = discord_standin, new_clock()
    async with running_bot(standin, database_at, clock=clock) as bot:
        await schedule_set(standin)
        posted = await next_announcement(standin, bot, clock, FIRST_RUN)
        public_text = text_of(posted)
        forged = f"rebuttal:round:answer:{round_id(posted)}:0:1"
        forge(posted, forged)
        record = await standin.click(posted, forged, user="bob")
    assert record.callback_type == 4 and record.ephemeral  # a new private message, not an edit
    assert record.message is not None and "Step 2 of 4" in text_of(record.message)
    assert text_of(posted) == public_text and len(posted.payloads) == 1


async def test_old_steps_and_closed_rounds(discord_standin: DiscordStandIn, database_at: Path | str) -> None:
    standin, clock = discord_standin, new_clock()
    async with running_bot(standin, database_at, clock=clock) as bot:
        await schedule_set(standin)
        posted = await next_announcement(standin, bot, clock, FIRST_RUN)
        as_posted, play = posted.to_api(), play_id(posted)
        opened = await standin.click(posted, play_id(posted), user="alice")
        private = opened.message
        assert private is not None
        as_opened = private.to_api()
        stance = private.custom_ids()[2]
        await standin.click(private, stance, user="alice")
        # A second click on the first step, from a client that had not seen the edit yet.
        payload = standin.build_interaction(
            3, {"custom_id": stance, "component_type": 2}, user="alice", message=private
        )
        payload["message"] = as_opened
        stale = await standin.send_interaction(payload)
        stale_text = text_of(private)
        again = await standin.click(posted, play_id(posted), user="alice")  # Play again: resumes
        await walk(standin, bot, posted, "bob", stop_after=1)  # bob is part-way when the round closes
        bob_private = standin.ephemeral_responses_for("bob")[-1]
        await next_announcement(standin, bot, clock, FIRST_RUN + DAY)
        await standin.wait_for(lambda: posted.components == [])
        late = await standin.click(bob_private, bob_private.custom_ids()[0], user="bob")
        payload = standin.build_interaction(3, {"custom_id": play, "component_type": 2}, user="bob", message=posted)
        payload["message"] = as_posted  # the Play button, as a client that missed the close still shows it
        late_play = await standin.send_interaction(payload)
        progress = await bot.services.rounds.play(int(play.rsplit(":", 1)[1]), _player(standin, "alice"), "Alice")
    assert stale.callback_type == 7
    assert stale_text.startswith("You've already answered that one.\nPredict the rebuttal")  # where she really is
    assert again.message is not None and "(Step 2 of 4)" in text_of(again.message)
    assert progress.progress.answered == 1  # the stale click recorded nothing
    assert late.callback_type == 7 and bob_private.content == "This round has closed."
    assert bob_private.components == [] and bob_private.embeds[0]["title"] == "This round has closed"
    assert late_play.ephemeral and late_play.content == "This round has closed."


async def test_the_role_is_pinged_only_when_configured(
    discord_standin: DiscordStandIn, database_at: Path | str
) -> None:
    standin, clock = discord_standin, new_clock()
    hall = standin.channel("debate-hall")
    moderator = standin.role("Moderator")
    async with running_bot(standin, database_at, clock=clock) as bot:
        everyone = await schedule_set(standin, {"role": standin.role("@everyone")})
        await schedule_set(standin, {"role": moderator})
        await schedule_set(standin, {"channel": hall})
        await at(bot, clock, FIRST_RUN)
        await standin.wait_for(lambda: announcements(standin) and announcements(standin, hall))
        [pinging] = announcements(standin)
        [quiet] = announcements(standin, hall)
        await next_announcement(standin, bot, clock, FIRST_RUN + DAY)
        [summary] = summaries(standin)
    assert everyone.content == "Choose a role to ping, not @everyone (or leave role: out to ping nobody)."
    assert pinging.content == f"<@&{moderator.id}>"
    assert pinging.payloads[0]["allowed_mentions"] == {"parse": [], "roles": [moderator.id]}
    assert quiet.content == "" and quiet.allowed_mentions == NO_MENTIONS
    assert summary.allowed_mentions == NO_MENTIONS
    # The edit that closes the announcement pings nobody again.
    assert all(p.get("allowed_mentions") == NO_MENTIONS for p in pinging.payloads[1:]) and len(pinging.payloads) == 2


def _player(standin: DiscordStandIn, name: str) -> Player:
    return Player("discord", str(standin.guild.id), str(standin.user(name).id))
