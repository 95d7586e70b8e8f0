"""A restart mid-question: a new bot on the same database file and stand-in carries on."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from bot.engine.commands import Advanced
from bot.games.service import utc_now
from tests.discord.harness import answer_ids, host_id, is_closed, running_bot, start_debate, step_messages, the_game
from tests.standins.discord_server import DiscordStandIn
from tests.waiting import until


async def test_click_on_old_message_after_restart(discord_standin: DiscordStandIn, database_at: Path | str) -> None:
    standin, db = discord_standin, database_at
    async with running_bot(standin, db) as first:
        _, thread = await start_debate(standin)
        [question] = step_messages(standin, thread)
        await standin.click(question, answer_ids(question)[0], user="alice")
        await standin.wait_for(lambda: question.content == "1 answered")
        ref = await the_game(first)
    posted_before = len(standin.messages_in(thread))

    async with running_bot(standin, db) as second:
        assert len(standin.messages_in(thread)) == posted_before  # resumed without reposting
        rec = await standin.click(question, answer_ids(question)[3], user="bob")
        assert rec.content == "Locked in: Lean no — you can change it until the question closes."
        await standin.wait_for(lambda: question.content == "2 answered")  # the old message, edited in place
        state = await second.services.games.load(ref)
        assert {a.player: a.option for a in state.answers.values()} == {
            str(standin.user("alice").id): 0,
            str(standin.user("bob").id): 3,
        }
        closed = await standin.click(question, host_id(question, "next"), user="carol")
        assert closed.content == "Question closed."
        await standin.wait_for(lambda: is_closed(question))
        assert "Strongly yes: 1 (50%)" in question.embeds[-1]["description"]
        assert "Lean no: 1 (50%)" in question.embeds[-1]["description"]
        moved = await standin.click(question, host_id(question, "next"), user="carol")
        assert moved.content == "Moved on."
        await standin.wait_for(lambda: len(step_messages(standin, thread)) == 2)
        assert (await second.services.games.load(ref)).step == 1


async def test_deadlines_are_rearmed_on_restart(discord_standin: DiscordStandIn, database_at: Path | str) -> None:
    standin, db = discord_standin, database_at
    async with running_bot(standin, db):
        _, thread = await start_debate(standin, timer=5)
        [question] = step_messages(standin, thread)
        await standin.click(question, answer_ids(question)[1], user="alice")
    assert not is_closed(question)

    def an_hour_later() -> datetime:  # the question's timer ran out while the bot was down
        return utc_now() + timedelta(hours=1)

    async with running_bot(standin, db, clock=an_hour_later):
        await standin.wait_for(lambda: is_closed(question))
        assert question.content == "1 answered · closed"
        assert "Lean yes: 1 (100%)" in question.embeds[-1]["description"]


async def test_a_step_a_crash_left_unposted_is_posted_on_restart(
    discord_standin: DiscordStandIn, database_at: Path | str
) -> None:
    """The host's "next" twice: question 0 closed, turn 1 shown, both committed; the process
    dies before drawing either. The next process posts turn 1 and draws question 0's reveal."""
    standin, db = discord_standin, database_at
    async with running_bot(standin, db) as first:
        _, thread = await start_debate(standin)
        [question] = step_messages(standin, thread)
        ref = await the_game(first)
        host = str(standin.user("carol").id)
        for _ in range(2):  # what the crash left: committed through the service, never drawn
            outcome = await first.services.games.handle(ref, Advanced(host, False, utc_now()))
            assert outcome.accepted
        assert await first.services.games.message_of(ref, 1) is None and not is_closed(question)

    def a_minute_later() -> datetime:  # the crash was a while ago: nobody is posting it now
        return utc_now() + timedelta(minutes=1)

    async with running_bot(standin, db, clock=a_minute_later) as second:
        await standin.wait_for(lambda: len(step_messages(standin, thread)) == 2)
        await standin.wait_for(lambda: is_closed(question))
        shown = step_messages(standin, thread)[1]

        async def recorded() -> bool:
            return await second.services.games.message_of(ref, 1) == str(shown.id)

        await until(recorded, "turn 1's message recorded")
        assert question.embeds[-1]["title"] == "Results"
        assert await second.services.runner.post_unposted() == 0  # nothing left to post
