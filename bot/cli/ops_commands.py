"""``rebuttal health``: for container healthchecks and monitoring (exit 0 healthy, 1 not)."""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.cli.database_args import add_database_options, existing_database
from bot.health import check_health

if TYPE_CHECKING:
    Subcommands = argparse._SubParsersAction[argparse.ArgumentParser]


def register(commands: Subcommands) -> None:
    health = commands.add_parser("health", help="is the database migrated and the bot connected? (exit 0 if so)")
    health.add_argument("--platform", choices=["discord", "slack"], help="also require a live connection to it")
    add_database_options(health)
    health.set_defaults(handler=run_health)


def run_health(args: argparse.Namespace) -> int:
    path = existing_database(args.db, "health", args.database_url)
    if path is None:
        return 1  # unhealthy, not 2: Docker reserves exit code 2 of a healthcheck
    result = asyncio.run(check_health(path, args.platform, datetime.now(UTC)))
    print(("healthy: " if result.healthy else "unhealthy: ") + result.detail)
    return 0 if result.healthy else 1
