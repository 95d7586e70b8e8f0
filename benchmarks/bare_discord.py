"""A bare discord.py client that posts one button and answers every click with a fixed
private message: the baseline process for ``discord_burst.py --processes``.

Run: DISCORD_TOKEN=… REBUTTAL_DISCORD_API_BASE=… REBUTTAL_DISCORD_GATEWAY_URL=…
     python benchmarks/bare_discord.py CHANNEL_ID
(the endpoints are the benchmark's Discord stand-in, set as for ``rebuttal run discord``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import discord

from adapters.discord.entry import TOKEN_VARIABLE, redirected_endpoints

READY_LINE = "bare client ready"


class BareClient(discord.Client):
    def __init__(self, channel_id: int) -> None:
        super().__init__(intents=discord.Intents.none())
        self.channel_id = channel_id

    async def on_ready(self) -> None:
        view = discord.ui.View(timeout=None)
        view.add_item(discord.ui.Button(label="A", custom_id="bare:a"))
        channel = self.get_partial_messageable(self.channel_id)
        await channel.send("question", view=view)
        print(READY_LINE, flush=True)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("ok", ephemeral=True)


if __name__ == "__main__":
    with redirected_endpoints(os.environ):
        BareClient(int(sys.argv[1])).run(os.environ[TOKEN_VARIABLE], log_handler=None)
