"""``/debate results``: the teacher's files privately, and only the anonymous summary in public."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from adapters.discord.results import SHARE_LABEL, SHARED
from bot.engine.script import STANCE_SCALE
from bot.games.presentation import shift_line, thread_title
from bot.games.results import STILL_OPEN
from bot.reports.chart import chart_png
from bot.reports.writer import game_report
from tests.discord.harness import (
    TEACHERS_ONLY,
    answer_ids,
    closes,
    host_id,
    posts_after,
    running_bot,
    shows,
    start_debate,
    step_messages,
    the_game,
)
from tests.standins.discord_server import DiscordStandIn, FakeChannel, InteractionRecord, RecordedMessage

PLAYERS = ("alice", "dave", "erin")
NAMES = ("Alice", "Dave", "Erin")
NO_MENTIONS: dict[str, list[str]] = {"parse": []}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


async def play_through(standin: DiscordStandIn, thread: FakeChannel, host: str = "carol") -> None:
    """Every player answers every question (varied choices, so stances move), then the host
    moves on until the game is over."""
    while True:
        message = step_messages(standin, thread)[-1]
        options = answer_ids(message)
        step = len(step_messages(standin, thread))
        if options:
            for number, player in enumerate(PLAYERS):
                await standin.click(message, options[(number * 2 + step) % len(options)], user=player)
            await shows(standin, message, f"{len(PLAYERS)} answered")
            await standin.click(message, host_id(message, "next"), user=host)
            await closes(standin, message)
        count = len(standin.messages_in(thread))
        await standin.click(message, host_id(message, "next"), user=host)
        newest = await posts_after(standin, thread, count)
        if newest.content == "🏁 The debate is over.":
            return


async def results(
    standin: DiscordStandIn, options: dict[str, Any] | None = None, *, user: str = "carol", channel: Any = None
) -> InteractionRecord:
    rec = await standin.slash("debate", options or {}, subcommand="results", user=user, channel=channel)
    await standin.wait_for(lambda: rec.message is not None and not rec.message.loading)
    return rec


def files_of(message: RecordedMessage) -> dict[str, bytes]:
    return {a.filename: a.data for a in message.attachments}


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())  # UTF-8 with a byte-order mark, for spreadsheets
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def public_text(message: RecordedMessage) -> str:
    """Everything anyone could read in a public message: every payload sent for it, and
    the names of its files."""
    return json.dumps(message.payloads, ensure_ascii=False) + " ".join(a.filename for a in message.attachments)


async def test_teacher_gets_files_privately_and_shares_only_the_anonymous_summary(
    discord_standin: DiscordStandIn, database_at: Path | str
) -> None:
    standin = discord_standin
    for name in ("dave", "erin"):
        standin.add_user(name)
    async with running_bot(standin, database_at) as bot:
        _, thread = await start_debate(standin)
        ref = await the_game(bot)
        await play_through(standin, thread)
        before_share = {m.id for m in standin.messages if not m.ephemeral}
        rec = await results(standin, channel=thread)
        private = rec.message
        assert private is not None
        [share_id] = private.custom_ids()
        button = private.find_component(share_id)
        assert button is not None and button["label"] == SHARE_LABEL and share_id == f"rebuttal:share:{ref.game_id}"
        assert not [m for m in standin.messages if not m.ephemeral and m.id not in before_share]  # nothing public yet
        shared = await standin.click(private, share_id, user="carol")
        await standin.wait_for(lambda: len(shared.followups) == 2)
        report = await game_report(bot.services.games.database, ref, names=False)
        named = await game_report(bot.services.games.database, ref, names=True)
        pairs = await bot.services.games.stance_pairs(ref)
        host = (await bot.services.games.load(ref)).host
        usernames = [standin.user(p).username for p in PLAYERS]
        user_ids = [str(standin.user(p).id) for p in PLAYERS]

    # Privately, to the teacher: the two CSVs and the chart, with pseudonyms.
    assert rec.ephemeral and private.ephemeral and private.visible_to == standin.user("carol").id
    assert private.allowed_mentions == NO_MENTIONS
    files = files_of(private)
    game = ref.game_id
    assert list(files) == [
        f"game-{game}-students.csv",
        f"game-{game}-questions.csv",
        f"game-{game}-stances.csv",
        f"game-{game}-report.xlsx",
        f"game-{game}-chart.png",
    ]
    students = csv_rows(files[f"game-{game}-students.csv"])
    assert students[0][0] == "Student" and students[0][-len(report.pack.all_threads()) - 4] == "Questions answered"
    assert [row[0] for row in students[1:]] == ["Student 01", "Student 02", "Student 03"]  # a row per student
    stances = csv_rows(files[f"game-{game}-stances.csv"])
    assert stances[0] == ["Student", "Thread", "Before", "After", "Shift"]
    assert len(stances) == 1 + len(PLAYERS) * len(report.pack.all_threads())
    assert all(row[2] in STANCE_SCALE and row[3] in STANCE_SCALE for row in stances[1:])  # everyone gave both
    assert files[f"game-{game}-chart.png"].startswith(PNG_MAGIC)
    # Titled with the channel's name, as the bot sees it (the game was started in the text channel).
    class_name = f"#{standin.text_channel.name}"
    assert files[f"game-{game}-chart.png"] == chart_png(report, class_name=class_name)
    assert not any(n in private.content for n in NAMES)
    assert private.content.startswith(
        f"Results of game {game}, “Should towns build more bike lanes?” (ended, 3 students)."
    )

    # After the teacher chose to share: the button is gone, and the class sees the summary.
    assert shared.callback_type == 7 and private.components == []
    confirm, post = shared.followups if shared.followups[0].ephemeral else shared.followups[::-1]
    assert confirm.ephemeral and confirm.content == SHARED
    assert not post.ephemeral and post.channel_id == thread.id
    assert [a.filename for a in post.attachments] == [f"game-{game}-chart.png"]
    chart = post.attachments[0].data
    assert chart.startswith(PNG_MAGIC)
    # The chart is the same whatever the names: it has none.
    assert chart == chart_png(report, public=True, class_name=class_name) == chart_png(named, class_name=class_name)
    [embed] = post.embeds
    assert embed["title"] == "Should towns build more bike lanes?"
    assert embed["image"]["url"] == f"attachment://game-{game}-chart.png"
    lines = [
        shift_line(thread_title(report.pack, t.id), {u: p for u, p in pairs.get(t.id, {}).items() if u != host})
        for t in report.pack.all_threads()
    ]
    assert embed["description"].split("\n\n", 1)[1].split("\n") == lines
    assert all("3 players" in line for line in lines)
    for line, thread_result in zip(lines, report.threads, strict=True):
        assert f"{thread_result.shift.net_shift:+.2f}" in line  # the same numbers as the chart's

    # Every public message the bot sent since the game ended: nothing names or singles anyone out.
    public = [m for m in standin.messages if not m.ephemeral and m.id not in before_share]
    assert public == [post]
    forbidden = [*NAMES, *usernames, *user_ids, "Student", *STANCE_SCALE, "Carol", "carol"]
    for message in public:
        text = public_text(message)
        assert not [word for word in forbidden if word in text], text
        assert all(p.get("allowed_mentions") == NO_MENTIONS for p in message.payloads)


async def test_names_option_uses_display_names_in_private_files_only(
    discord_standin: DiscordStandIn, database_at: Path | str
) -> None:
    standin = discord_standin
    for name in ("dave", "erin"):
        standin.add_user(name)
    async with running_bot(standin, database_at) as bot:
        _, thread = await start_debate(standin)
        ref = await the_game(bot)
        await play_through(standin, thread)
        rec = await results(standin, {"names": True}, channel=standin.text_channel)
        private = rec.message
        assert private is not None
        shared = await standin.click(private, private.custom_ids()[0], user="carol")
        await standin.wait_for(lambda: len(shared.followups) == 2)
    files = files_of(private)
    students = csv_rows(files[f"game-{ref.game_id}-students.csv"])
    assert [row[0] for row in students[1:]] == list(NAMES)
    stances = csv_rows(files[f"game-{ref.game_id}-stances.csv"])
    assert {row[0] for row in stances[1:]} == set(NAMES)
    assert "under their display names" in private.content
    # Shared from the channel the debate was started in: posted there, still anonymous.
    [post] = [m for m in shared.followups if not m.ephemeral]
    assert post.channel_id == standin.text_channel.id
    text = public_text(post)
    assert not [word for word in (*NAMES, "Student", *STANCE_SCALE) if word in text], text


async def test_a_student_is_refused_and_nothing_is_posted(
    discord_standin: DiscordStandIn, database_at: Path | str
) -> None:
    standin = discord_standin
    async with running_bot(standin, database_at) as bot:
        _, thread = await start_debate(standin)
        [question] = step_messages(standin, thread)
        await standin.click(question, answer_ids(question)[0], user="alice")
        ref = await the_game(bot)
        public_before = [m.id for m in standin.messages if not m.ephemeral]
        asked = await standin.slash("debate", subcommand="results", user="alice", channel=thread)
        with_game = await standin.slash("debate", {"game": ref.game_id}, subcommand="results", user="alice")
        # Even a forged click on the teacher's button (Discord would not deliver one) is refused.
        teacher = await results(standin, channel=thread)
        assert teacher.message is not None
        forged = standin.build_interaction(
            3,
            {"custom_id": teacher.message.custom_ids()[0], "component_type": 2},
            user="alice",
            message=teacher.message,
        )
        forged_click = await standin.send_interaction(forged)
        public_after = [m.id for m in standin.messages if not m.ephemeral]
    for refused in (asked, with_game, forged_click):
        assert refused.ephemeral and refused.content == TEACHERS_ONLY
        assert refused.message is not None and refused.message.attachments == []
        assert refused.message.visible_to == standin.user("alice").id
    assert teacher.message.components  # the teacher's button is untouched by the forged click
    assert public_after == public_before


async def test_default_game_is_the_newest_here_running_or_ended(
    discord_standin: DiscordStandIn, database_at: Path | str
) -> None:
    standin = discord_standin
    async with running_bot(standin, database_at) as bot:
        empty = await standin.slash("debate", subcommand="results", user="carol", channel="debate-hall")
        _, first_thread = await start_debate(standin)
        first = await the_game(bot)
        ended = await standin.slash("debate", subcommand="end", user="carol", channel=first_thread)
        await standin.wait_for(lambda: standin.messages_in(first_thread)[-1].content == "🏁 The debate is over.")
        after_end = await results(standin)  # in #general, where it was started: the ended game
        _, second_thread = await start_debate(standin)
        second = await the_game(bot)
        in_channel = await results(standin)
        in_first_thread = await results(standin, channel=first_thread)
        in_second_thread = await results(standin, channel=second_thread)
        explicit = await results(standin, {"game": first.game_id}, channel="debate-hall")
    assert (
        empty.ephemeral
        and empty.content is not None
        and empty.content.startswith("No debate has been played here yet.")
    )
    assert ended.content == "The game has ended."
    assert second.game_id > first.game_id
    for rec, game in [
        (after_end, first),
        (in_channel, second),
        (in_first_thread, first),
        (in_second_thread, second),
        (explicit, first),
    ]:
        assert rec.ephemeral and rec.message is not None
        assert rec.message.content.startswith(f"Results of game {game.game_id}, ")
        assert [a.filename for a in rec.message.attachments] == [
            f"game-{game.game_id}-students.csv",
            f"game-{game.game_id}-questions.csv",
            f"game-{game.game_id}-stances.csv",
            f"game-{game.game_id}-report.xlsx",
            f"game-{game.game_id}-chart.png",
        ]
    assert in_channel.message is not None and "(running, 0 students)" in in_channel.message.content


async def test_a_game_of_another_server_is_refused(discord_standin: DiscordStandIn, database_at: Path | str) -> None:
    standin = discord_standin
    other = standin.add_guild("Other School", text_channels=["lobby"], users=["carol", "alice"])
    other.owner_id = standin.user("carol").id  # carol teaches in both servers
    lobby = next(c for c in other.channels if c.name == "lobby")
    async with running_bot(standin, database_at) as bot:
        _, thread = await start_debate(standin)
        [question] = step_messages(standin, thread)
        await standin.click(question, answer_ids(question)[0], user="alice")
        ref = await the_game(bot)
        there = await standin.slash("debate", {"game": ref.game_id}, subcommand="results", user="carol", channel=lobby)
        missing = await standin.slash("debate", {"game": ref.game_id + 1000}, subcommand="results", user="carol")
        # A share button for this game clicked from the other server finds nothing either.
        mine = await results(standin, channel=thread)
        assert mine.message is not None
        replay = standin.build_interaction(
            3,
            {"custom_id": mine.message.custom_ids()[0], "component_type": 2},
            user="carol",
            message=mine.message,
            channel=lobby,
        )
        replayed = await standin.send_interaction(replay)
        other_workspace = await bot.services.games.workspace_id("discord", str(other.id))
    assert other_workspace != ref.workspace_id
    assert there.ephemeral and there.content == f"There is no game {ref.game_id} in this server."
    assert missing.ephemeral and missing.content == f"There is no game {ref.game_id + 1000} in this server."
    assert there.message is not None and there.message.attachments == []
    assert replayed.ephemeral and replayed.content == "This debate no longer exists."
    assert not [m for m in standin.messages if not m.ephemeral and m.channel_id == lobby.id]


async def test_no_share_while_a_question_is_open(discord_standin: DiscordStandIn, database_at: Path | str) -> None:
    standin = discord_standin
    async with running_bot(standin, database_at) as bot:
        _, thread = await start_debate(standin)
        [stance] = step_messages(standin, thread)
        await standin.click(stance, answer_ids(stance)[0], user="alice")
        ref = await the_game(bot)
        rec = await results(standin, channel=thread)  # mid-game: the teacher may look privately
        private = rec.message
        assert private is not None
        public_before = [m.id for m in standin.messages if not m.ephemeral]
        early = await standin.click(private, private.custom_ids()[0], user="carol")
        assert early.ephemeral and early.content == STILL_OPEN
        assert private.custom_ids()  # the button stays, for after the question closes
        assert [m.id for m in standin.messages if not m.ephemeral] == public_before
        await standin.click(stance, host_id(stance, "next"), user="carol")
        await closes(standin, stance)
        later = await standin.click(private, private.custom_ids()[0], user="carol")
        await standin.wait_for(lambda: len(later.followups) == 2)
    assert "(running, 1 student)" in private.content
    assert [row[0] for row in csv_rows(files_of(private)[f"game-{ref.game_id}-students.csv"])[1:]] == ["Student 01"]
    [post] = [m for m in later.followups if not m.ephemeral]
    assert post.channel_id == thread.id
    [embed] = post.embeds
    assert embed["description"].endswith("Safety first: no one gave both stances")  # only one stance so far
    text = public_text(post)
    assert not [word for word in ("Alice", "alice", "Student", *STANCE_SCALE) if word in text], text
