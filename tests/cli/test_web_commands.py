"""``rebuttal web``, ``rebuttal web link`` and ``rebuttal web revoke`` as real processes."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from pathlib import Path

import aiohttp

from tests.cli.helpers import cli_env, played_database, rebuttal
from tests.waiting import until


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_the_site_alone_signs_in_with_a_printed_link_until_it_is_revoked(tmp_path: Path) -> None:
    database = played_database(tmp_path / "games.db")
    port = free_port()
    printed = rebuttal("web", "link", "--workspace", "local", "--port", str(port), "--db", str(database))
    assert printed.returncode == 0, printed.stderr
    link = printed.stdout.strip()
    assert link.startswith(f"http://localhost:{port}/signin?token=") and "send it privately" in printed.stderr
    server = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "web", "--port", str(port), "--db", str(database)],
        env=cli_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:  # cookies for an IP

            async def listening() -> bool:
                try:
                    async with http.get(f"http://127.0.0.1:{port}/games") as response:
                        return response.status == 403
                except aiohttp.ClientConnectionError:
                    return False

            await until(listening, "the site to listen", 30)
            async with http.get(link.replace("localhost", "127.0.0.1")) as response:
                assert response.status == 200 and str(response.url).endswith("/games")
                assert 'href="/games/1"' in await response.text()
            revoked = await asyncio.to_thread(rebuttal, "web", "revoke", "--workspace", "local", "--db", str(database))
            assert revoked.returncode == 0, revoked.stderr
            async with http.get(f"http://127.0.0.1:{port}/games") as response:
                assert response.status == 403  # the session went with the links
            http.cookie_jar.clear()
            async with http.get(link.replace("localhost", "127.0.0.1")) as response:
                assert response.status == 403
    finally:
        server.terminate()
        server.wait(10)
        assert server.stderr is not None
        server.stderr.close()


def test_links_need_a_known_workspace_and_an_existing_database(tmp_path: Path) -> None:
    database = played_database(tmp_path / "games.db")
    unknown = rebuttal("web", "link", "--workspace", "T-NOPE", "--db", str(database))
    assert unknown.returncode == 1
    assert "no workspace 'T-NOPE' in this database" in unknown.stderr and unknown.stdout == ""
    missing = rebuttal("web", "link", "--workspace", "local", "--db", str(tmp_path / "typo.db"))
    assert missing.returncode == 2 and "no such database" in missing.stderr
    assert not (tmp_path / "typo.db").exists()


def test_run_takes_a_web_port() -> None:
    from bot.cli import build_parser
    from bot.cli.web_commands import site_beside

    args = build_parser().parse_args(["run", "slack", "--web-port", "8123"])
    site = site_beside(args)
    assert site is not None and (site.host, site.port) == ("127.0.0.1", 8123)
    assert site_beside(build_parser().parse_args(["run", "discord"])) is None
