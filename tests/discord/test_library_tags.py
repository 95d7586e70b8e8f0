"""``/debate library``'s tag option autocompletes from the tags of this server's library."""

from __future__ import annotations

from pathlib import Path

from tests.discord.harness import running_bot, small_pack
from tests.standins.discord_server import DiscordStandIn


async def test_the_tag_option_offers_this_servers_tags(
    discord_standin: DiscordStandIn, database_at: Path | str
) -> None:
    standin = discord_standin
    tagged = small_pack().model_copy(update={"tags": ("Local", "transport", "economy")})
    async with running_bot(standin, database_at, pack=tagged):
        every = await standin.autocomplete("debate", {"tag": ""}, subcommand="library", focused="tag", user="alice")
        typed = await standin.autocomplete("debate", {"tag": "LO"}, subcommand="library", focused="tag", user="alice")
    assert [c["value"] for c in every.choices] == ["economy", "local", "transport"]
    assert typed.choices == [{"name": "local", "value": "local"}]
