"""Typed controls in the game's thread or channel, and the pause/resume buttons."""

from __future__ import annotations

import asyncio
from pathlib import Path

import discord
import pytest

from adapters.discord.game_commands import NO_THREAD_PERMISSION
from bot.engine.state import Phase
from tests.discord.harness import answer_ids, host_id, is_closed, running_bot, start_debate, step_messages, the_game
from tests.standins.discord_server import DiscordStandIn
from tests.waiting import until


async def test_typed_controls_in_thread_and_channel(discord_standin: DiscordStandIn, database_at: Path | str) -> None:
    standin = discord_standin
    async with running_bot(standin, database_at) as bot:
        _, thread = await start_debate(standin)
        [question] = step_messages(standin, thread)
        ref = await the_game(bot)
        refused = await standin.slash("debate", subcommand="next", user="alice", channel=thread)
        closed = await standin.slash("debate", subcommand="next", user="carol", channel=thread)
        await standin.wait_for(lambda: is_closed(question))
        paused = await standin.slash("debate", subcommand="pause", user="carol", channel=standin.text_channel)
        await standin.wait_for(lambda: standin.messages_in(thread)[-1].content == "⏸ The debate is paused.")
        notice = standin.messages_in(thread)[-1]
        while_paused = await standin.slash("debate", subcommand="skip", user="carol", channel=thread)
        resumed = await standin.click(notice, host_id(notice, "resume"), user="carol")
        await standin.wait_for(lambda: standin.messages_in(thread)[-1].content == "▶ The debate goes on.")
        skipped = await standin.slash("debate", subcommand="skip", user="carol", channel=thread)
        await standin.wait_for(lambda: len(step_messages(standin, thread)) == 2)
        elsewhere = await standin.slash("debate", subcommand="end", user="carol", channel="debate-hall")
        assert (await bot.services.games.load(ref)).step == 1
    assert refused.ephemeral and refused.content == "Only the host or a teacher can control the game."
    assert closed.content == "Question closed."
    assert paused.content == "Paused."
    assert while_paused.content == "The game is paused; wait for the host to resume it."
    assert resumed.content == "Resumed."
    assert skipped.content == "Moved on."
    assert elsewhere.content == "No debate is running here. Use this in a debate's thread or channel."


async def test_only_one_debate_per_channel(discord_standin: DiscordStandIn, database_at: Path | str) -> None:
    standin = discord_standin
    async with running_bot(standin, database_at):
        _, thread = await start_debate(standin)
        second = await standin.slash("debate", {"debate": "bike-lanes"}, subcommand="start", user="carol")
        unknown = await standin.slash(
            "debate", {"debate": "nope"}, subcommand="start", user="carol", channel="debate-hall"
        )
        in_thread = await standin.slash(
            "debate", {"debate": "bike-lanes"}, subcommand="start", user="carol", channel=thread
        )
        [question] = step_messages(standin, thread)
        await standin.click(question, answer_ids(question)[0], user="alice")
    assert second.content == f"A debate is already running here in <#{thread.id}>; end it first (/debate end there)."
    assert unknown.content == "There is no debate “nope” here; /debate library lists them."
    assert in_thread.content == "Run /debate start in a text channel: the debate gets a thread there."
    assert len(standin.threads) == 1


async def test_start_without_thread_permission_says_what_is_missing(
    discord_standin: DiscordStandIn, database_at: Path | str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The stand-in does not check permissions, so Discord's 403 is reproduced at the HTTP layer.
    async def forbidden(self: discord.TextChannel, **kwargs: object) -> discord.Thread:
        raise discord.Forbidden(_Response(), {"code": 50013, "message": "Missing Permissions"})

    monkeypatch.setattr(discord.TextChannel, "create_thread", forbidden)
    async with running_bot(discord_standin, database_at) as bot:
        rec = await discord_standin.slash("debate", {"debate": "bike-lanes"}, subcommand="start", user="carol")
        await discord_standin.wait_for(lambda: rec.message is not None and not rec.message.loading)
        assert await bot.services.games.running_games() == []
    assert rec.message is not None and rec.message.content == NO_THREAD_PERMISSION


class _Response:
    status = 403
    reason = "Forbidden"


async def test_start_settings_reach_the_game(discord_standin: DiscordStandIn, database_at: Path | str) -> None:
    standin = discord_standin
    async with running_bot(standin, database_at) as bot:
        too_short = await standin.slash(
            "debate", {"debate": "bike-lanes", "timer": 4}, subcommand="start", user="carol"
        )
        await start_debate(standin, mode="timed", timer=20, speed_bonus=True, streak_bonus=True)
        state = await bot.services.games.load(await the_game(bot))
        assert bot.services.runner.pending_timers() == 1  # timed: the question closes on its own
    assert too_short.content == "A question timer must be between 5 and 3600 seconds."
    assert state.settings.mode == "timed" and state.settings.question_seconds == 20
    assert state.settings.speed_bonus and state.settings.streak_bonus
    assert state.deadline is not None


async def test_debate_commands_are_registered(discord_standin: DiscordStandIn, database_at: Path | str) -> None:
    async with running_bot(discord_standin, database_at):
        pass
    debate = discord_standin.command("debate")
    assert debate is not None
    assert [o["name"] for o in debate["options"]] == [
        "start",
        "next",
        "pause",
        "resume",
        "skip",
        "end",
        "library",
        "import",
        "settings",
        "forget-me",
        "results",
        "schedule",
        "leaderboard",
        "season",
    ]
    groups = {o["name"]: o for o in debate["options"] if o["type"] == 2}
    assert {name: [s["name"] for s in g["options"]] for name, g in groups.items()} == {
        "schedule": ["set", "show", "pause", "resume", "remove"],
        "leaderboard": ["show", "opt-out", "opt-in"],
        "season": ["new"],
    }
    schedule_set = next(o for o in groups["schedule"]["options"] if o["name"] == "set")
    assert [(o["name"], o["type"], o.get("required", False)) for o in schedule_set["options"]] == [
        ("time", 3, True),
        ("zone", 3, True),
        ("days", 3, False),
        ("channel", 7, False),
        ("role", 8, False),
        ("debates", 3, False),
        ("closes", 3, False),
    ]
    results = next(o for o in debate["options"] if o["name"] == "results")
    assert [(o["name"], o["type"], o.get("required", False)) for o in results["options"]] == [
        ("game", 4, False),
        ("names", 5, False),
    ]
    assert next(o for o in results["options"] if o["name"] == "game").get("min_value") == 1
    start = next(o for o in debate["options"] if o["name"] == "start")
    assert [(o["name"], o.get("autocomplete", False)) for o in start["options"]][:2] == [
        ("debate", True),
        ("mode", False),
    ]
    assert debate.get("contexts") == [0] or debate.get("dm_permission") is False  # servers only


async def test_next_while_the_question_is_still_being_recorded_closes_it(
    discord_standin: DiscordStandIn, database_at: Path | str
) -> None:
    """The host's "/debate next" can be handled while the bot is still recording the id of the
    question it just posted (Discord's reply to the post is slow): the reveal waits for that
    and closes the question, rather than finding no message and drawing nothing."""
    standin = discord_standin
    async with running_bot(standin, database_at) as bot:
        standin.rest.hold_post_replies = slow_replies = asyncio.Event()
        _, thread = await start_debate(standin)
        [question] = step_messages(standin, thread)  # in the channel; the bot has not heard back yet
        ref = await the_game(bot)
        closed = await standin.slash("debate", subcommand="next", user="carol", channel=thread)

        async def revealed() -> bool:
            return (await bot.services.games.load(ref)).phase is Phase.REVEALED

        await until(revealed, "the question closed in the database")
        standin.rest.hold_post_replies = None
        slow_replies.set()
        await standin.wait_for(lambda: is_closed(question))
    assert closed.content == "Question closed."
