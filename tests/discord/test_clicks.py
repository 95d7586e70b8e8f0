"""Answer clicks: one answer per player, changes until the close, nothing after it."""

from __future__ import annotations

from pathlib import Path

from tests.discord.harness import answer_ids, host_id, is_closed, running_bot, start_debate, step_messages, the_game
from tests.standins.discord_server import DiscordStandIn


async def test_double_click_counts_one_answer(discord_standin: DiscordStandIn, database_at: Path | str) -> None:
    standin = discord_standin
    async with running_bot(standin, database_at) as bot:
        _, thread = await start_debate(standin)
        [question] = step_messages(standin, thread)
        first = await standin.click(question, answer_ids(question)[2], user="alice")
        second = await standin.click(question, answer_ids(question)[2], user="alice")
        assert first.content == second.content == "Locked in: Unsure — you can change it until the question closes."
        changed = await standin.click(question, answer_ids(question)[4], user="alice")
        assert changed.content == "Locked in: Strongly no — you can change it until the question closes."
        state = await bot.services.games.load(await the_game(bot))
        assert [a.option for a in state.answers.values()] == [4]
        await standin.wait_for(lambda: question.content == "1 answered")
        await standin.click(question, host_id(question, "next"), user="carol")
        await standin.wait_for(lambda: is_closed(question))
    assert question.content == "1 answered · closed"
    assert "Strongly no: 1 (100%)" in question.embeds[-1]["description"]


async def test_click_on_a_closed_question(discord_standin: DiscordStandIn, database_at: Path | str) -> None:
    standin = discord_standin
    async with running_bot(standin, database_at):
        _, thread = await start_debate(standin)
        [question] = step_messages(standin, thread)
        option = answer_ids(question)[0]
        await standin.click(question, host_id(question, "next"), user="carol")
        await standin.wait_for(lambda: is_closed(question))
        # A client still showing the enabled button (the close raced the click) sends it anyway.
        payload = standin.build_interaction(
            3, {"custom_id": option, "component_type": 2}, user="alice", message=question
        )
        late = await standin.send_interaction(payload)
        assert late.ephemeral and late.content == "This question is closed."
        await standin.click(question, host_id(question, "next"), user="carol")
        await standin.wait_for(lambda: len(step_messages(standin, thread)) == 2)
        older = await standin.send_interaction(
            standin.build_interaction(3, {"custom_id": option, "component_type": 2}, user="alice", message=question)
        )
    assert older.ephemeral and older.content == "This question is closed."


async def test_answer_counter_is_rate_bounded(discord_standin: DiscordStandIn, database_at: Path | str) -> None:
    standin = discord_standin
    for name in ("dave", "erin", "frank"):
        standin.add_user(name)
    # The window is wide enough that five clicks fit in it even on a loaded machine (at 0.5 s
    # this test failed about one run in five under a full parallel suite).
    async with running_bot(standin, database_at, counter_interval=3.0):
        _, thread = await start_debate(standin)
        [question] = step_messages(standin, thread)
        for number, player in enumerate(("alice", "bob", "dave", "erin", "frank")):
            await standin.click(question, answer_ids(question)[number], user=player)
        await standin.wait_for(lambda: question.content == "5 answered", timeout=10.0)
    counts = [p["content"] for p in question.payloads if "answered" in (p.get("content") or "")]
    # Two edits: the first at once, the rest folded into one. The first shows the count as
    # stored when it is drawn, which may already include the next click or two.
    assert len(counts) == 2 and counts[-1] == "5 answered"
    assert counts[0] in {"1 answered", "2 answered", "3 answered", "4 answered"}


async def test_stale_host_button_does_not_skip_a_step(discord_standin: DiscordStandIn, database_at: Path | str) -> None:
    standin = discord_standin
    async with running_bot(standin, database_at) as bot:
        _, thread = await start_debate(standin)
        [question] = step_messages(standin, thread)
        stale_next = host_id(question, "next")  # drawn while the question was open
        as_first_shown = question.to_api()
        await standin.click(question, stale_next, user="carol")
        await standin.wait_for(lambda: is_closed(question))
        # A second quick click, sent by a client that had not yet seen the reveal's edit.
        payload = standin.build_interaction(
            3, {"custom_id": stale_next, "component_type": 2}, user="carol", message=question
        )
        payload["message"] = as_first_shown
        again = await standin.send_interaction(payload)
        assert (
            again.content
            == "That button was drawn for an earlier step and the game has moved on; use the current controls."
        )
        assert (await bot.services.games.load(await the_game(bot))).step == 0


async def test_folded_count_lands_on_the_next_question(
    discord_standin: DiscordStandIn, database_at: Path | str
) -> None:
    standin = discord_standin
    async with running_bot(standin, database_at, counter_interval=0.5):
        _, thread = await start_debate(standin)
        [stance] = step_messages(standin, thread)
        await standin.click(stance, answer_ids(stance)[0], user="alice")  # edited at once
        await standin.click(stance, answer_ids(stance)[1], user="bob")  # folded into a later edit
        await standin.click(stance, host_id(stance, "skip"), user="carol")  # closed: the stance shows 2
        await standin.wait_for(lambda: len(step_messages(standin, thread)) == 2)
        turn = step_messages(standin, thread)[1]
        await standin.click(turn, host_id(turn, "next"), user="carol")
        await standin.wait_for(lambda: len(step_messages(standin, thread)) == 3)
        predict = step_messages(standin, thread)[2]
        await standin.click(predict, answer_ids(predict)[0], user="alice")  # while the folded edit is pending
        await standin.wait_for(lambda: predict.content == "1 answered")
    assert stance.content == "2 answered · closed"


async def test_two_quick_next_clicks_move_one_step(discord_standin: DiscordStandIn, database_at: Path | str) -> None:
    standin = discord_standin
    async with running_bot(standin, database_at) as bot:
        _, thread = await start_debate(standin)
        [question] = step_messages(standin, thread)
        next_id = host_id(question, "next")
        first = await standin.click(question, next_id, user="carol", wait=False)
        second = await standin.click(question, next_id, user="carol", wait=False)
        await standin.wait_for(lambda: first.callback_type and second.callback_type)
        await standin.wait_for(lambda: is_closed(question))
        state = await bot.services.games.load(await the_game(bot))
        assert (state.step, state.phase) == (0, "revealed")
    assert sorted([first.content or "", second.content or ""]) == [
        "Question closed.",
        "That button was drawn for an earlier step and the game has moved on; use the current controls.",
    ]
