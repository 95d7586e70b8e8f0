"""Button clicks, routed by ``custom_id``: one table from id patterns to handlers.

Every id the bot draws starts with ``rebuttal:`` and carries everything its click needs, so a
click on a message posted before a restart still reaches its game. ``RebuttalBot.on_interaction``
hands each component click to ``route_click``, which runs the first route whose pattern takes
the whole id, and answers any other ``rebuttal:`` id (damaged, forged, or from an older
version) with a private "not recognised" rather than Discord's "This interaction failed".

Why not discord.py's ``DynamicItem``s, which did this before: for every click discord.py
rebuilt the clicked message's whole view (``View.from_message``: a button object for each of
the message's components), once for each pattern that matched, before calling the one item's
callback. With a catch-all item for unrecognised ids that was twice per click, and the largest
single cost of a click in ``benchmarks/discord_burst.py``. Matching the id is all a click needs.

The views the bot sends are for drawing only (``drawn_view``): stopped before they are sent,
so discord.py neither keeps them (one per message, for the bot's lifetime) nor dispatches them.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import discord

from adapters.discord.replies import tell

PREFIX = "rebuttal:"
NOT_RECOGNISED = "This button is not recognised any more; use the newest message in the thread."

Button = discord.ui.Button[discord.ui.View]
Handler = Callable[[discord.Interaction, "re.Match[str]"], Awaitable[None]]


@dataclass(frozen=True)
class Route:
    """Clicks whose whole ``custom_id`` matches ``pattern`` go to ``handle``."""

    pattern: re.Pattern[str]
    handle: Handler


def clicked_id(interaction: discord.Interaction) -> str | None:
    """The ``custom_id`` of a button click; None for any other interaction (commands, modals)."""
    if interaction.type is not discord.InteractionType.component or interaction.data is None:
        return None
    custom_id = interaction.data.get("custom_id")
    return custom_id if isinstance(custom_id, str) else None


async def route_click(interaction: discord.Interaction, routes: Sequence[Route]) -> None:
    """Run the route that takes this click's id; refuse an unknown ``rebuttal:`` id privately.
    Ids without the prefix are not the bot's, and are left alone."""
    custom_id = clicked_id(interaction)
    if custom_id is None or not custom_id.startswith(PREFIX):
        return
    for route in routes:
        # fullmatch: the whole id, so a trailing newline or extra field takes no route.
        match = route.pattern.fullmatch(custom_id)
        if match is not None:
            await route.handle(interaction, match)
            return
    await tell(interaction, NOT_RECOGNISED)


def drawn_view(buttons: Sequence[Button]) -> discord.ui.View:
    """A view holding ``buttons``, for drawing only: clicks come back through ``route_click``."""
    view = discord.ui.View(timeout=None)
    for button in buttons:
        view.add_item(button)
    # A stopped view is still drawn, but discord.py does not store it to dispatch its clicks.
    view.stop()
    return view
