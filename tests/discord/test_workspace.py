"""Per-server commands: import, library, settings, forget-me (daily-round leaderboards: test_daily_rounds)."""

from __future__ import annotations

from pathlib import Path

from bot.content.text_input import MAX_CONTENT_BYTES
from tests.discord.harness import (
    CARD_LINES,
    PACK_ID,
    TEACHERS_ONLY,
    answer_ids,
    card_text,
    running_bot,
    start_debate,
    step_messages,
    the_game,
)
from tests.standins.discord_server import DiscordStandIn


async def test_import_with_errors_lists_them(discord_standin: DiscordStandIn, database_at: Path | str) -> None:
    standin = discord_standin
    broken = CARD_LINES[:13] + CARD_LINES[22:25]  # three sections missing
    async with running_bot(standin, database_at) as bot:
        rec = await standin.slash(
            "debate", {"file": standin.upload("lanes.txt", card_text(broken))}, subcommand="import", user="carol"
        )
        await standin.wait_for(lambda: rec.message is not None and not rec.message.loading)
        library = await bot.services.workspaces.library(
            await bot.services.games.workspace_id("discord", str(standin.guild.id))
        )
    assert rec.ephemeral and rec.message is not None
    assert rec.message.content.split("\n") == [
        "lanes.txt has 3 problems; nothing was imported:",
        "• lanes.txt:16: the card has no 'Liberal's hardest question' section",
        "• lanes.txt:16: the card has no 'Sources' section",
        "• lanes.txt:16: the card has no 'The Divide' section",
    ]
    assert list(library.packs) == [PACK_ID]  # nothing was added


async def test_long_error_lists_are_trimmed(discord_standin: DiscordStandIn, database_at: Path | str) -> None:
    standin = discord_standin
    unknown_fields = "\n".join(f"unknown_field_{i}: x" for i in range(200)).encode()
    async with running_bot(standin, database_at):
        rec = await standin.slash(
            "debate", {"file": standin.upload("bad.yaml", unknown_fields)}, subcommand="import", user="carol"
        )
        await standin.wait_for(lambda: rec.message is not None and not rec.message.loading)
        big = await standin.slash(
            "debate",
            {"file": standin.upload("big.txt", b"x" * (MAX_CONTENT_BYTES + 1))},
            subcommand="import",
            user="carol",
        )
        await standin.wait_for(lambda: big.message is not None and not big.message.loading)
    assert rec.message is not None and len(rec.message.content) <= 2000
    lines = rec.message.content.split("\n")
    assert lines[0] == "bad.yaml has 212 problems; nothing was imported:"
    assert lines[1] == "• bad.yaml:1: agreement: Field required"
    assert lines[-1] == f"…and {212 - (len(lines) - 2)} more."
    assert big.message is not None
    assert (
        big.message.content == f"big.txt is {MAX_CONTENT_BYTES + 1:,} bytes; the limit is {MAX_CONTENT_BYTES:,} bytes."
    )


async def test_import_adds_a_debate_for_this_server_only(
    discord_standin: DiscordStandIn, database_at: Path | str
) -> None:
    standin = discord_standin
    other = standin.add_guild("Other School", text_channels=["lobby"], users=["carol"])
    mine = list(CARD_LINES)
    mine[0] = "Should towns ban cars from the centre?"
    async with running_bot(standin, database_at):
        refused = await standin.slash(
            "debate", {"file": standin.upload("cars.txt", card_text(mine))}, subcommand="import", user="alice"
        )
        rec = await standin.slash(
            "debate", {"file": standin.upload("cars.txt", card_text(mine))}, subcommand="import", user="carol"
        )
        await standin.wait_for(lambda: rec.message is not None and not rec.message.loading)
        here = await standin.slash("debate", subcommand="library", user="alice")
        there = await standin.slash("debate", subcommand="library", user="carol", channel="lobby")
        found = await standin.autocomplete(
            "debate", {"debate": "cars"}, subcommand="start", focused="debate", user="carol"
        )
        _, thread = await start_debate(standin, debate="cars")
    assert refused.content == TEACHERS_ONLY
    assert rec.message is not None
    assert rec.message.content == "Added “Should towns ban cars from the centre?” (id `cars`) to this server's library."
    assert "`cars` — Should towns ban cars from the centre?" in (here.content or "")
    assert "`cars`" not in (there.content or "") and f"`{PACK_ID}`" in (there.content or "")
    assert found.choices == [{"name": "Should towns ban cars from the centre?", "value": "cars"}]
    assert thread.name == "Should towns ban cars from the centre?"
    assert other.name == "Other School"


async def test_forget_me_after_confirmation(discord_standin: DiscordStandIn, database_at: Path | str) -> None:
    standin = discord_standin
    async with running_bot(standin, database_at) as bot:
        _, thread = await start_debate(standin)
        [question] = step_messages(standin, thread)
        await standin.click(question, answer_ids(question)[1], user="alice")
        ref = await the_game(bot)
        asked = await standin.slash("debate", subcommand="forget-me", user="alice")
        assert asked.ephemeral and asked.message is not None
        assert (
            asked.content
            == "This deletes your answers and scores in every debate played in this server. It cannot be undone."
        )
        assert (await bot.services.games.load(ref)).answers  # nothing deleted before confirming
        [confirm] = asked.message.custom_ids()
        done = await standin.click(asked.message, confirm, user="alice")
        state = await bot.services.games.load(ref)
    assert done.callback_type == 7
    assert asked.message.content.startswith("Done: your answers and scores in this server are deleted (")
    assert asked.message.components == []
    alice = str(standin.user("alice").id)
    assert alice not in state.answers and alice not in state.players


async def test_teacher_role_and_leaderboard(discord_standin: DiscordStandIn, database_at: Path | str) -> None:
    standin = discord_standin
    moderator = standin.role("Moderator")
    async with running_bot(standin, database_at):
        refused = await standin.slash("debate", {"debate": PACK_ID}, subcommand="start", user="bob")
        not_allowed = await standin.slash("debate", {"teacher_role": moderator}, subcommand="settings", user="bob")
        set_role = await standin.slash("debate", {"teacher_role": moderator}, subcommand="settings", user="carol")
        shown = await standin.slash("debate", subcommand="settings", user="alice")
        _, thread = await start_debate(standin, user="bob")
        [question] = step_messages(standin, thread)
        await standin.click(question, answer_ids(question)[0], user="alice")
        ended = await standin.slash("debate", subcommand="end", user="carol", channel=thread)
        await standin.wait_for(lambda: standin.messages_in(thread)[-1].content == "🏁 The debate is over.")
        board = await standin.slash("debate", subcommand="leaderboard show", user="bob")
    assert refused.content == TEACHERS_ONLY
    assert not_allowed.content == "Only members with Manage Server or Manage Channels can change who is a teacher."
    assert set_role.content == f"Teacher role set to <@&{moderator.id}>."
    assert shown.content is not None and shown.content.startswith(f"Teacher role: <@&{moderator.id}>.")
    assert ended.content == "The game has ended."
    # Anyone may look; classroom games do not count towards the daily-round leaderboards.
    assert board.ephemeral
    assert board.content == "Leaderboard — This week:\nNo one has played a daily round in this period yet."
