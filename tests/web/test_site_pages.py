"""Every page's downloads over HTTP, read back; the daily-rounds page with real rounds."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook

from bot.signin import SignIn
from bot.web.app import build_site
from bot.web.downloads import CLASS_FILES, GAME_FILES, LIST_FILES, ROUNDS_FILES
from tests.engine.helpers import ManualClock
from tests.rounds.helpers import PLATFORM, at, player, scheduled
from tests.rounds.test_round_service import STRONGLY_NO, STRONGLY_YES, finish, open_round
from tests.web.site import running_site

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def check_file(name: str, content_type: str, disposition: str, body: bytes) -> None:
    """The file is an attachment of the right type whose contents read back."""
    assert disposition.startswith("attachment; filename=") and disposition.endswith(f'{name}"'), disposition
    if name.endswith(".csv"):
        assert content_type == "text/csv" and body.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        assert len(rows) >= 2 and all(rows[0])
    elif name.endswith(".xlsx"):
        book = load_workbook(io.BytesIO(body))
        assert book.sheetnames and book[book.sheetnames[0]].max_row >= 2
    elif name.endswith(".json"):
        assert content_type == "application/json" and json.loads(body)
    elif name.endswith(".png"):
        assert content_type == "image/png" and body.startswith(PNG_MAGIC)
    else:
        assert content_type == "image/svg+xml" and b"<svg" in body[:2000]


async def test_every_game_and_class_download_reads_back(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site:
        await site.sign_in()
        for name in GAME_FILES:
            response = await site.client.get(f"/games/{site.game.game_id}/files/{name}")
            assert response.status == 200, name
            check_file(name, response.content_type, response.headers["Content-Disposition"], await response.read())
        named = await site.client.get(f"/games/{site.game.game_id}/files/students.csv?names=1")
        assert "Zoë" in (await named.read()).decode("utf-8-sig")
        anonymous = await site.client.get(f"/games/{site.game.game_id}/files/students.csv")
        assert "Zoë" not in (await anonymous.read()).decode("utf-8-sig")
        for name in CLASS_FILES:
            response = await site.client.get(f"/class/files/{name}?channel=room-7")
            assert response.status == 200, name
            check_file(name, response.content_type, response.headers["Content-Disposition"], await response.read())
        assert (await site.client.get("/class/files/students.csv?channel=room-1")).status == 404  # the other school's
        for name in LIST_FILES:
            response = await site.client.get(f"/games/files/{name}?channel=room-7")
            assert response.status == 200, name
            check_file(name, response.content_type, response.headers["Content-Disposition"], await response.read())
        listing = json.loads(await (await site.client.get("/games/files/games.json")).read())
        assert [g["Game"] for g in listing["games"]] == [site.game.game_id]  # this workspace's only
        nothing = await site.client.get("/games/files/games.csv?channel=room-1")
        assert (await nothing.read()).decode("utf-8-sig").count("\n") == 1  # the header alone
        assert (await site.client.get(f"/games/{site.game.game_id}/files/passwd")).status == 404
        anonymous_class = await (await site.client.get("/class?channel=room-7")).text()
        named_class = await (await site.client.get("/class?channel=room-7&names=1")).text()
        assert "Zoë" not in anonymous_class and "Student 01" in anonymous_class and "Zoë" in named_class
        for page in (f"/games/{site.game.game_id}", f"/games/{site.game.game_id}/questions/1", "/class?channel=room-7"):
            html = await (await site.client.get(page)).text()
            assert "Real reply:" in html or "Student 01" in html, page


async def test_the_daily_rounds_page_shows_summaries_streaks_and_leaderboards(tmp_path: Path) -> None:
    clock = ManualClock(at(2026, 1, 5, 8, 0))
    async with scheduled(tmp_path / "r.db", clock) as (rounds, scheduler, _):
        first = await open_round(scheduler, clock, 5)
        await finish(rounds, first, player("ann"), right=3, before=STRONGLY_NO, after=STRONGLY_YES)
        await finish(rounds, first, player("bob"), right=1)
        second = await open_round(scheduler, clock, 6)
        await finish(rounds, second, player("ann"), right=2)
        await open_round(scheduler, clock, 7)
        async with rounds.database.read() as uow:
            workspace = await uow.games.find_workspace(PLATFORM, player("ann").workspace_id)
        assert workspace is not None
        signin = SignIn(rounds.database, "http://127.0.0.1", clock, environ={})
        link = await signin.link(workspace)
        assert link is not None
        async with TestClient(TestServer(build_site(rounds.database, signin), host="127.0.0.1")) as client:
            await client.get(link.removeprefix("http://127.0.0.1"))
            page = await (await client.get("/rounds")).text()
            assert "Round 1" in page and "Round 2" in page and "Round 3" in page
            assert "Ann" in page and "Bob" in page  # the leaderboards
            assert "(open)" in page  # round 3 is still open
            for name in ROUNDS_FILES:
                response = await client.get(f"/rounds/files/{name}")
                assert response.status == 200, name
                body = await response.read()
                check_file(name, response.content_type, response.headers["Content-Disposition"], body)
            data = json.loads(await (await client.get("/rounds/files/rounds.json")).read())
            assert [r["Round"] for r in data["rounds"]] == [3, 2, 1]
            assert data["leaderboards"][0]["Player"] == "Ann"
