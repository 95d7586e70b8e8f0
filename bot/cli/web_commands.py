"""``rebuttal web``: the results web site alone over a database, and sign-in links for it.

``rebuttal web --port P`` serves the site (no chat bot); ``rebuttal web link --workspace W``
prints a private sign-in link for one workspace (the operator sends it to its teacher);
``rebuttal web revoke --workspace W`` refuses every link and session of it made so far. The
link's address is ``$REBUTTAL_WEB_URL`` if set (a deployment's public address), else this
machine on ``--port``. ``SiteBeside`` is what ``rebuttal run … --web-port`` hands the bot.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.cli.database_args import add_database_options, existing_database
from bot.signin import SignIn, site_url
from bot.stopping import stop_on_signals
from bot.store.database import Database
from bot.store.interface import Store

if TYPE_CHECKING:
    Subcommands = argparse._SubParsersAction[argparse.ArgumentParser]

DEFAULT_PORT = 8080
PLATFORMS = ("discord", "slack", "console")


@dataclass(frozen=True)
class SiteBeside:
    """Implements ``bot.composition.Site``: the site on ``host:port`` beside a chat bot."""

    host: str
    port: int
    url: str | None

    @asynccontextmanager
    async def serving(self, database: Store, signin: SignIn) -> AsyncIterator[object]:
        from bot.web.app import serving_site

        async with serving_site(database, signin, self.host, self.port) as runner:
            yield runner


def site_beside(args: argparse.Namespace) -> SiteBeside | None:
    """The site ``rebuttal run … --web-port P [--web-host H]`` asks for, if any."""
    port = getattr(args, "web_port", None)
    if port is None:
        return None
    return SiteBeside(args.web_host, port, site_url(os.environ, port))


def add_site_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--web-port", type=int, metavar="P", help="also serve the results web site on port P")
    parser.add_argument(
        "--web-host", default="127.0.0.1", help="address the site listens on (default 127.0.0.1; 0.0.0.0 for all)"
    )


def register(commands: Subcommands) -> None:
    web = commands.add_parser("web", help="the results web site: serve it, or print a teacher's sign-in link")
    web.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port to serve on (default {DEFAULT_PORT})")
    web.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; 0.0.0.0 for all)")
    add_database_options(web)
    web.set_defaults(handler=run_site)
    tools = web.add_subparsers(dest="tool", metavar="TOOL")
    for name, handler, what in (
        ("link", run_link, "print a private sign-in link for one workspace (valid 7 days)"),
        ("revoke", run_revoke, "revoke every sign-in link and session of one workspace"),
    ):
        tool = tools.add_parser(name, help=what)
        tool.add_argument("--workspace", required=True, help="the platform's workspace id (Slack team, Discord server)")
        tool.add_argument("--platform", choices=PLATFORMS, help="needed only if both platforms have that id")
        tool.add_argument("--port", type=int, default=DEFAULT_PORT, help="the site's port, for the link's address")
        add_database_options(tool)
        tool.set_defaults(handler=handler)


def run_site(args: argparse.Namespace) -> int:
    from bot.web.app import serving_site

    path = existing_database(args.db, "web", args.database_url)
    if path is None:
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    async def serve() -> None:
        async with Database.open(path) as database:
            signin = SignIn(database, site_url(os.environ, args.port))
            async with serving_site(database, signin, args.host, args.port):
                print(f"serving the results site on http://{args.host}:{args.port} (Ctrl-C stops)", file=sys.stderr)
                stop = asyncio.Event()
                with stop_on_signals(stop.set):  # SIGTERM (docker stop) as Ctrl-C: a clean stop, exit 0
                    await stop.wait()
        logging.getLogger(__name__).info("stopped cleanly")

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        return 0
    except OSError as error:
        print(f"rebuttal web: cannot serve on {args.host}:{args.port} ({error.strerror or error})", file=sys.stderr)
        return 1
    return 0


async def _workspace(database: Store, platform: str | None, external_id: str) -> int | str:
    """The workspace's row id, or what is wrong."""
    found: dict[str, int] = {}
    async with database.read() as uow:
        for name in (platform,) if platform else PLATFORMS:
            row = await uow.games.find_workspace(name, external_id)
            if row is not None:
                found[name] = row
    if not found:
        return f"no workspace {external_id!r} in this database (it appears once a game was played there)"
    if len(found) > 1:
        return f"both platforms have a workspace {external_id!r}; add --platform"
    return next(iter(found.values()))


def run_link(args: argparse.Namespace) -> int:
    path = existing_database(args.db, "web link", args.database_url)
    if path is None:
        return 2

    async def make() -> str:
        async with Database.open(path) as database:
            workspace = await _workspace(database, args.platform, args.workspace)
            if isinstance(workspace, str):
                return workspace
            link = await SignIn(database, site_url(os.environ, args.port)).link(workspace)
            assert link is not None  # a port always gives an address
            print(link)
            return ""

    problem = asyncio.run(make())
    if problem:
        print(f"rebuttal web link: {problem}", file=sys.stderr)
        return 1
    print("This link signs its holder in to that workspace's results for 7 days: send it privately.", file=sys.stderr)
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    path = existing_database(args.db, "web revoke", args.database_url)
    if path is None:
        return 2

    async def revoke() -> str:
        async with Database.open(path) as database:
            workspace = await _workspace(database, args.platform, args.workspace)
            if isinstance(workspace, str):
                return workspace
            await SignIn(database).revoke(workspace)
            return ""

    problem = asyncio.run(revoke())
    if problem:
        print(f"rebuttal web revoke: {problem}", file=sys.stderr)
        return 1
    print(f"revoked every sign-in link and session of workspace {args.workspace}", file=sys.stderr)
    return 0
