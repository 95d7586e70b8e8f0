"""Hostile and broken interactions to the Discord bot: an ephemeral error (or nothing the
user could mistake for success), never an unhandled exception; no token in any log line."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from adapters.discord.app import build_bot
from bot.content.library import Library
from bot.store.database import Database
from tests.discord.harness import PACK_ID, answer_ids, running_bot, small_pack, start_debate, step_messages
from tests.standins.discord_server import DiscordStandIn

TOKEN_FOR_THIS_TEST = "MTIzNDU2Nzg5MDEyMzQ1Njc4.secret-looking.token-value-xyz"


FORGED_IDS = [
    "rebuttal:answer:999999:0:0",  # no such game
    "rebuttal:answer:99999999999999999999999:0:0",  # a game id past SQLite's integers
    "rebuttal:answer:1:99999999999999999999:0",  # absurd step
    "rebuttal:answer:1:0:99",  # no such option
    "rebuttal:host:1:0:open:explode",  # no such control
    "rebuttal:host:99999999999999999999999:0:open:next",
    "rebuttal:answer:" + "9" * 20 + ":0:0",  # 20 digits: one past the bound
    "rebuttal:answer:" + "9" * 5000 + ":0:0",  # past int()'s 4,300-digit limit
    "rebuttal:answer:1:0:0\n",  # a valid id but for a trailing newline
    "rebuttal:host:1:0:s:next\n",
    "rebuttal:share:1\n",
    "rebuttal:share:" + "9" * 20,
    "rebuttal:round:play:1\n",
    "rebuttal:round:play:" + "9" * 5000,
    "rebuttal:forget:1\n",
]


def forge(message: object, custom_id: str) -> None:
    """Put ``custom_id`` on the first button of ``message``: Discord only delivers clicks on
    components a message really carries, so a forgery has to start there (a modified client,
    or a message edited by someone with the bot's token)."""
    rows = message.components  # type: ignore[attr-defined]
    rows[0]["components"][0]["custom_id"] = custom_id


@pytest.mark.parametrize("custom_id", FORGED_IDS)
async def test_forged_button_ids_are_refused_privately(
    discord_standin: DiscordStandIn, database_at: Path | str, custom_id: str
) -> None:
    standin = discord_standin
    async with running_bot(standin, database_at):
        _, thread = await start_debate(standin)
        [question] = step_messages(standin, thread)
        forge(question, custom_id)
        record = await standin.click(question, custom_id, user="bob", timeout=5)
    assert record.ephemeral, (custom_id, record.content)
    assert record.content and "Locked in" not in record.content


async def test_the_token_never_reaches_the_logs(
    discord_standin: DiscordStandIn, database_at: Path | str, all_logs: list[logging.LogRecord]
) -> None:
    standin = discord_standin
    async with Database.open(database_at) as database:
        bot = build_bot(database, library=Library({PACK_ID: small_pack()}))
        async with standin.run(bot, token=TOKEN_FOR_THIS_TEST):
            _, thread = await start_debate(standin)
            [question] = step_messages(standin, thread)
            await standin.click(question, answer_ids(question)[0], user="bob")
    assert all_logs, "nothing was logged: the check would prove nothing"
    for record in all_logs:
        text = record.getMessage() + repr(record.args)
        assert TOKEN_FOR_THIS_TEST not in text, f"{record.name} logged the token: {text[:200]}"
