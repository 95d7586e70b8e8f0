"""``library`` on every platform: the same debates, the same tag filter, the same refusal of an
unknown tag, always privately (``rebuttal library`` in the terminal, ``/debate library [tag]``
on Discord and Slack). The listing is the core's (``bot.content.listing``); each platform only
draws it, so each must show exactly the entries the core lists, with the same figures."""

from __future__ import annotations

import contextlib
import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol

import pytest
import pytest_asyncio

from bot.cli import main
from bot.content.library import load_library
from bot.content.listing import list_library
from bot.content.model import Pack
from bot.content.pack_files import dump_pack_yaml
from tests.parity.discord_platform import DiscordPlatform, discord_platform, unmark
from tests.parity.drivers import unslack
from tests.slack.harness import CHANNEL, small_pack
from tests.standins.slack_fixtures import slack_no_resource_warnings  # noqa: F401  (autouse here)


def library_packs() -> list[Pack]:
    """The shipped debates, the parity suite's small one (untagged) and enough copies of a
    shipped one under other ids that the listing is longer than one Discord message (2000
    characters), as a library of ten or more debates is: nothing may be cut off."""
    shipped = list(load_library().packs.values())
    copies = [shipped[0].model_copy(update={"id": f"copy-{n}-of-{shipped[0].id}"}) for n in range(8)]
    return [*shipped, small_pack(), *copies]


PACKS = library_packs()  # read once, before the console's test points the library at a temporary folder


class Shelf(Protocol):
    name: str

    async def library(self, tag: str | None) -> str:
        """The library command (with ``tag`` if given), as the user reads the reply."""
        ...

    async def private(self) -> bool:
        """Whether every reply so far was shown to the asker alone."""
        ...


class ConsoleShelf:
    name = "console"

    def __init__(self, content: Path) -> None:
        self.content = content

    async def library(self, tag: str | None) -> str:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main(["library", *(["--tag", tag] if tag else [])])
        return out.getvalue() + err.getvalue()

    async def private(self) -> bool:
        return True  # a terminal is its user's own


class DiscordShelf:
    name = "discord"

    def __init__(self, platform: DiscordPlatform) -> None:
        self.platform = platform
        self.replies: list[bool] = []

    async def library(self, tag: str | None) -> str:
        standin = self.platform.standin
        rec = await standin.slash("debate", {"tag": tag} if tag else {}, subcommand="library", user="alice")
        await standin.wait_for(lambda: rec.message is not None and not rec.message.loading, timeout=30)
        await self.platform.settle()
        shown = [m for m in [rec.message, *rec.followups] if m is not None]
        self.replies += [m.ephemeral for m in shown]
        return "\n".join(unmark(m.content) for m in shown)

    async def private(self) -> bool:
        return all(self.replies) and bool(self.replies)


class SlackShelf:
    name = "slack"

    def __init__(self, platform: object) -> None:
        from tests.parity.slack_platform import SlackPlatform

        assert isinstance(platform, SlackPlatform)
        self.platform = platform

    async def library(self, tag: str | None) -> str:
        standin = self.platform.standin
        before = len(standin.responses_for("U1"))
        await self.platform.slack.slash("/debate", f"library {tag or ''}".strip(), user="U1", channel=CHANNEL)
        await standin.wait_for(lambda: len(standin.responses_for("U1")) > before, timeout=30)
        return unslack(standin.responses_for("U1")[-1].text)

    async def private(self) -> bool:
        replies = self.platform.standin.responses_for("U1")
        return bool(replies) and all(r.effect == "ephemeral" for r in replies) and not self.platform.public_view()


@pytest_asyncio.fixture(params=("console", "discord", "slack"))
async def shelf(
    request: pytest.FixtureRequest, tmp_path: Path, database_at: Path | str, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Shelf]:
    packs = PACKS
    if request.param == "console":
        content = tmp_path / "content"
        content.mkdir()
        for pack in packs:
            (content / f"{pack.id}.yaml").write_text(dump_pack_yaml(pack), encoding="utf-8")
        monkeypatch.setenv("REBUTTAL_CONTENT_DIR", str(content))
        yield ConsoleShelf(content)
    elif request.param == "discord":
        async with discord_platform(database_at) as discord:
            workspace = await discord.bot.services.games.workspace_id("discord", str(discord.standin.guild.id))
            for pack in packs:  # as /debate import would add them (the small pack is there already)
                await discord.bot.services.workspaces.add_pack(workspace, pack, "test")
            yield DiscordShelf(discord)
    else:
        from tests.parity.slack_platform import slack_platform

        async with slack_platform(database_at) as slack:
            workspace = await slack.bot.games.workspace(slack.standin.team_id)
            for pack in packs:
                await slack.bot.games.workspaces.add_pack(workspace, pack, "test")
            yield SlackShelf(slack)


def listed(text: str, packs: list[Pack]) -> list[str]:
    """The debate ids whose entry (id, question and the core's figures) the reply shows."""
    return sorted(
        entry.id
        for entry in list_library(packs).entries
        if entry.id in text and entry.question in text and entry.summary() in text
    )


async def test_every_debate_is_listed_with_the_cores_figures(shelf: Shelf) -> None:
    packs = PACKS
    text = await shelf.library(None)
    assert len(text) > 2000  # longer than one Discord message
    assert listed(text, packs) == sorted(p.id for p in packs), (shelf.name, text)
    assert await shelf.private()


async def test_a_tag_filters_the_same_way_in_any_case(shelf: Shelf) -> None:
    packs = PACKS
    expected = sorted(p.id for p in packs if "economy" in p.tags)
    assert expected and len(expected) < len(packs)  # the filter has something to keep and to drop
    text = await shelf.library("ECONOMY")
    assert listed(text, packs) == expected, (shelf.name, text)
    assert "tagged “ECONOMY”" in text
    assert await shelf.private()


async def test_an_unknown_tag_names_the_known_tags(shelf: Shelf) -> None:
    packs = PACKS
    text = await shelf.library("astrology")
    problem = list_library(packs, "astrology").problem
    assert problem is not None and "Known tags: economy," in problem
    assert problem in text, (shelf.name, text)
    assert listed(text, packs) == []
    assert await shelf.private()
