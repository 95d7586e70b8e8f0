"""A whole debate played through the stand-in: start, three players, host controls, results."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest

from adapters.discord.context import RebuttalBot
from adapters.discord.replies import safe
from bot.content.library import load_library
from bot.content.model import Pack
from bot.engine.script import option_letter
from bot.games.presentation import scoreboard_lines, shift_line, thread_title
from bot.store.records import GameRef
from tests.discord.harness import (
    answer_ids,
    closes,
    host_id,
    is_closed,
    posts_after,
    running_bot,
    shows,
    small_pack,
    start_debate,
    step_messages,
    the_game,
)
from tests.standins.discord_server import DiscordStandIn
from tests.standins.mentions import assert_no_pings

PLAYERS = ("alice", "dave", "erin")


async def recorded(bot: RebuttalBot, ref: GameRef, step: int, message_id: str) -> None:
    """Wait until the bot has stored the step's message id: it does so once Discord has answered
    its post, which can be just after the stand-in shows the message (reads do not queue
    behind writes, so nothing else orders the two)."""
    for _ in range(250):
        if await bot.services.games.message_of(ref, step) == message_id:
            return
        await asyncio.sleep(0.02)
    assert await bot.services.games.message_of(ref, step) == message_id


@pytest.mark.parametrize("pack", [small_pack(), load_library().get("us-russia-normalization")], ids=lambda p: p.id)
async def test_complete_debate_in_a_thread(
    discord_standin: DiscordStandIn, database_at: Path | str, pack: Pack
) -> None:
    standin = discord_standin
    for name in ("dave", "erin"):
        standin.add_user(name)
    async with running_bot(standin, database_at, pack=pack) as bot:
        started, thread = await start_debate(standin, "carol", debate=pack.id)
        assert started.ephemeral and started.message is not None
        assert started.message.content == f"Started “{pack.question}” in <#{thread.id}>. You are the host."
        assert thread.name == pack.question[:100]
        assert thread.parent_id == standin.text_channel.id
        ref = await the_game(bot)
        assert await bot.services.games.thread_of(ref) == str(thread.id)

        refused_once = False
        answered_questions = 0
        while True:
            posted = step_messages(standin, thread)
            message = posted[-1]
            state = await bot.services.games.load(ref)
            await recorded(bot, ref, state.step, str(message.id))
            embed = message.embeds[0]
            assert embed["footer"]["text"] == f"Step {state.step + 1} of {len(state.script.steps) - 1}"
            options = answer_ids(message)
            if options:
                for number, player in enumerate(PLAYERS):
                    choice = (number + state.step) % len(options)
                    rec = await standin.click(message, options[choice], user=player)
                    expected = (
                        state.current.options[choice].text if state.current.kind == "stance" else option_letter(choice)
                    )
                    assert rec.ephemeral
                    assert rec.content == f"Locked in: {expected} — you can change it until the question closes."
                await shows(standin, message, "3 answered")
                answered_questions += 1
            if not refused_once:
                refusal = await standin.click(message, host_id(message, "next"), user="bob")
                assert refusal.ephemeral and refusal.content == "Only the host or a teacher can control the game."
                assert step_messages(standin, thread)[-1] is message and not is_closed(message)
                refused_once = True
            count = len(standin.messages_in(thread))
            moved = await standin.click(message, host_id(message, "next"), user="carol")
            assert moved.ephemeral
            if options:
                assert moved.content == "Question closed."
                await closes(standin, message)
                assert message.content == "3 answered · closed"
                assert [e["title"] for e in message.embeds][-1] == "Results"
                moved = await standin.click(message, host_id(message, "next"), user="carol")
            assert moved.content == "Moved on."
            newest = await posts_after(standin, thread, count)
            if newest.content == "🏁 The debate is over.":
                break

        final = standin.messages_in(thread)[-1]
        state = await bot.services.games.load(ref)
        pairs = await bot.services.games.stance_pairs(ref)
        pack = await bot.services.games.pack_of(ref)
    assert answered_questions == sum(1 for s in state.script.steps if s.kind.is_question)
    assert state.status == "ended"
    players = {k: replace(p, name=safe(p.name)) for k, p in state.players.items() if k != state.host}
    assert {p.name for p in players.values()} == {"Alice", "Dave", "Erin"}
    assert all(p.answered == answered_questions for p in players.values())
    [board] = final.embeds
    assert board["title"] == "Final scoreboard"
    assert board["description"] == "\n".join(scoreboard_lines(players))
    assert board["fields"][0]["value"].split("\n") == [
        shift_line(thread_title(pack, t.id), pairs.get(t.id, {})) for t in pack.all_threads()
    ]
    assert all(pairs.get(t.id) for t in pack.all_threads())  # everyone gave both stances
    assert "Carol" not in board["description"]  # the host ran the game without playing
    assert_no_pings(discord=standin)  # every post, edit and interaction response of the game
