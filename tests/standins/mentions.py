""" "Nothing the bot posts can ping anyone": a check over everything a stand-in recorded.

Call ``slack_pings(standin)`` or ``discord_pings(standin)`` at the end of any test that drove
the bot; each returns a line per offending payload (empty when nothing could ping), so a
failure names what was posted. ``assert_no_pings`` does both checks for whichever stand-ins
it is given.

What counts as a ping:

- Slack: ``<@U…>`` (a user), ``<!here>``/``<!channel>``/``<!everyone>``/``<!subteam^…>``
  (groups) anywhere in a message the channel sees: posts, edits (every version), files'
  comments, and ``response_url`` messages that land in the channel. Channel links
  (``<#C…>``) notify nobody, so they pass. Ephemeral messages are seen by one person and
  never notify, so they are not checked (``/debate settings`` names teachers there).
- Discord: every message payload (posts, edits, interaction responses, follow-ups) must
  carry ``allowed_mentions`` that allow nothing (``{"parse": []}``, no user or role ids,
  no reply ping), since that is what stops a ping whatever the text says; and no message
  others can see may contain mention markup (``<@…>``, ``<@&…>``, ``@everyone``, ``@here``)
  either, so a later change to ``allowed_mentions`` cannot start pinging. A daily round's
  role ping is opt-in by the server's admins: pass its role id in ``allowed_roles``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterator
from typing import Any

from tests.standins.discord_server import DiscordStandIn
from tests.standins.slack_server import SlackStandIn

SLACK_PING = re.compile(r"<[@!]|(?<![\w&])@(?:here|channel|everyone)\b")
DISCORD_PING = re.compile(r"<@[!&]?[0-9]+>|@everyone|@here")
DISCORD_ROLE = re.compile(r"<@&([0-9]+)>")
EPHEMERAL = 1 << 6
SLACK_POSTING_METHODS = {"chat.postMessage", "chat.update", "chat.scheduleMessage", "chat.meMessage"}


def strings_in(node: Any) -> Iterator[str]:
    """Every string anywhere in a JSON value (block ids and action ids never hold ``<@``)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings_in(value)


def _decoded(value: Any) -> Any:
    """Slack clients may send ``blocks`` as a JSON string; look inside it."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def slack_pings(standin: SlackStandIn) -> list[str]:
    found: list[str] = []

    def check(where: str, node: Any) -> None:
        for text in strings_in(node):
            if SLACK_PING.search(text):
                found.append(f"{where}: {text[:120]!r}")

    for call in standin.calls:
        if call.method in SLACK_POSTING_METHODS or call.method.startswith("files."):
            fields = ("text", "blocks", "attachments", "initial_comment", "title")
            check(call.method, [_decoded(call.args.get(name)) for name in fields])
    for message in standin.messages:  # also what in_channel responses and file shares became
        check(f"message {message.channel}/{message.ts}", [message.text, message.blocks, message.attachments])
        check(f"earlier version of {message.channel}/{message.ts}", message.history)
    for response in standin.responses_for():
        if response.effect in ("in_channel", "replaced"):
            check(f"response_url ({response.effect})", [response.text, response.blocks])
    return found


def _message_payloads(standin: DiscordStandIn) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each request body that creates or edits a message, with where it went."""
    for request in standin.requests:
        body = request.json
        if not isinstance(body, dict) or request.method not in ("POST", "PATCH"):
            continue
        if request.path.startswith("/interactions/"):
            data = body.get("data")
            if body.get("type") in (4, 7) and isinstance(data, dict):  # a message, or an edit of one
                yield str(request), data
        elif "/messages" in request.path or request.path.startswith("/webhooks/"):
            yield str(request), body


def _restrictive(allowed: Any, allowed_roles: Collection[int]) -> bool:
    if not isinstance(allowed, dict) or allowed.get("parse") != [] or allowed.get("replied_user"):
        return False
    roles = {int(role) for role in allowed.get("roles") or []}
    return not allowed.get("users") and roles <= set(allowed_roles)


def discord_pings(standin: DiscordStandIn, allowed_roles: Collection[int] = ()) -> list[str]:
    found: list[str] = []
    for where, payload in _message_payloads(standin):
        if not _restrictive(payload.get("allowed_mentions"), allowed_roles):
            found.append(f"{where}: allowed_mentions {payload.get('allowed_mentions')!r}")
        if int(payload.get("flags") or 0) & EPHEMERAL:
            continue  # seen by one person, who is not notified
        for text in strings_in([payload.get("content"), payload.get("embeds")]):
            opted_in = {int(role) for role in DISCORD_ROLE.findall(text)} <= set(allowed_roles)
            if DISCORD_PING.search(DISCORD_ROLE.sub("", text) if opted_in else text):
                found.append(f"{where}: {text[:120]!r}")
    return found


def assert_no_pings(
    *, slack: SlackStandIn | None = None, discord: DiscordStandIn | None = None, allowed_roles: Collection[int] = ()
) -> None:
    pings = (slack_pings(slack) if slack is not None else []) + (
        discord_pings(discord, allowed_roles) if discord is not None else []
    )
    assert not pings, "the bot posted something that pings:\n" + "\n".join(pings)
