"""Nothing the bot posts can ping, and names and cards are shown literally."""

from __future__ import annotations

from pathlib import Path

from tests.discord.harness import (
    CARD_LINES,
    answer_ids,
    bot_payloads,
    host_id,
    posts_after,
    running_bot,
    small_pack,
    start_debate,
    step_messages,
)
from tests.standins.discord_server import DiscordStandIn

NO_MENTIONS: dict[str, list[str]] = {"parse": []}


async def test_everyone_in_a_name_and_a_card_pings_nobody(
    discord_standin: DiscordStandIn, database_at: Path | str
) -> None:
    standin = discord_standin
    mallory = standin.add_user("mallory")
    mallory.global_name = "@everyone **Mallory**"
    lines = list(CARD_LINES)
    lines[0] = "Should towns build bike lanes? @everyone @here <@&123456789012345678> **now**"
    lines[3] = "Bike lanes empty shops @everyone: customers who drive cannot park, and __sales__ fall."
    pack = small_pack(lines, "pings")
    async with running_bot(standin, database_at, pack=pack):
        started, thread = await start_debate(standin, debate="pings")
        [stance] = step_messages(standin, thread)
        await standin.click(stance, answer_ids(stance)[0], user="mallory")
        await standin.click(stance, host_id(stance, "next"), user="carol")
        await standin.wait_for(lambda: stance.content.endswith("closed"))
        await standin.click(stance, host_id(stance, "next"), user="carol")
        await standin.wait_for(lambda: len(step_messages(standin, thread)) == 2)
        turn = step_messages(standin, thread)[1]
        count = len(standin.messages_in(thread))
        await standin.click(turn, host_id(turn, "end"), user="carol")
        await standin.wait_for(lambda: len(standin.messages_in(thread)) > count)
    board = standin.messages_in(thread)[-1].embeds[0]
    assert board["description"] == "1. @\u200beveryone \\*\\*Mallory\\*\\* — 0 pts (0 correct)"
    assert (
        started.message is not None
        and "@\u200beveryone @\u200bhere <@\u200b&123456789012345678> \\*\\*now\\*\\*" in started.message.content
    )
    assert "@\u200beveryone" in stance.embeds[0]["description"]
    assert (
        "shops @\u200beveryone: customers who drive cannot park, and \\_\\_sales\\_\\_ fall."
        in turn.embeds[0]["description"]
    )
    assert thread.name.startswith("Should towns build bike lanes? @everyone")  # a thread name cannot ping
    payloads = bot_payloads(standin)
    assert len(payloads) >= 10
    assert all(p.get("allowed_mentions") == NO_MENTIONS for p in payloads), [
        p for p in payloads if p.get("allowed_mentions") != NO_MENTIONS
    ]
    for interaction in standin.interactions:
        data = interaction.callback_data
        if data and "content" in data:
            assert data.get("allowed_mentions") == NO_MENTIONS


async def test_long_texts_fit_in_an_embed(discord_standin: DiscordStandIn, database_at: Path | str) -> None:
    standin = discord_standin
    lines = list(CARD_LINES)
    lines[3] = "Bike lanes empty *shops*. " + "More words about parking. " * 150  # ~3,900 characters
    lines[5] = "Studies of retail streets find cyclists spend more. " + "And more again. " * 230
    lines[8] = "Protected lanes cut injuries for everyone. " + "Fewer crashes. " * 250
    lines[6:6] = [f"Not said: Shops did fine, says study {n}. " + "And more besides. " * 200 for n in (1, 2, 3)]
    async with running_bot(standin, database_at, pack=small_pack(lines, "long")):
        _, thread = await start_debate(standin, debate="long")
        for _ in range(2):  # past the stance question and the opening turn
            message = step_messages(standin, thread)[-1]
            count = len(standin.messages_in(thread))
            await standin.click(message, host_id(message, "skip"), user="carol")
            await posts_after(standin, thread, count)
        predict = step_messages(standin, thread)[-1]
    description = predict.embeds[0]["description"]
    assert len(description) <= 4096
    assert description.startswith("**Conservative said**\nBike lanes empty \\*shops\\*. More words")
    assert "**What did the Liberal side actually reply?**" in description
    assert all(f"\n**{letter}.** " in description for letter in "ABCD")
    assert description.count("…") == 5  # the said turn and all four options were shortened, evenly
