"""Solo scenarios, which the terminal game can play too: the same final scoreboard words on
the console, Discord and Slack, and nothing in any of them that could ping."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol

import pytest
import pytest_asyncio

from bot.engine.script import Step, StepKind, build_script
from bot.engine.state import GameSettings
from tests.parity.console_platform import ConsolePlatform
from tests.parity.discord_platform import discord_platform
from tests.parity.drivers import Platform, pings_in
from tests.parity.solo import Choose, play_through
from tests.slack.harness import small_pack
from tests.standins.slack_fixtures import slack_no_resource_warnings  # noqa: F401  (autouse here)


class Solo(Protocol):
    name: str

    async def play_solo(self, choose: Choose) -> str: ...
    def scoreboard_lines(self) -> list[str]: ...
    def outgoing_texts(self) -> list[str]: ...


class ChatSolo:
    """A chat platform played by one student, the host only pressing Next."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.name = platform.name

    async def play_solo(self, choose: Choose) -> str:
        await self.platform.start()
        student = self.platform.students[0]
        await play_through(self.platform, (student,), lambda _player, step: choose(step))
        state = await self.platform.state()
        [name] = [p.name for key, p in state.players.items() if p.answered and key != state.host]
        return name

    def scoreboard_lines(self) -> list[str]:
        return self.platform.scoreboard_lines()

    def outgoing_texts(self) -> list[str]:
        return self.platform.outgoing_texts()


@pytest_asyncio.fixture(params=("console", "discord", "slack"))
async def solo(request: pytest.FixtureRequest, database_at: Path | str) -> AsyncIterator[Solo]:
    from tests.parity.slack_platform import slack_platform

    if request.param == "console":
        yield ConsolePlatform(database_at)
    elif request.param == "discord":
        async with discord_platform(database_at) as discord:
            yield ChatSolo(discord)
    else:
        async with slack_platform(database_at) as slack:
            yield ChatSolo(slack)


def always_right(step: Step) -> int:
    """The right rebuttal for every prediction; the first option elsewhere."""
    return step.correct_option if step.kind is StepKind.PREDICT and step.correct_option is not None else 0


async def test_the_final_scoreboard_reads_the_same_everywhere(solo: Solo) -> None:
    name = await solo.play_solo(always_right)
    predictions = sum(1 for s in build_script(small_pack(), 1).steps if s.kind is StepKind.PREDICT)
    points = GameSettings().points * predictions
    lines = [re.sub(rf"^(\d+)\. {re.escape(name)} — ", r"\1. <student> — ", line) for line in solo.scoreboard_lines()]
    assert lines == [f"1. <student> — {points} pts ({predictions} correct)"], (solo.name, lines)


async def test_a_solo_game_sends_nothing_that_pings(solo: Solo) -> None:
    await solo.play_solo(always_right)
    found = [(ping, text[:200]) for text in solo.outgoing_texts() for ping in pings_in(text)]
    assert found == [], found
