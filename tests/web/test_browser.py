"""A teacher in real Chromium: the link from the Slack stand-in's direct message, the game, a
question, the CSV and XLSX downloads read back; refused links; the keyboard alone; axe-core
on every page."""

from __future__ import annotations

import csv
import io
import re
import socket
from datetime import timedelta
from pathlib import Path

from openpyxl import load_workbook
from playwright.async_api import Page

from bot.signin import LINK_LIFETIME
from bot.web.app import serving_site
from tests.slack.harness import TEACHER, running_bot, settle, start_game
from tests.slack.test_results import STUDENTS, play
from tests.standins.slack_server import SlackStandIn
from tests.web.browser import chromium, needs_chromium, serious_violations

pytestmark = needs_chromium


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def link_from_dm(s: SlackStandIn) -> str:
    """The sign-in link in the bot's direct message to the teacher (the only place it is sent)."""
    [message] = await s.wait_for(lambda: [m for m in s.dms_to(TEACHER) if "results on the web" in m.text])
    found = re.search(r"https?://\S+", message.text)
    assert found is not None, message.text
    return found[0]


async def assert_accessible(page: Page) -> None:
    violations = await serious_violations(page)
    assert violations == [], (page.url, violations)


async def test_a_teacher_follows_the_link_from_chat_and_reads_the_results(
    slack_standin: SlackStandIn, database_at: Path | str
) -> None:
    s = slack_standin
    s.add_user("U3", "carol", real_name="Carol Chen", display_name="carol")
    port = free_port()
    site = f"http://127.0.0.1:{port}"
    async with running_bot(s, database_at, "socket", web_url=site) as (bot, slack):
        ref = await start_game(bot, s, slack)
        await play(bot, ref)
        await settle(bot, s)
        core = bot.games.core
        async with serving_site(bot.games.service.database, core.signin, "127.0.0.1", port):
            await slack.slash("/debate", "results", user=TEACHER)
            link = await link_from_dm(s)
            assert link.startswith(f"{site}/signin?token=")
            # The link went to the teacher's DM only: no channel message carries it.
            assert not any("/signin?token=" in m.text for m in s.messages_in("C0GENERAL"))

            async with chromium() as browser:
                context = await browser.new_context(accept_downloads=True)
                page = await context.new_page()
                await page.goto(link)
                assert page.url == f"{site}/games"  # the token left the address bar
                assert (
                    await page.get_by_role("cell", name=re.compile(r"^#general")).count() == 1
                )  # by name, not C0GENERAL
                await assert_accessible(page)
                await page.get_by_role("link", name=f"Game {ref.game_id}", exact=True).click()
                assert page.url == f"{site}/games/{ref.game_id}"
                await page.get_by_role("heading", name="Every question").wait_for()
                assert await page.get_by_text("Real reply:").count() >= 1
                await assert_accessible(page)

                await page.get_by_role("link", name="Question 1", exact=True).first.click()
                assert page.url.startswith(f"{site}/games/{ref.game_id}/questions/1")
                rows = page.locator("table.options tbody tr")
                assert await rows.count() >= 2  # every option, with its text and share
                await assert_accessible(page)
                # Printed: the content only (no navigation, forms or downloads).
                await page.emulate_media(media="print")
                assert not await page.locator("header.site").is_visible()
                assert not await page.locator("section.downloads").is_visible()
                assert await page.locator("table.options").is_visible()
                await page.emulate_media(media="screen")
                assert await page.locator("header.site").is_visible()

                async with page.expect_download() as csv_download:
                    await page.get_by_role("link", name=re.compile(r"^Questions with option texts")).click()
                questions_csv = Path(await (await csv_download.value).path()).read_bytes()
                table = list(csv.reader(io.StringIO(questions_csv.decode("utf-8-sig"))))
                assert len(table) > 2 and any("yes" in cell.lower() for row in table for cell in row)

                async with page.expect_download() as xlsx_download:
                    await page.get_by_role("link", name=re.compile(r"\(XLSX\)$")).click()
                download = await xlsx_download.value
                assert download.suggested_filename == f"game-{ref.game_id}-report.xlsx"
                book = load_workbook(io.BytesIO(Path(await download.path()).read_bytes()))
                assert len(book.sheetnames) >= 3  # a sheet per view
                students = next(book[n] for n in book.sheetnames if n.lower().startswith("students"))
                labels = [row[0] for row in students.iter_rows(min_row=2, values_only=True) if row[0]]
                assert labels and all(str(label).startswith("Student ") for label in labels)
                assert len(labels) == len(STUDENTS)

                for path in (
                    f"/games/{ref.game_id}/students",
                    f"/games/{ref.game_id}/students?names=1",
                    "/class?channel=C0GENERAL",
                    "/rounds",
                    "/games/999999",
                ):
                    await page.goto(site + path)
                    await assert_accessible(page)
                await context.close()


async def test_refused_links_and_the_keyboard_alone(slack_standin: SlackStandIn, database_at: Path | str) -> None:
    s = slack_standin
    port = free_port()
    site = f"http://127.0.0.1:{port}"
    async with running_bot(s, database_at, "socket", web_url=site) as (bot, slack):
        ref = await start_game(bot, s, slack)
        await play(bot, ref)
        await settle(bot, s)
        signin = bot.games.core.signin
        database = bot.games.service.database
        async with database.write() as uow:
            other = await uow.games.ensure_workspace("slack", "T-OTHER")
        async with serving_site(database, signin, "127.0.0.1", port), chromium() as browser:
            page = await browser.new_page()

            # Another workspace's link signs in to that workspace only: our game is a 404.
            theirs = await signin.link(other)
            assert theirs is not None
            await page.goto(theirs)
            assert page.url == f"{site}/games"
            assert await page.get_by_role("link", name=f"Game {ref.game_id}", exact=True).count() == 0
            response = await page.goto(f"{site}/games/{ref.game_id}")
            assert response is not None and response.status == 404
            await page.context.clear_cookies()

            # A tampered link and an expired one: the plain 403 page, nothing else.
            good = await signin.link(ref.workspace_id)
            assert good is not None
            tampered = good[:-2] + ("xx" if not good.endswith("xx") else "yy")
            response = await page.goto(tampered)
            assert response is not None and response.status == 403
            assert await page.get_by_role("heading", name="Not signed in").count() == 1
            await assert_accessible(page)
            real_clock = signin.clock
            signin.clock = lambda: real_clock() + LINK_LIFETIME + timedelta(minutes=1)
            response = await page.goto(good)
            assert response is not None and response.status == 403
            signin.clock = real_clock

            # The keyboard alone: from the top of the games page to a game and a question.
            await page.goto(good)
            await page.keyboard.press("Tab")
            assert await page.evaluate("document.activeElement.textContent") == "Skip to content"
            await tab_to(page, f"/games/{ref.game_id}")
            await page.keyboard.press("Enter")
            await page.wait_for_url(f"{site}/games/{ref.game_id}")
            await tab_to(page, f"/games/{ref.game_id}/questions/")
            await page.keyboard.press("Enter")
            await page.wait_for_url(re.compile(rf"{re.escape(site)}/games/{ref.game_id}/questions/\d+"))
            # Focus is visible: the focused link has an outline.
            await tab_to(page, f"/games/{ref.game_id}")
            outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline not in ("", "none")


async def tab_to(page: Page, href_part: str, limit: int = 80) -> None:
    """Press Tab until a link whose address contains ``href_part`` has the focus."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        href = await page.evaluate("document.activeElement && document.activeElement.getAttribute('href')")
        if href and href_part in href:
            return
    raise AssertionError(f"no link to {href_part} reached with Tab on {page.url}")


async def test_the_accessibility_check_can_fail() -> None:
    """axe-core really runs: a page with an unlabelled image and field is flagged."""
    async with chromium() as browser:
        page = await browser.new_page()
        await page.set_content('<html><body><img src="x.png"><input type="text"></body></html>')
        found = {v["id"] for v in await serious_violations(page)}
    assert {"image-alt", "label"} <= found
