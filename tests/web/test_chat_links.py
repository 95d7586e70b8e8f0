"""``/debate results`` on Discord: the sign-in link is ephemeral (only the teacher sees it),
sent only when a site is served, and the channel's name is recorded when a game starts."""

from __future__ import annotations

import re
from pathlib import Path

from adapters.discord.app import build_bot
from bot.content.library import Library
from bot.store.database import Database
from tests.discord.harness import small_pack, start_debate, the_game
from tests.discord.test_results import results
from tests.standins.discord_server import DiscordStandIn

SITE = "https://results.school.example"


async def test_the_link_is_ephemeral_and_opens_the_teachers_workspace(
    discord_standin: DiscordStandIn, database_at: Path | str
) -> None:
    standin = discord_standin
    pack = small_pack()
    async with Database.open(database_at) as database:
        bot = build_bot(database, library=Library({pack.id: pack}), counter_interval=0.05, web_url=SITE)
        async with standin.run(bot):
            _, thread = await start_debate(standin)
            ref = await the_game(bot)
            rec = await results(standin, channel=thread)
            await standin.wait_for(lambda: any(SITE in m.content for m in rec.followups))
            [linked] = [m for m in rec.followups if SITE in m.content]
            assert linked.ephemeral and linked.visible_to == standin.user("carol").id
            found = re.search(rf"<({re.escape(SITE)}/signin\?token=[^>]+)>", linked.content)
            assert found is not None, linked.content  # in <…>: Discord fetches no preview of it
            assert not any("/signin?token=" in m.content for m in standin.messages if not m.ephemeral)
            grant = await bot.services.signin.check(found[1].removeprefix(f"{SITE}/signin?token="))
            assert grant is not None and grant.workspace_id == ref.workspace_id
            async with database.read() as uow:
                [listed] = await uow.web.games(ref.workspace_id)
            assert listed.channel_name == "general"  # the stand-in's #general, where /debate start ran


async def test_without_a_site_no_link_is_sent(discord_standin: DiscordStandIn, database_at: Path | str) -> None:
    standin = discord_standin
    pack = small_pack()
    async with Database.open(database_at) as database:
        bot = build_bot(database, library=Library({pack.id: pack}), counter_interval=0.05)
        async with standin.run(bot):
            _, thread = await start_debate(standin)
            rec = await results(standin, channel=thread)
            await standin.wait_for(lambda: rec.message is not None and bool(rec.message.attachments))
    assert not any("/signin" in m.content for m in standin.messages)
