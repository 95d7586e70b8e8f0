"""``rebuttal run discord|slack`` and ``rebuttal discord invite-url``: the chat bots' entry points.

Each platform's adapter is imported only when its command runs (inside the handler), so the
terminal game never loads discord.py or slack-bolt. The command line is the outermost layer:
it imports adapters, and nothing imports it back (``.importlinter``).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from bot.cli.database_args import add_database_options
from bot.cli.web_commands import add_site_arguments, site_beside

if TYPE_CHECKING:
    Subcommands = argparse._SubParsersAction[argparse.ArgumentParser]


def _run_discord(args: argparse.Namespace) -> int:
    from adapters.discord import entry

    return entry.run(args, site=site_beside(args))


def _discord_invite_url(args: argparse.Namespace) -> int:
    from adapters.discord import entry

    return entry.invite_url(args)


def _run_slack(args: argparse.Namespace) -> int:
    from adapters.slack import entry

    return entry.run(args, site=site_beside(args))


def register(commands: Subcommands) -> None:
    run = commands.add_parser("run", help="run a chat bot")
    platforms = run.add_subparsers(dest="platform", required=True, metavar="PLATFORM")
    discord = platforms.add_parser("discord", help="the Discord bot (needs DISCORD_TOKEN)")
    add_database_options(discord)
    discord.add_argument("--shard-ids", help="this process's shards, comma-separated (e.g. 0,1); with --shard-count")
    discord.add_argument("--shard-count", type=int, help="how many shards all the bot's processes run together")
    add_site_arguments(discord)
    discord.set_defaults(handler=_run_discord)
    slack = platforms.add_parser("slack", help="the Slack bot (needs SLACK_BOT_TOKEN and SLACK_APP_TOKEN or --http)")
    add_database_options(slack)
    slack.add_argument("--http", action="store_true", help="serve the Events API over HTTP instead of Socket Mode")
    slack.add_argument("--port", type=int, default=3000, help="HTTP port with --http (default 3000)")
    slack.add_argument(
        "--reuse-port",
        action="store_true",
        help="with --http, bind the port with SO_REUSEPORT so several worker processes share it",
    )
    add_site_arguments(slack)
    slack.set_defaults(handler=_run_slack)

    discord_tools = commands.add_parser("discord", help="Discord set-up helpers")
    tools = discord_tools.add_subparsers(dest="tool", required=True, metavar="TOOL")
    invite = tools.add_parser("invite-url", help="print the URL that adds the bot to a server")
    invite.add_argument("--client-id", help="the application id (default: $DISCORD_CLIENT_ID)")
    invite.set_defaults(handler=_discord_invite_url)
