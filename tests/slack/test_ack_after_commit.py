"""A click is acknowledged only after what it changes is committed, over HTTP and Socket Mode.

Slack never redelivers an acknowledged click, so an ack sent before the commit is a click a
crash can lose without anyone knowing. Here the database is held busy by another connection
(as another process would), so a commit has to wait: the ack waits with it; a commit that
cannot happen in time is refused and the player is told; a commit that fails is refused and
the player is told to click again.

SQLite only: the busy database is SQLite's write lock (``BEGIN IMMEDIATE`` on the file) and
the stored answers are read from the file.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from adapters.slack import context
from adapters.slack.buttons import ANSWER_ACTION
from adapters.slack.context import NOT_RECORDED, TOO_BUSY
from tests import sqlite_rows
from tests.slack.harness import TEACHER, running_bot
from tests.standins.slack_drivers import SendOptions
from tests.standins.slack_fixtures import Transport
from tests.standins.slack_records import MessageRecord, iter_elements
from tests.standins.slack_server import SlackStandIn

PLAYER = "U1"


@contextmanager
def writer_held(path: Path) -> Iterator[sqlite3.Connection]:
    """Hold the database's write lock from another connection until the block ends (or the
    caller commits), as a second process in the middle of a transaction would."""
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        yield holder
        if holder.in_transaction:
            holder.execute("COMMIT")
    finally:
        holder.close()


async def first_question(s: SlackStandIn) -> tuple[str, MessageRecord]:
    def shown() -> tuple[str, MessageRecord] | None:
        for message in s.messages:
            for _, element in iter_elements(message.blocks):
                if ANSWER_ACTION.fullmatch(str(element.get("action_id", ""))):
                    return str(element["action_id"]), message
        return None

    return await s.wait_for(shown)


async def stored_answers(path: Path) -> set[str]:
    return {row["user_id"] for row in await sqlite_rows.file_rows(path, "SELECT user_id FROM answers")}


def told(s: SlackStandIn, user: str) -> list[str]:
    return [e.text for e in s.ephemerals if e.user == user] + [r.text for r in s.responses_for(user)]


async def test_an_answer_is_acknowledged_only_once_it_is_stored(
    slack_standin: SlackStandIn, slack_transport: Transport, tmp_path: Path
) -> None:
    s, path = slack_standin, tmp_path / "bot.db"
    async with running_bot(s, path, slack_transport) as (_, slack):
        assert (await slack.slash("/debate", "start bike-lanes", user=TEACHER)).acked
        action, question = await first_question(s)
        loop = asyncio.get_running_loop()
        with writer_held(path) as holder:
            loop.call_later(0.6, holder.execute, "COMMIT")  # the other writer finishes
            clicked = await slack.click(action, user=PLAYER, message=question)
            stored_at_ack = await stored_answers(path)
        assert clicked.acked
        assert PLAYER in stored_at_ack, "the click was acknowledged before its answer was stored"
        assert clicked.elapsed >= 0.5  # the ack waited for the other writer, and the commit
        await s.wait_for(lambda: any("Locked in" in text for text in told(s, PLAYER)))


async def test_a_click_not_stored_in_time_is_refused_and_the_player_told(
    slack_standin: SlackStandIn, slack_transport: Transport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s, path = slack_standin, tmp_path / "bot.db"
    monkeypatch.setattr(context, "ACK_DEADLINE", 0.3)  # Slack's own is 3 s; this keeps the test short
    async with running_bot(s, path, slack_transport) as (_, slack):
        assert (await slack.slash("/debate", "start bike-lanes", user=TEACHER)).acked
        action, question = await first_question(s)
        with writer_held(path):
            clicked = await slack.click(action, user=PLAYER, message=question, options=SendOptions(timeout=1.0))
            await s.wait_for(lambda: TOO_BUSY in told(s, PLAYER))
        assert not clicked.acked  # Slack shows the player that the app did not respond
        if slack_transport == "http":
            assert clicked.status == 503
        # The late recording was given up, not left queued: once the other writer is done,
        # nothing of it lands, and clicking again records the answer.
        await asyncio.sleep(0.5)
        assert PLAYER not in await stored_answers(path)
        assert not any("Locked in" in text for text in told(s, PLAYER))
        again = await slack.click(action, user=PLAYER, message=question)
        assert again.acked and PLAYER in await stored_answers(path)
        await s.wait_for(lambda: any("Locked in" in text for text in told(s, PLAYER)))


async def test_a_click_that_cannot_be_stored_is_refused_and_can_be_made_again(
    slack_standin: SlackStandIn, slack_transport: Transport, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    s, path = slack_standin, tmp_path / "bot.db"
    async with running_bot(s, path, slack_transport) as (_, slack):
        assert (await slack.slash("/debate", "start bike-lanes", user=TEACHER)).acked
        action, question = await first_question(s)
        with sqlite3.connect(path, isolation_level=None) as broken:  # every answer write fails
            broken.execute(
                "CREATE TRIGGER refuse_answers BEFORE INSERT ON answers BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"
            )
        with caplog.at_level(logging.ERROR, logger="adapters.slack.context"):
            clicked = await slack.click(action, user=PLAYER, message=question, options=SendOptions(timeout=2.0))
            await s.wait_for(lambda: NOT_RECORDED in told(s, PLAYER))
        assert not clicked.acked
        assert PLAYER not in await stored_answers(path)
        assert not any("Locked in" in text for text in told(s, PLAYER))
        assert any("could not be recorded" in r.getMessage() and r.exc_info for r in caplog.records)

        with sqlite3.connect(path, isolation_level=None) as mended:
            mended.execute("DROP TRIGGER refuse_answers")
        again = await slack.click(action, user=PLAYER, message=question)
        assert again.acked and PLAYER in await stored_answers(path)
        await s.wait_for(lambda: any("Locked in" in text for text in told(s, PLAYER)))
