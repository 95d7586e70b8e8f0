"""The manifest asks for exactly what the bot uses: every Web API method it calls is covered."""

from __future__ import annotations

from pathlib import Path

import yaml

from adapters.slack.buttons import FORGET_ACTION, IMPORT_BLOCK, IMPORT_CALLBACK, IMPORT_INPUT, RoundButton, ShareButton
from bot.games.controls import Control
from tests.content.cards import VALID_CARD_LINES, card
from tests.engine.helpers import ManualClock
from tests.slack.harness import TEACHER, answer_action, host_action, running_bot, settle, start_game
from tests.slack.round_harness import MONDAY, move_to, open_round, press, round_id_of, top_level
from tests.standins.slack_fixtures import Transport
from tests.standins.slack_server import SlackStandIn

MANIFEST = Path(__file__).resolve().parents[2] / "adapters" / "slack" / "manifest.yml"
SCOPE_OF_METHOD = {
    "auth.test": None,  # bolt checks its token once; no scope needed
    "apps.connections.open": None,  # Socket Mode, with the app-level token
    "views.open": None,  # a trigger id is its permission
    "views.update": None,  # the daily round's private view, by its view id
    "views.push": None,  # a refusal on top of it
    "chat.postMessage": "chat:write",
    "chat.update": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.delete": "chat:write",  # its own extra message for a step (bot.games.step_messages)
    "users.info": "users:read",
    "conversations.open": "im:write",  # the direct message that carries /debate results
    "files.getUploadURLExternal": "files:write",  # files_upload_v2, step 1
    "files.completeUploadExternal": "files:write",  # files_upload_v2, step 3 (shares the files)
    "conversations.join": "channels:join",  # joining the public channel where the chart is shared
}


def test_manifest_declares_the_command_interactivity_and_scopes() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text())
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/debate" and command["should_escape"] is True
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert "event_subscriptions" not in manifest["settings"]  # the bot needs no events
    needed = {scope for scope in SCOPE_OF_METHOD.values() if scope} | {"commands", "chat:write.public"}
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == needed


async def test_the_bot_calls_only_methods_its_scopes_allow(
    slack_standin: SlackStandIn, slack_transport: Transport, database_at: Path | str
) -> None:
    s = slack_standin
    clock = ManualClock(MONDAY)
    async with running_bot(s, database_at, slack_transport, clock=clock) as (bot, slack):
        await slack.slash("/debate", "schedule 10:00 UTC", user=TEACHER)  # a daily round, played and closed
        await s.wait_for(lambda: s.responses_for(TEACHER))
        await move_to(bot, s, clock, MONDAY.replace(hour=10))
        [announcement] = await s.wait_for(lambda: top_level(s))
        round_id = round_id_of(announcement)
        view = await open_round(slack, s, "U2", announcement)
        await press(slack, s, view, "U2", RoundButton(round_id, 0, 0).action_id)
        in_view = s.find_action(RoundButton(round_id, 1, 0).action_id, user="U2")
        forged = RoundButton(999_999, 1, 0).action_id  # refused on top of the view (views.push)
        await slack.send("interactive", slack.payloads.block_actions(forged, user="U2", target=in_view))
        await s.wait_for(lambda: s.calls_to("views.push"))
        await move_to(bot, s, clock, MONDAY.replace(day=6, hour=10))
        await s.wait_for(lambda: len(top_level(s)) == 3)
        ref = await start_game(bot, s, slack)
        await slack.click(answer_action(ref, 0, 0), user="U1")
        await slack.click(host_action(s, ref, Control.PAUSE), user=TEACHER)
        await slack.slash("/debate", "end", user=TEACHER)
        await slack.slash("/debate", "results", user=TEACHER)  # files by direct message
        await s.wait_for(lambda: s.find_action(ShareButton(ref.game_id).action_id, user=TEACHER))
        await slack.click(ShareButton(ref.game_id).action_id, user=TEACHER)  # the chart to the class
        await s.wait_for(lambda: s.files_in("C0GENERAL"))
        await slack.slash("/debate", "import", user=TEACHER)
        [view] = await s.wait_for(lambda: s.views_for(TEACHER, IMPORT_CALLBACK))
        await slack.submit_view(view=view, values={IMPORT_BLOCK: {IMPORT_INPUT: card(VALID_CARD_LINES)}}, user=TEACHER)
        await slack.slash("/debate", "forget-me", user="U1")
        await s.wait_for(lambda: s.find_action(FORGET_ACTION, user="U1"))
        await slack.click(FORGET_ACTION, user="U1")
        await settle(bot, s)
    used = {call.method for call in s.calls}
    assert used <= set(SCOPE_OF_METHOD), used - set(SCOPE_OF_METHOD)
    # chat.delete only mends a race between two workers (tests/slack/test_reveal_across_processes.py).
    assert set(SCOPE_OF_METHOD) - {"auth.test", "apps.connections.open", "chat.delete"} <= used
    s.assert_clean()
