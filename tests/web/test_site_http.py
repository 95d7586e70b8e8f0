"""The results site over plain HTTP: sign-in, refusals, headers, CSRF, rate limiting."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from bot.signin import LINK_LIFETIME
from bot.web.security import FAILURE_LIMIT
from bot.web.sessions import COOKIE
from tests.web.site import running_site


async def test_a_link_signs_in_with_a_safe_cookie_and_leaves_the_address_bar(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site:
        response = await site.client.get(await site.link_path(), allow_redirects=False)
        assert response.status == 303 and response.headers["Location"] == "/games"
        cookie = response.headers["Set-Cookie"]
        assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert "Secure" not in cookie  # plain HTTP on loopback; see the HTTPS test
        games = await site.client.get("/games")
        assert games.status == 200
        page = await games.text()
        assert f'href="/games/{site.game.game_id}"' in page
        assert f'href="/games/{site.elsewhere.game_id}"' not in page  # another workspace's game is not listed


async def test_over_https_the_cookie_is_secure(tmp_path: Path) -> None:
    async with running_site(tmp_path, base_url="https://results.example.org") as site:
        response = await site.client.get(await site.link_path(), allow_redirects=False)
        assert "Secure" in response.headers["Set-Cookie"]


async def test_every_page_carries_the_security_headers(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site:
        await site.sign_in()
        for path in ("/games", "/signin?token=nonsense", "/nowhere", "/static/site.css"):
            response = await site.client.get(path, allow_redirects=False)
            policy = response.headers["Content-Security-Policy"]
            assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy
            assert "'unsafe-inline'" not in policy and "script-src" not in policy  # no script at all
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Referrer-Policy"] == "no-referrer"
        page = await (await site.client.get("/games")).text()
        assert "<script" not in page and "style=" not in page and "<style" not in page


async def test_without_a_valid_link_every_page_is_a_plain_403(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site:
        bodies = set()
        for path in ("/games", f"/games/{site.game.game_id}", "/games/999999", "/class", "/rounds"):
            response = await site.client.get(path)
            assert response.status == 403
            bodies.add(await response.text())
        [body] = bodies  # one page for every refusal: nothing tells an existing game from a missing one
        assert "Not signed in" in body and "Game" not in body
        good = await site.link_path()
        tampered = good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")
        assert (await site.client.get(tampered, allow_redirects=False)).status == 403
        assert (await site.client.get("/signin", allow_redirects=False)).status == 403
        forged_cookie = {COOKIE: "eyJ3IjoxLCJnIjowfQ.forged"}
        assert (await site.client.get("/games", cookies=forged_cookie)).status == 403


async def test_an_expired_link_is_refused_and_a_revoked_one_too(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site:
        old = await site.link_path()
        site.clock.tick((LINK_LIFETIME + timedelta(seconds=1)).total_seconds())
        assert (await site.client.get(old, allow_redirects=False)).status == 403
        fresh = await site.link_path()
        await site.signin.revoke(site.game.workspace_id)
        assert (await site.client.get(fresh, allow_redirects=False)).status == 403
        assert (await site.client.get(await site.link_path(), allow_redirects=False)).status == 303


async def test_another_workspaces_game_is_a_404_like_a_missing_one(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site:
        await site.sign_in()
        theirs = await site.client.get(f"/games/{site.elsewhere.game_id}")
        missing = await site.client.get("/games/999999")
        assert theirs.status == missing.status == 404
        assert await theirs.text() == await missing.text()
        for path in (
            f"/games/{site.elsewhere.game_id}/students",
            f"/games/{site.elsewhere.game_id}/files/students.csv",
        ):
            assert (await site.client.get(path)).status == 404


async def test_changes_need_the_sessions_csrf_token(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site:
        await site.sign_in()
        page = await (await site.client.get("/games")).text()
        token = re.search(r'name="csrf" value="([^"]+)"', page)
        assert token is not None
        note = f"/games/{site.game.game_id}/notes"
        assert (await site.client.post(note, data={"note": "no token"})).status == 403
        assert (await site.client.post(note, data={"note": "bad", "csrf": "guess"})).status == 403
        saved = await site.client.post(
            note, data={"note": "Revisit the opening", "csrf": token[1]}, allow_redirects=False
        )
        assert saved.status == 303
        async with site.database.read() as uow:
            assert [n.body for n in await uow.web.notes(site.game)] == ["Revisit the opening"]
        theirs = await site.client.post(f"/games/{site.elsewhere.game_id}/notes", data={"note": "x", "csrf": token[1]})
        assert theirs.status == 404
        assert (await site.client.post("/access/revoke", data={})).status == 403  # no token: nothing revoked
        assert (await site.client.get("/games")).status == 200
        revoked = await site.client.post("/access/revoke", data={"csrf": token[1]}, allow_redirects=False)
        assert revoked.status == 303
        assert (await site.client.get("/games")).status == 403  # the session went with the links


async def test_failed_sign_ins_are_rate_limited_per_address(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site:
        for _ in range(FAILURE_LIMIT):
            assert (await site.client.get("/signin?token=wrong", allow_redirects=False)).status == 403
        assert (await site.client.get("/signin?token=wrong", allow_redirects=False)).status == 429
        # Even a good link waits: the address is blocked, not the token.
        assert (await site.client.get(await site.link_path(), allow_redirects=False)).status == 429


async def test_a_bad_date_filter_is_a_clear_400(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site:
        await site.sign_in()
        response = await site.client.get("/games?since=yesterday")
        assert response.status == 400
        assert "is not a date like 2026-03-01" in await response.text()
