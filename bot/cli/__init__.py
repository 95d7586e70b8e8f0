"""The ``rebuttal`` command: one entry point that wires each subcommand to its module."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.cli import content_commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rebuttal", description="Rebuttal: a debate game for Discord, Slack and the terminal."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    content_commands.register(commands)
    _register_optional(commands)
    return parser


def _register_optional(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Subcommands from later layers; imported here so ``main`` is the one wiring point."""
    from bot.cli import game_commands, ops_commands, report_commands, run_commands

    game_commands.register(commands)
    report_commands.register(commands)
    ops_commands.register(commands)
    run_commands.register(commands)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        status: int = args.handler(args)
    except KeyboardInterrupt:
        print("\nStopped.", file=sys.stderr)
        return 130
    return status


if __name__ == "__main__":
    sys.exit(main())
