"""``/debate results``: report files to the teacher by direct message; only the anonymous
aggregate (chart and shift lines) is ever posted to the class, and only when the teacher says so."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from adapters.slack.app import SlackBot
from adapters.slack.buttons import ShareButton
from adapters.slack.render import class_summary_blocks, escape
from adapters.slack.results import USAGE, ResultsChoice, parse_results
from bot.engine.commands import Advanced, PlayerAnswered
from bot.engine.state import GameSettings, Phase, Status
from bot.games.presentation import shift_line, thread_title
from bot.identity import Player, Venue
from bot.store.records import GameRef
from tests.content.cards import VALID_CARD_LINES
from tests.slack.harness import (
    CHANNEL,
    TEACHER,
    library_of,
    running_bot,
    settle,
    small_pack,
    start_game,
    thread_of,
)
from tests.standins.slack_fixtures import Transport
from tests.standins.slack_records import ApiCall
from tests.standins.slack_server import SlackStandIn

# Three students; the stand-in knows U1 and U2, U3 is added per test.
STUDENTS = (("U1", "alice"), ("U2", "bob"), ("U3", "carol"))
PRIVATE_WORDS = ("alice", "bob", "carol", "Alice Adams", "Bob Brown", "Carol Chen", "Student 0")
ANSWER_WORDS = ("Strongly yes", "Lean yes", "Unsure", "Lean no", "Strongly no", "(right)", "(wrong)")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# A thread title that would ping the whole channel if it were not escaped.
LOUD_TITLE = "Safety first <!here> & after"


def loud_pack_lines() -> list[str]:
    return [LOUD_TITLE if line == "Safety first" else line for line in VALID_CARD_LINES]


async def play(bot: SlackBot, ref: GameRef, *, to_end: bool = True, steps: int | None = None) -> None:
    """The students answer every question (stances vary by student and step); the host moves on."""
    service = bot.games.service

    async def quiet(text: str) -> None:
        return None

    moves = 0
    while (state := await service.load(ref)).status is not Status.ENDED:
        if not to_end and steps is not None and moves >= steps:
            return
        step = state.current
        if state.phase is Phase.OPEN:
            for index, (user, name) in enumerate(STUDENTS):
                option = (step.index // 3 + index) % len(step.options)
                answer = PlayerAnswered(user, name, step.index, option, service.clock())
                await bot.games.submit(ref, answer, f"test:{step.index}:{user}", quiet)
        advance = Advanced(TEACHER, True, service.clock())
        await bot.games.submit(ref, advance, f"test:next:{step.index}:{state.phase}", quiet)
        moves += 1


def parse_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark, for spreadsheets
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def public_calls(s: SlackStandIn, since: int = 0) -> list[ApiCall]:
    """Web API calls since ``since`` that post or edit something in a channel (not a DM)."""
    posting = {"chat.postMessage", "chat.update", "files.completeUploadExternal"}
    found = []
    for call in s.calls[since:]:
        channel = str(call.args.get("channel") or call.args.get("channel_id") or "")
        if call.method in posting and not channel.startswith("D"):
            found.append(call)
    return found


def section_texts(blocks: list[dict[str, Any]]) -> list[str]:
    return [block["text"]["text"] for block in blocks if block.get("type") == "section"]


async def test_teacher_gets_files_privately_and_shares_only_the_aggregate(
    slack_standin: SlackStandIn, slack_transport: Transport, database_at: Path | str
) -> None:
    s = slack_standin
    s.add_user("U3", "carol", real_name="Carol Chen", display_name="carol")
    shipped = library_of(small_pack(loud_pack_lines()))
    async with running_bot(s, database_at, slack_transport, shipped=shipped) as (bot, slack):
        ref = await start_game(bot, s, slack)
        await play(bot, ref)
        await settle(bot, s)
        thread = await thread_of(bot, ref)
        public_before = len(s.messages_in(CHANNEL)), len(s.messages_in(CHANNEL, thread.ts))

        # A student asking is refused, privately, and nothing is sent or posted.
        refused = await slack.slash("/debate", "results", user="U1")
        assert refused.acked and refused.elapsed < 3
        [refusal] = await s.wait_for(lambda: s.responses_for("U1"))
        assert refusal.text.startswith("Only teachers") and refusal.effect == "ephemeral"
        assert s.dms_to("U1") == [] and not s.calls_to("files.completeUploadExternal")

        # The teacher gets the files by direct message, then a private note with the share button.
        earlier = len(s.responses_for(TEACHER))  # the reply to /debate start
        asked = await slack.slash("/debate", "results", user=TEACHER)
        assert asked.acked and asked.elapsed < 3
        [note] = await s.wait_for(lambda: s.responses_for(TEACHER)[earlier:])
        dm = s.dm_channels[TEACHER]
        files = {f.filename: f for f in s.files_in(dm)}
        stem = f"game-{ref.game_id}"
        assert set(files) == {
            f"{stem}-students.csv",
            f"{stem}-questions.csv",
            f"{stem}-stances.csv",
            f"{stem}-report.xlsx",
            f"{stem}-chart.png",
        }
        assert all(f.channels == [dm] for f in files.values())  # the DM only
        [opened] = s.calls_to("conversations.open")
        assert opened.args["users"] == TEACHER

        students = parse_csv(files[f"{stem}-students.csv"].content or b"")
        assert students[0][0] == "Student" and len(students) == 1 + len(STUDENTS)  # a row per student
        assert [row[0] for row in students[1:]] == ["Student 01", "Student 02", "Student 03"]
        stances = parse_csv(files[f"{stem}-stances.csv"].content or b"")
        assert stances[0] == ["Student", "Thread", "Before", "After", "Shift"]
        assert {row[0] for row in stances[1:]} == {"Student 01", "Student 02", "Student 03"}
        assert (files[f"{stem}-chart.png"].content or b"").startswith(PNG_MAGIC)
        for data in (files[f"{stem}-students.csv"].content, files[f"{stem}-stances.csv"].content):
            assert not any(word.encode() in (data or b"") for word in ("alice", "bob", "carol"))  # pseudonyms

        assert note.effect == "ephemeral" and "direct message" in note.text
        share = ShareButton(ref.game_id).action_id
        assert any(e.get("action_id") == share for b in note.blocks for e in b.get("elements", []))
        # Nothing has been posted to the class yet.
        assert (len(s.messages_in(CHANNEL)), len(s.messages_in(CHANNEL, thread.ts))) == public_before
        assert s.files_in(CHANNEL) == []

        # The teacher shares: the chart and the shift lines go into the debate's thread.
        since = len(s.calls)
        clicked = await slack.click(share, user=TEACHER)
        assert clicked.acked and clicked.elapsed < 3
        [chart] = await s.wait_for(lambda: s.files_in(CHANNEL, thread.ts))
        await s.wait_for(lambda: len(s.responses_for(TEACHER)) == earlier + 2)
        await settle(bot, s)
        pack = await bot.games.service.pack_of(ref)
        pairs = await bot.games.service.stance_pairs(ref)

    assert (chart.content or b"").startswith(PNG_MAGIC) and chart.filename == f"{stem}-chart.png"
    [summary] = [m for m in s.messages_in(CHANNEL, thread.ts) if m.text.startswith("How opinions moved")]
    lines = [shift_line(thread_title(pack, t.id), pairs.get(t.id, {})) for t in pack.all_threads()]
    assert pairs and all(len(by_user) == len(STUDENTS) for by_user in pairs.values())
    shifts_text = section_texts(summary.blocks)[1]
    assert shifts_text.splitlines()[1:] == [escape(line) for line in lines]  # respondents and net shift, escaped
    assert "&lt;!here&gt;" in shifts_text and "<!here>" not in shifts_text

    # Every public payload the share made: no name, pseudonym, user id or anyone's answer.
    shared = public_calls(s, since)
    assert {c.method for c in shared} == {"chat.postMessage", "files.completeUploadExternal"}
    for call in shared:
        payload = json.dumps(call.args, ensure_ascii=False)
        for word in (*PRIVATE_WORDS, *ANSWER_WORDS, "<!here>", *(f"<@{user}" for user, _ in STUDENTS)):
            assert word not in payload, (word, payload)
        for user, _ in STUDENTS:
            assert f'"{user}"' not in payload
    # Over the whole run: no report file and no pseudonym ever reached a channel.
    public_files = [f for f in s.files.values() if any(not c.startswith("D") for c in f.channels)]
    assert public_files == [chart]
    for call in public_calls(s):
        assert "Student 0" not in json.dumps(call.args), call.args
    # The note lost its button once used.
    done = s.responses_for(TEACHER)[-1]
    assert done.payload.get("replace_original") is True and done.text.startswith("Shared the anonymous summary")
    s.assert_clean()


async def test_names_explicit_games_and_refusals(slack_standin: SlackStandIn, database_at: Path | str) -> None:
    s = slack_standin
    s.add_user("U3", "carol", real_name="Carol Chen", display_name="carol")
    async with running_bot(s, database_at, "socket") as (bot, slack):
        service = bot.games.service

        async def ask(text: str, channel: str = CHANNEL) -> str:
            before = len(s.responses_for(TEACHER))
            result = await slack.slash("/debate", f"results {text}".strip(), user=TEACHER, channel=channel)
            assert result.acked and result.elapsed < 3
            replies = await s.wait_for(lambda: s.responses_for(TEACHER)[before:])
            return replies[0].text

        assert (await ask("")).startswith("No debate has been played in this channel yet")
        assert (await ask("12 names please")).startswith("I don't understand `please`")
        assert (await ask("9" * 30)).startswith("I don't understand")  # no overflow in SQLite

        ref = await start_game(bot, s, slack)
        await play(bot, ref, to_end=False, steps=6)  # still running: results so far
        assert (await service.load(ref)).status is not Status.ENDED

        # `names` puts display names in the files.
        assert "direct message" in await ask("names")
        dm = s.dm_channels[TEACHER]
        students = parse_csv(s.files_in(dm)[0].content or b"")
        assert [row[0] for row in students[1:]] == ["alice", "bob", "carol"]

        # A game of another workspace is refused as if it did not exist; nothing is sent.
        other, _ = await service.start_game(
            Venue("slack", "T0OTHER", "C0ELSEWHERE"),
            Player("slack", "T0OTHER", "UOTHER"),
            "other",
            small_pack(),
            GameSettings(),
            7,
        )
        assert other.workspace_id != ref.workspace_id
        sent = len(s.files_in(dm))
        assert await ask(str(other.game_id)) == f"There is no game {other.game_id} in this workspace."
        assert len(s.files_in(dm)) == sent

        # An explicit game of this workspace can be asked for from another channel.
        assert "direct message" in await ask(f"#{ref.game_id}", channel="C0STAFFROOM")
        assert len(s.files_in(dm)) == sent + 5  # three CSVs, the workbook, the chart

        # A redelivered /debate results (same trigger id) sends the files once.
        before = len(s.responses_for(TEACHER))
        command = slack.payloads.slash_command("/debate", "results", user=TEACHER, channel=CHANNEL)
        for _ in range(2):
            assert (await slack.send("slash_commands", dict(command))).acked
        await s.wait_for(lambda: s.responses_for(TEACHER)[before:])
        await settle(bot, s)
        assert len(s.files_in(dm)) == sent + 10 and len(s.responses_for(TEACHER)) == before + 1

        # A redelivered share click posts once; a student's forged click posts nothing.
        share = ShareButton(ref.game_id).action_id
        target = s.find_action(share, user=TEACHER)
        payload = slack.payloads.block_actions(share, user=TEACHER, target=target)
        for _ in range(2):
            assert (await slack.send("interactive", payload)).acked
        thread = await thread_of(bot, ref)
        await s.wait_for(lambda: s.files_in(CHANNEL, thread.ts))
        await settle(bot, s)
        assert len(s.files_in(CHANNEL, thread.ts)) == 1
        await slack.click(share, user="U1", channel=CHANNEL)
        [refusal] = await s.wait_for(lambda: s.responses_for("U1"))
        assert refusal.text == "Only teachers can share a debate's results."
        await settle(bot, s)
        assert len(s.files_in(CHANNEL, thread.ts)) == 1
    s.assert_clean()


async def test_a_failed_upload_is_reported_to_the_teacher(slack_standin: SlackStandIn, database_at: Path | str) -> None:
    s = slack_standin
    async with running_bot(s, database_at, "http") as (bot, slack):
        await start_game(bot, s, slack)
        await s.wait_for(lambda: s.responses_for(TEACHER))  # the reply to /debate start is in (on a loaded
        await settle(bot, s)  # machine it can land after the game's first step), so it is not taken for the next
        s.inject_error("files.completeUploadExternal", "not_in_channel")
        earlier = len(s.responses_for(TEACHER))
        await slack.slash("/debate", "results", user=TEACHER)
        [reply] = await s.wait_for(lambda: s.responses_for(TEACHER)[earlier:])
        assert reply.text == "I couldn't send you the files (not_in_channel). Please try again."
        assert reply.blocks == []  # no share button without the files
    s.assert_clean()


def test_results_arguments_and_the_share_button() -> None:
    assert parse_results(()) == ResultsChoice(None, False)
    assert parse_results(("12", "names")) == ResultsChoice(12, True)
    assert parse_results(("NAMES", "#7")) == ResultsChoice(7, True)
    assert isinstance(parse_results(("12", "13")), str)  # one game at a time
    assert parse_results(("<!here>",)) == f"I don't understand `&lt;!here&gt;` there. {USAGE}"
    button = ShareButton(42)
    assert ShareButton.parse(button.action_id) == button
    assert ShareButton.parse("results-share:x") is None and ShareButton.parse("host:1:next") is None
    assert ShareButton.parse("results-share:" + "9" * 30) is None  # too big for SQLite: no listener
    assert isinstance(parse_results(("9" * 30,)), str)
    shown = json.dumps(class_summary_blocks("Dogs <@U1>?", ["A <!channel> thread: +0.50 (towards yes; 2 players)"]))
    assert "<@U1>" not in shown and "<!channel>" not in shown and "&lt;!channel&gt;" in shown
