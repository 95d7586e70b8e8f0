"""``/debate import``'s modal: a teacher pastes a card or a pack; it is checked, then added.

Checking happens before the ack, because Slack shows problems in the modal only when they
come back in the ack itself (``response_action: errors``); parsing is local and quick.
Anything that needs the network (the teacher check, the database write) comes after.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.content.card_parser import parse_card
from bot.content.errors import ContentError
from bot.content.model import Pack
from bot.content.pack_files import parse_pack

from . import render
from .buttons import IMPORT_BLOCK, IMPORT_CALLBACK, IMPORT_INPUT, IMPORT_PARTS, import_block
from .context import SlackGames

SOURCE = "pasted text"
SHOWN_PROBLEMS = 8  # more would not fit under the text box
PACK_START = re.compile(r"^(\{|---|[a-z_]+:(\s|$))")  # JSON, a YAML document, or a YAML key


def looks_like_pack(text: str) -> bool:
    """Cards start with their question in words; packs with ``{``, ``---`` or ``key:``
    (after any ``#`` comments, such as the schema line ``rebuttal`` writes)."""
    for line in text.lstrip("\ufeff").splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return bool(PACK_START.match(stripped))
    return False


def parse_pasted(text: str) -> Pack:
    """A pack from pasted text; ``ContentError`` lists every problem with its line."""
    if looks_like_pack(text):
        return parse_pack(text, SOURCE)
    return parse_card(text, SOURCE)


def problems_text(error: ContentError) -> str:
    lines = [str(problem) for problem in error.problems[:SHOWN_PROBLEMS]]
    if len(error.problems) > SHOWN_PROBLEMS:
        lines.append(f"…and {len(error.problems) - SHOWN_PROBLEMS} more")
    return "\n".join(lines)


def pasted_text(values: dict[str, Any]) -> str:
    """The boxes' text in order; each box ends a line, so whole lines pasted per box join up."""
    parts = [
        values.get(import_block(part), {}).get(IMPORT_INPUT, {}).get("value") or ""
        for part in range(1, IMPORT_PARTS + 1)
    ]
    return "\n".join(str(part).rstrip("\n") for part in parts if part)


def register(app: AsyncApp, games: SlackGames) -> None:
    @app.view(IMPORT_CALLBACK)
    async def submitted(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        text = pasted_text(view["state"]["values"])
        try:
            pack = parse_pasted(text)
        except ContentError as error:
            await ack(response_action="errors", errors={IMPORT_BLOCK: problems_text(error)})
            return
        await ack()
        async with games.after_ack("an import"):
            await _add(games, body, view, pack)


async def _add(games: SlackGames, body: dict[str, Any], view: dict[str, Any], pack: Pack) -> None:
    user = body["user"]["id"]
    reply = games.ephemeral(str(view.get("private_metadata") or user), user, None)
    workspace_id = await games.workspace(body["team"]["id"])
    if not await games.is_teacher(workspace_id, user):
        await reply("Only teachers can import debates.")
        return
    await games.workspaces.add_pack(workspace_id, pack, user)
    await reply(
        f"Added `{render.escape(pack.id)}` — {render.escape(pack.question)} — to this workspace. "
        f"Start it with `/debate start {render.escape(pack.id)}`."
    )
