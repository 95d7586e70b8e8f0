"""The Discord stand-in works with the real discord.py client (no network beyond 127.0.0.1)."""

# Fixtures are imported from tests/standins/discord_fixtures.py; pytest injects them by
# parameter name, which pyflakes reports as redefinition of the imported name.
# ruff: noqa: F811

from __future__ import annotations

import io
import logging
import re
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.standins.discord_fixtures import (  # noqa: F401  (pytest fixtures)
    DiscordErrorCollector,
    discord_errors,
    discord_standin,
)
from tests.standins.discord_server import DiscordStandIn, FakeChannel


# --------------------------------------------------------------------------- a tiny bot
class VoteButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"vote:(?P<side>pro|con)"):
    def __init__(self, side: str) -> None:
        super().__init__(discord.ui.Button(label=f"Vote {side}", custom_id=f"vote:{side}"))
        self.side = side

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> VoteButton:
        return cls(match["side"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"You voted {self.side}", ephemeral=True)


class JoinView(discord.ui.View):
    """Persistent (timeout=None, fixed custom_id): routed regardless of message id."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Join", custom_id="debate:join")
    async def join(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.send_message(f"{interaction.user.name} joined", ephemeral=True)


class PollView(discord.ui.View):
    """Non-persistent: discord.py routes clicks by the message id it learnt from the response."""

    def __init__(self) -> None:
        super().__init__(timeout=60)
        self.count = 0

    @discord.ui.button(label="Yes", custom_id="poll:yes")
    async def yes(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        self.count += 1
        button.label = f"Yes ({self.count})"
        await interaction.response.edit_message(content=f"{self.count} vote(s)", view=self)

    @discord.ui.select(custom_id="poll:pick", options=[discord.SelectOption(label=x) for x in "abc"])
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select[Any]) -> None:
        await interaction.response.send_message(f"picked {','.join(select.values)}", ephemeral=True)


class ArgumentModal(discord.ui.Modal, title="Your argument"):
    claim: discord.ui.TextInput[Any] = discord.ui.TextInput(label="Claim", custom_id="claim")
    evidence: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Evidence", custom_id="evidence", required=False, style=discord.TextStyle.long
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"claim={self.claim.value}; evidence={self.evidence.value}")


class Round(app_commands.Group):
    @app_commands.command(description="Start a round")
    async def start(self, interaction: discord.Interaction, minutes: int, opponent: discord.Member) -> None:
        await interaction.response.send_message(f"{minutes} min vs {opponent.display_name}", ephemeral=True)

    @app_commands.command(description="Submit notes")
    async def submit(self, interaction: discord.Interaction, notes: discord.Attachment) -> None:
        data = await notes.read()
        await interaction.response.defer(thinking=True)
        reply = discord.File(io.BytesIO(data.upper()), filename="NOTES.TXT")
        await interaction.followup.send(f"got {notes.filename} ({notes.size} bytes)", file=reply)


TOPICS = ["school uniforms", "social media", "space exploration"]


def make_bot(intents: discord.Intents | None = None) -> commands.Bot:
    bot = commands.Bot(command_prefix="!", intents=intents or discord.Intents.default())

    @bot.tree.command(description="Ping")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong", ephemeral=True)

    @bot.tree.command(description="Open a debate")
    async def debate(interaction: discord.Interaction, topic: str) -> None:
        view = discord.ui.View(timeout=None)
        view.add_item(VoteButton("pro"))
        view.add_item(VoteButton("con"))
        await interaction.response.send_message(f"Debate: {topic}", view=view)

    @bot.tree.command(description="Debate in a new thread")
    async def thread(interaction: discord.Interaction, topic: str) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        assert isinstance(interaction.channel, discord.TextChannel)
        new = await interaction.channel.create_thread(name=topic, type=discord.ChannelType.public_thread)
        view = discord.ui.View(timeout=None)
        view.add_item(VoteButton("pro"))
        embed = discord.Embed(title=topic, description="Make your case", colour=0x5865F2)
        await new.send(embed=embed, view=view)
        await interaction.followup.send(f"Opened {new.mention}", ephemeral=True)

    @bot.tree.command(description="Quick poll")
    async def poll(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("0 vote(s)", view=PollView())

    @bot.tree.command(description="Pick a topic")
    async def topic(interaction: discord.Interaction, name: str) -> None:
        await interaction.response.send_message(f"topic: {name}")

    @topic.autocomplete("name")
    async def topic_complete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=t, value=t) for t in TOPICS if current in t]

    @bot.tree.command(description="Write an argument")
    async def argue(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(ArgumentModal())

    @bot.tree.command(description="Broken")
    async def broken(interaction: discord.Interaction) -> None:
        raise RuntimeError("boom")

    bot.tree.add_command(Round(name="round", description="Rounds"))

    @bot.command()
    async def hello(ctx: commands.Context[commands.Bot]) -> None:
        await ctx.send(f"hello {ctx.author.name}", view=JoinView())

    async def setup_hook() -> None:
        bot.add_dynamic_items(VoteButton)
        bot.add_view(JoinView())
        await bot.tree.sync()

    bot.setup_hook = setup_hook  # type: ignore[method-assign]
    return bot


# --------------------------------------------------------------------------- tests
async def test_client_becomes_ready_and_sees_guild(discord_standin: DiscordStandIn) -> None:
    async with discord_standin.run(make_bot()) as bot:
        assert bot.user is not None and bot.user.id == discord_standin.bot.id
        assert bot.application_id == discord_standin.application_id
        guild = bot.get_guild(discord_standin.guild.id)
        assert guild is not None and guild.name == "Rebuttal Test Guild"
        channel = bot.get_channel(discord_standin.text_channel.id)
        assert isinstance(channel, discord.TextChannel) and channel.name == "general"
        assert guild.me is not None and guild.me.guild_permissions.send_messages
        assert {r.name for r in guild.roles} >= {"@everyone", "Moderator"}
    # discord.py asked for zlib-stream and decoded our compressed frames
    assert discord_standin.gateway.connect_queries[0]["compress"] == "zlib-stream"
    assert discord_standin.gateway.zlib_connections == 1
    assert discord_standin.gateway.identify_count == 1
    assert discord_standin.gateway.heartbeat_count >= 1
    assert bot.is_closed()


async def test_tree_sync_registers_commands(discord_standin: DiscordStandIn) -> None:
    async with discord_standin.run(make_bot()):
        pass
    puts = discord_standin.requests_to("PUT", f"/applications/{discord_standin.application_id}/commands")
    assert len(puts) == 1
    names = {c["name"] for c in discord_standin.commands()}
    assert {"ping", "debate", "thread", "round", "topic", "argue"} <= names
    round_cmd = discord_standin.command("round")
    assert round_cmd is not None
    assert [o["name"] for o in round_cmd["options"]] == ["start", "submit"]


async def test_slash_command_ephemeral_reply(discord_standin: DiscordStandIn) -> None:
    async with discord_standin.run(make_bot()):
        rec = await discord_standin.slash("ping", user="bob")
    assert rec.callback_type == 4
    assert rec.callback_data["content"] == "pong"
    assert rec.callback_data["flags"] & 64
    assert rec.content == "pong" and rec.ephemeral
    [msg] = discord_standin.ephemeral_responses_for("bob")
    assert msg.content == "pong" and msg.interaction_user is not None
    assert discord_standin.ephemeral_responses_for("alice") == []
    assert discord_standin.messages_in(discord_standin.text_channel) == []  # nobody else sees it


async def test_dynamic_button_on_earlier_message(discord_standin: DiscordStandIn) -> None:
    async with discord_standin.run(make_bot()):
        opened = await discord_standin.slash("debate", {"topic": "uniforms"})
        msg = discord_standin.last_message(discord_standin.text_channel)
        assert msg is not None and msg is opened.message and not msg.ephemeral
        assert msg.content == "Debate: uniforms" and msg.custom_ids() == ["vote:pro", "vote:con"]
        click = await discord_standin.click(msg, "vote:con", user="carol")
    assert click.callback_type == 4
    assert click.content == "You voted con" and click.ephemeral
    assert [m.content for m in discord_standin.ephemeral_responses_for("carol")] == ["You voted con"]


async def test_thread_created_with_embed_and_button(discord_standin: DiscordStandIn) -> None:
    async with discord_standin.run(make_bot()) as bot:
        rec = await discord_standin.slash("thread", {"topic": "Space"})
        await discord_standin.wait_for(lambda: len(rec.followups) == 1)
        [thread] = discord_standin.threads
        assert thread.name == "Space" and thread.parent_id == discord_standin.text_channel.id
        assert isinstance(bot.get_channel(thread.id), discord.Thread)  # THREAD_CREATE reached it
        [posted] = discord_standin.messages_in(thread)
        assert posted.embeds[0]["title"] == "Space" and posted.embeds[0]["color"] == 0x5865F2
        vote = await discord_standin.click(posted, "vote:pro")
        assert vote.content == "You voted pro"
    assert rec.callback_type == 5 and rec.ephemeral  # deferred "thinking"
    assert rec.message is not None and rec.message.content == f"Opened <#{thread.id}>"
    assert not rec.message.loading and rec.message.history  # the loading message was replaced


async def test_persistent_view_and_prefix_command(discord_standin: DiscordStandIn) -> None:
    intents = discord.Intents.default()
    intents.message_content = True
    async with discord_standin.run(make_bot(intents)):
        await discord_standin.user_says("!hello", user="bob")
        msg = await discord_standin.wait_for(lambda: next((m for m in discord_standin.messages if m.author.bot), None))
        assert msg.content == "hello bob"
        rec = await discord_standin.click(msg, "debate:join", user="alice")
    assert rec.content == "alice joined" and rec.ephemeral


async def test_message_content_intent_is_enforced(discord_standin: DiscordStandIn) -> None:
    async with discord_standin.run(make_bot()) as bot:  # default intents: no message content
        seen: list[str] = []

        async def on_message(message: discord.Message) -> None:
            seen.append(message.content)

        bot.add_listener(on_message)
        await discord_standin.user_says("!hello", user="bob")
        await discord_standin.wait_for(lambda: seen)
    assert seen == [""]
    assert not [m for m in discord_standin.messages if m.author.bot]


async def test_non_persistent_view_uses_response_message_id(discord_standin: DiscordStandIn) -> None:
    async with discord_standin.run(make_bot()):
        rec = await discord_standin.slash("poll")
        assert rec.message is not None
        first = await discord_standin.click(rec.message, "poll:yes")
        second = await discord_standin.click(rec.message, "poll:yes", user="bob")
        picked = await discord_standin.click(rec.message, "poll:pick", values=["a", "c"])
    assert first.callback_type == second.callback_type == 7
    assert rec.message.content == "2 vote(s)"
    assert [h["content"] for h in rec.message.history] == ["0 vote(s)", "1 vote(s)"]
    button = rec.message.find_component("poll:yes")
    assert button is not None and button["label"] == "Yes (2)"
    assert picked.content == "picked a,c"


async def test_subcommand_with_user_and_attachment(discord_standin: DiscordStandIn) -> None:
    async with discord_standin.run(make_bot()):
        started = await discord_standin.slash("round", {"minutes": 5, "opponent": "bob"}, subcommand="start")
        notes = discord_standin.upload("notes.txt", b"my notes", "text/plain")
        sent = await discord_standin.slash("round", {"notes": notes}, subcommand="submit")
        await discord_standin.wait_for(lambda: sent.followups)
    assert started.content == "5 min vs Bob"
    assert sent.message is not None and sent.message.content == "got notes.txt (8 bytes)"
    [reply] = sent.message.attachments
    assert reply.filename == "NOTES.TXT" and reply.data == b"MY NOTES"


async def test_autocomplete_and_modal(discord_standin: DiscordStandIn) -> None:
    async with discord_standin.run(make_bot()):
        auto = await discord_standin.autocomplete("topic", {"name": "s"}, focused="name")
        opened = await discord_standin.slash("argue")
        submitted = await discord_standin.submit_modal(opened, {"claim": "Yes", "evidence": "Data"})
    assert auto.callback_type == 8
    assert [c["value"] for c in auto.choices] == TOPICS
    assert opened.modal is not None and opened.modal["title"] == "Your argument"
    assert submitted.content == "claim=Yes; evidence=Data" and not submitted.ephemeral


async def test_errors_in_commands_are_caught(
    discord_standin: DiscordStandIn, discord_errors: DiscordErrorCollector
) -> None:
    async with discord_standin.run(make_bot()):
        rec = await discord_standin.slash("broken", wait=False)
        await discord_standin.wait_for(lambda: discord_errors.records)
    assert rec.callback is None
    assert "boom" in discord_errors.describe(discord_errors.records[0])
    discord_errors.allow("boom")  # expected here; otherwise the fixture fails the test


async def test_reconnect_resumes_session(discord_standin: DiscordStandIn) -> None:
    resumed: list[bool] = []

    async def on_resumed() -> None:
        resumed.append(True)

    async with discord_standin.run(make_bot()) as bot:
        bot.add_listener(on_resumed)
        await discord_standin.request_reconnect()
        await discord_standin.wait_for(lambda: resumed)
        rec = await discord_standin.slash("ping")
    assert discord_standin.gateway.resume_count == 1 and discord_standin.gateway.identify_count == 1
    assert rec.content == "pong"


async def test_unknown_routes_are_recorded(discord_standin: DiscordStandIn) -> None:
    async with discord_standin.run(make_bot()) as bot, aiohttp.ClientSession() as session:
        url = f"{discord_standin.api_base}/guilds/{discord_standin.guild.id}/bans"
        async with session.get(url) as resp:
            assert resp.status == 404 and resp.headers["Content-Type"] == "application/json"
            assert await resp.json() == {"message": "404: Not Found", "code": 0}
        with pytest.raises(discord.NotFound):
            await bot.http.request(discord.http.Route("GET", "/guilds/{g}/bans", g=discord_standin.guild.id))
    assert [str(r) for r in discord_standin.unknown_requests] == [f"GET /guilds/{discord_standin.guild.id}/bans"] * 2
    discord_standin.unknown_requests.clear()  # expected; the fixture checks the list is empty


async def test_uncompressed_gateway_and_dms(discord_errors: DiscordErrorCollector) -> None:
    async with DiscordStandIn(compress=False, token="secret") as standin, standin.run(make_bot()) as bot:
        alice = await bot.fetch_user(standin.user("alice").id)
        await alice.send("welcome")
        [dm] = [c for c in standin.state.channels.values() if c.recipients]
        assert isinstance(dm, FakeChannel) and standin.last_message(dm.id) is not None
        rec = await standin.slash("ping", channel=dm)  # DM interaction: "user", no guild
        assert rec.content == "pong" and "member" not in rec.payload
    assert standin.gateway.connect_queries[0]["compress"] == "zlib-stream"
    assert standin.gateway.zlib_connections == 0  # plain JSON text frames work too
    assert standin.requests[0].path == "/users/@me"
    standin.assert_no_unknown_routes()


async def test_wrong_token_is_rejected() -> None:
    async with DiscordStandIn(token="right") as standin:
        with pytest.raises(discord.LoginFailure):
            async with standin.run(make_bot(), token="wrong"):
                pass


def test_patch_discord_restores_urls() -> None:
    before = (discord.http.Route.BASE, str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY))
    standin = DiscordStandIn()
    with standin.patch_discord():
        assert discord.http.Route.BASE.startswith("http://127.0.0.1")
    assert (discord.http.Route.BASE, str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)) == before
    logging.getLogger(__name__).debug("restored %s", before)


async def test_second_guild_with_guild_commands(discord_errors: DiscordErrorCollector) -> None:
    standin = DiscordStandIn()
    second = standin.add_guild("Second Guild", text_channels=["lobby"], users=["alice", "dave"])
    bot = make_bot()

    @app_commands.command(description="Guild only")
    async def local(interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        await interaction.response.send_message(f"local to {interaction.guild.name}")

    bot.tree.add_command(local, guild=discord.Object(second.id))
    async with standin, standin.run(bot):
        await bot.tree.sync(guild=discord.Object(second.id))
        assert [g.name for g in bot.guilds] == ["Rebuttal Test Guild", "Second Guild"]
        rec = await standin.slash("local", channel="lobby", user="dave")
        with pytest.raises(LookupError):  # not registered in the first guild
            await standin.slash("local")
    assert rec.content == "local to Second Guild"
    assert [c["name"] for c in standin.commands(second)] == ["local"]
    assert standin.user("alice") in [m.user for m in second.members]
    standin.assert_no_unknown_routes()
