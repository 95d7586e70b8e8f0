"""``rebuttal run slack|discord … --web-port P`` as real processes: the bot and the site share
one database, and the link ``/debate results`` sends privately opens the site."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import aiohttp

from adapters.discord.entry import API_BASE_VARIABLE, GATEWAY_VARIABLE, TOKEN_VARIABLE
from adapters.slack.entry import EVENTS_PATH
from tests.crash.test_sigkill_discord import TOKEN, until_ready
from tests.discord.harness import start_debate
from tests.discord.test_results import results
from tests.engines import database_option
from tests.slack.test_entry import free_port, listening
from tests.standins.discord_server import DiscordStandIn
from tests.standins.slack_drivers import HttpDriver
from tests.standins.slack_server import SlackStandIn, SlackUser

ROOT = Path(__file__).parents[2]


async def test_the_bot_serves_the_site_beside_it(database_at: Path | str) -> None:
    users = [SlackUser("UADMIN", "admin", "Ada Admin", "ada", is_admin=True, is_owner=True)]
    async with SlackStandIn(users=users) as standin:
        port, web_port = free_port(), free_port()
        env = {
            **{k: v for k, v in os.environ.items() if k not in ("REBUTTAL_WEB_URL", "REBUTTAL_WEB_SECRET")},
            "PYTHONPATH": str(ROOT),
            "SLACK_BOT_TOKEN": standin.bot_token,
            "SLACK_SIGNING_SECRET": standin.signing_secret,
            "REBUTTAL_SLACK_API_URL": standin.api_url,
        }
        command = [sys.executable, "-m", "bot.cli", "run", "slack", "--http", "--port", str(port)]
        command += ["--web-port", str(web_port), *database_option(database_at)]
        bot = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            await listening(port)
            await listening(web_port)
            url = f"http://127.0.0.1:{port}{EVENTS_PATH}"
            async with HttpDriver(standin, url, default_channel="C0GENERAL") as slack:
                assert (await slack.slash("/debate", "start voting-age-16", user="UADMIN")).acked
                await standin.wait_for(lambda: standin.messages_in("C0GENERAL"))
                assert (await slack.slash("/debate", "results", user="UADMIN")).acked
                [message] = await standin.wait_for(
                    lambda: [m for m in standin.dms_to("UADMIN") if "results on the web" in m.text]
                )
            found = re.search(r"http://localhost:(\d+)/signin\?token=\S+", message.text)
            assert found is not None and int(found[1]) == web_port, message.text
            jar = aiohttp.CookieJar(unsafe=True)  # cookies for an IP address
            async with (
                aiohttp.ClientSession(cookie_jar=jar) as http,
                http.get(found[0].replace("localhost", "127.0.0.1")) as response,
            ):
                assert response.status == 200 and str(response.url).endswith("/games")
                page = await response.text()
            assert 'href="/games/1"' in page and "#general" in page
        finally:
            bot.terminate()
            bot.wait(15)


async def test_the_discord_bot_serves_the_site_beside_it(tmp_path: Path, database_at: Path | str) -> None:
    log = tmp_path / "bot.log"
    web_port = free_port()
    async with DiscordStandIn(token=TOKEN, interaction_timeout=15.0) as standin:
        env = {
            **{k: v for k, v in os.environ.items() if k not in ("REBUTTAL_WEB_URL", "REBUTTAL_WEB_SECRET")},
            "PYTHONPATH": str(ROOT),
            TOKEN_VARIABLE: TOKEN,
            API_BASE_VARIABLE: standin.api_base,
            GATEWAY_VARIABLE: standin.gateway_url,
        }
        command = [sys.executable, "-m", "bot.cli", "run", "discord", *database_option(database_at)]
        command += ["--web-port", str(web_port)]
        with log.open("wb") as out:
            bot = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            await until_ready(standin, bot, log)
            await listening(web_port)
            _, thread = await start_debate(standin, debate="voting-age-16")
            rec = await results(standin, channel=thread)
            await standin.wait_for(lambda: any("/signin?token=" in m.content for m in rec.followups))
            [linked] = [m for m in rec.followups if "/signin?token=" in m.content]
            assert linked.ephemeral
            found = re.search(r"<(http://localhost:(\d+)/signin\?token=[^>]+)>", linked.content)
            assert found is not None and int(found[2]) == web_port, linked.content
            jar = aiohttp.CookieJar(unsafe=True)
            async with (
                aiohttp.ClientSession(cookie_jar=jar) as http,
                http.get(found[1].replace("localhost", "127.0.0.1")) as response,
            ):
                assert response.status == 200 and str(response.url).endswith("/games")
                assert "#general" in await response.text()
        finally:
            bot.terminate()
            bot.wait(15)
