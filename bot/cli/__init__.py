"""The ``rebuttal`` command: one entry point that wires each subcommand to its module."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

from bot.cli import content_commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rebuttal", description="Rebuttal: a debate game for Discord, Slack and the terminal."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    content_commands.register(commands)
    _register_optional(commands)
    return parser


def _version() -> str:
    """The installed distribution's version: one number, kept in pyproject.toml."""
    try:
        return version("rebuttal")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def _register_optional(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Subcommands from later layers; imported here so ``main`` is the one wiring point."""
    from bot.cli import (
        db_commands,
        game_commands,
        library_commands,
        ops_commands,
        report_commands,
        run_commands,
        web_commands,
    )

    game_commands.register(commands)
    library_commands.register(commands)
    report_commands.register(commands)
    ops_commands.register(commands)
    db_commands.register(commands)
    run_commands.register(commands)
    web_commands.register(commands)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        status: int = args.handler(args)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit
    except KeyboardInterrupt:
        print("\nStopped.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``rebuttal decoys … | head``): stop quietly, as other
        # command-line tools do. What is still buffered cannot be written, so stdout is pointed
        # at devnull before Python flushes it on exit (see the "Note on SIGPIPE" in the
        # signal module's documentation); 141 is what a shell reports for SIGPIPE.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    return status


if __name__ == "__main__":
    sys.exit(main())
