"""Game subcommands (``play``, ``decoys``); filled in by the engine layer."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    del commands
