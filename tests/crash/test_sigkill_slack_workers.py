"""Several Slack workers on one PostgreSQL, one killed mid-burst (issue 15's multi-process
acceptance test): three ``rebuttal run slack --http`` processes share one database; a teacher
starts a debate through one of them and opens a prediction question; 300 players click an
answer, spread round-robin over the three workers as a load balancer would, at 100 clicks a
second; one worker is SIGKILLed mid-burst. Every click that got HTTP 200 (Slack's promise to the
player that it was taken) is stored with the option clicked, and the teacher finishes the game
through the two workers left.

The test spreads the clicks over three ports itself rather than through one ``--reuse-port``
port: which process the kernel hands a connection to is its choice, so the kill could land on
an idle worker. ``test_two_workers_share_one_port`` checks ``--reuse-port`` on its own."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

import aiohttp
import asyncpg
import pytest

from adapters.slack.buttons import ANSWER_ACTION, AnswerButton
from adapters.slack.entry import EVENTS_PATH
from bot.games.presentation import SCOREBOARD_TITLE
from tests.crash.repetitions import REPETITIONS
from tests.crash.slack_workers import http_workers, kill
from tests.crash.test_sigkill_slack import buttons
from tests.engines import PostgresForTests
from tests.slack.test_entry import free_port, listening
from tests.standins.slack_drivers import HttpDriver, SendOptions
from tests.standins.slack_records import MessageRecord
from tests.standins.slack_server import SlackStandIn, SlackUser
from tests.waiting import until

TEACHER = "UADMIN"
CHANNEL = "C0GENERAL"
PLAYERS = [f"UW{i:04d}" for i in range(300)]
WORKERS = 3
KILLED = 1  # the worker killed mid-burst; the others take the rest of the game
SPREAD = 0.01  # seconds between two players' clicks: 100 a second, a three-second burst
# Count an ack however late it comes: a late one is still a promise that the click is stored.
PATIENT = SendOptions(timeout=15.0)
ERROR_LINE = re.compile(r"\b(ERROR|CRITICAL)\b|Traceback")
MOST_STEPS = 100  # far more than a debate has: a game that never ends fails instead of looping


def users() -> list[SlackUser]:
    teacher = SlackUser(TEACHER, "admin", "Ada Admin", "ada", is_admin=True, is_owner=True)
    return [teacher, *(SlackUser(p, p.lower(), p, p) for p in PLAYERS)]


def driver(standin: SlackStandIn, port: int) -> HttpDriver:
    return HttpDriver(standin, f"http://127.0.0.1:{port}{EVENTS_PATH}", default_channel=CHANNEL)


async def fetch(url: str, sql: str, *arguments: object) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(url)
    try:
        return list(await connection.fetch(sql, *arguments))
    finally:
        await connection.close()


async def the_game(url: str) -> asyncpg.Record:
    (game,) = await fetch(url, "SELECT id, status, step, phase, ended_at FROM games WHERE kind = 'live'")
    return game


async def next_step(slack: HttpDriver, url: str) -> asyncpg.Record:
    """The teacher's ``/debate next`` through ``slack``'s worker; the game as it moved on."""
    before = await the_game(url)
    assert (await slack.slash("/debate", "next", user=TEACHER, options=PATIENT)).acked
    after: list[asyncpg.Record] = []

    def where(game: asyncpg.Record) -> tuple[str, int, str]:
        return game["status"], game["step"], game["phase"]

    async def moved() -> bool:
        after[:] = [await the_game(url)]
        return where(after[0]) != where(before)

    await until(moved, f"the game moved on from step {before['step']} ({before['phase']})")
    return after[0]


async def open_a_prediction(slack: HttpDriver, url: str) -> asyncpg.Record:
    """Advance the new game until a prediction question takes answers."""
    game = await the_game(url)
    for _ in range(MOST_STEPS):
        kinds = await fetch(
            url, "SELECT kind FROM questions WHERE game_id = $1 AND step = $2", game["id"], game["step"]
        )
        if [row["kind"] for row in kinds] == ["predict"] and game["phase"] == "open":
            return game
        game = await next_step(slack, url)
    raise AssertionError("the debate has no prediction question")


async def question_message(standin: SlackStandIn, game_id: int, step: int) -> MessageRecord:
    def drawn() -> MessageRecord | None:
        for message in standin.messages:
            for action in buttons(message, ANSWER_ACTION):
                answer = AnswerButton.parse(action)
                if answer is not None and (answer.game_id, answer.step) == (game_id, step):
                    return message
        return None

    return await standin.wait_for(drawn, timeout=60)


@pytest.mark.parametrize("run", REPETITIONS)
async def test_answers_acknowledged_by_any_worker_survive_a_sigkilled_worker_and_the_game_ends(
    postgres_server: PostgresForTests, tmp_path: Path, run: int
) -> None:
    url = postgres_server.create()
    try:
        async with SlackStandIn(users=users()) as standin:
            ports = [free_port() for _ in range(WORKERS)]
            async with http_workers(standin, url, ports, logs=tmp_path) as workers:
                slacks = [driver(standin, port) for port in ports]
                try:
                    started = await slacks[0].slash("/debate", "start voting-age-16", user=TEACHER, options=PATIENT)
                    assert started.acked
                    await until(lambda: bool(standin.messages), "the debate was posted")
                    game = await open_a_prediction(slacks[0], url)
                    question = await question_message(standin, game["id"], game["step"])
                    answers = buttons(question, ANSWER_ACTION)

                    clicked: dict[str, int] = {}  # player -> the option clicked
                    acked: dict[str, int] = {}  # player -> the option, for clicks that got HTTP 200
                    sent_at: dict[str, float] = {}
                    refused: dict[str, int | None] = {}  # player -> the HTTP status; None: no answer
                    killed_at: list[float] = []

                    async def click(index: int, player: str) -> None:
                        await asyncio.sleep(index * SPREAD)
                        action = answers[index % len(answers)]
                        option = AnswerButton.parse(action).option  # type: ignore[union-attr]
                        clicked[player], sent_at[player] = option, time.monotonic()
                        slack = slacks[index % WORKERS]
                        try:
                            result = await slack.click(action, user=player, message=question, options=PATIENT)
                        except aiohttp.ClientError:  # the worker was killed, or is gone
                            refused[player] = None
                            return
                        if result.acked:
                            acked[player] = option
                        else:
                            refused[player] = result.status

                    clicks = [asyncio.create_task(click(i, p)) for i, p in enumerate(PLAYERS)]
                    to_killed = {p for i, p in enumerate(PLAYERS) if i % WORKERS == KILLED}
                    # The kill point is counted in clicks sent (acks lag behind on a busy
                    # machine), once the worker to be killed has acknowledged a few.
                    kill_at = 45 + 20 * run

                    def mid_burst() -> bool:
                        return len(sent_at) >= kill_at and len(to_killed & acked.keys()) >= 5

                    await until(mid_burst, f"{kill_at} clicks sent, 5 acknowledged by the worker to be killed")
                    kill(workers[KILLED])
                    killed_at.append(time.monotonic())
                    # The burst goes on; clicks to the killed worker fail from now on.
                    sent_before_kill = len([t for t in sent_at.values() if t < killed_at[0]])
                    await asyncio.gather(*clicks, return_exceptions=True)

                    assert sent_before_kill < len(PLAYERS) and to_killed - acked.keys(), (
                        "the kill did not land mid-burst"
                    )
                    rows = await fetch(
                        url,
                        "SELECT user_id, option FROM answers WHERE game_id = $1 AND step = $2",
                        game["id"],
                        game["step"],
                    )
                    stored = {row["user_id"]: row["option"] for row in rows}
                    lost = sorted(acked.keys() - stored.keys())
                    assert not lost, f"acknowledged but not stored: {lost[:5]} of {len(lost)}"
                    assert {p: stored[p] for p in acked} == acked, (
                        "an acknowledged answer is stored with another option"
                    )
                    assert all(clicked[p] == option for p, option in stored.items())
                    survivors = [s for n, s in enumerate(slacks) if n != KILLED]
                    after_kill = {p for p in acked if sent_at[p] > killed_at[0]}
                    assert after_kill, "no worker left took a click after the kill"

                    # The teacher finishes the game through the workers left, in turn.
                    for number in range(MOST_STEPS):
                        game = await next_step(survivors[number % len(survivors)], url)
                        if game["status"] == "ended":
                            break
                    assert game["status"] == "ended" and game["ended_at"] is not None
                    await until(
                        lambda: any(m.text == SCOREBOARD_TITLE for m in standin.messages), "the final scoreboard"
                    )
                    await asyncio.sleep(1)  # time for a second scoreboard to show, were there one
                    assert sum(m.text == SCOREBOARD_TITLE for m in standin.messages) == 1
                    players = await fetch(
                        url, "SELECT user_id, answered FROM game_players WHERE game_id = $1", game["id"]
                    )
                    answered = {row["user_id"]: row["answered"] for row in players}
                    assert all(answered.get(p, 0) >= 1 for p in stored), "a stored answer is missing from the results"
                    for number in range(WORKERS):
                        text = (tmp_path / f"worker-{number}.log").read_text()
                        assert not ERROR_LINE.search(text), f"worker {number}: {text[-3000:]}"
                    unacked_by_survivors = len(set(PLAYERS) - to_killed - acked.keys())
                    refused_but_stored = sorted(
                        (p in to_killed, refused[p], round(sent_at[p] - killed_at[0], 2))
                        for p in stored.keys() - acked.keys()
                    )
                    print(
                        f"run {run}: killed after {sent_before_kill} clicks sent; {len(acked)} acknowledged, {len(stored)} stored, "
                        f"{len(to_killed - acked.keys())} clicks to the killed worker unacknowledged, "
                        f"{len(after_kill)} acknowledged after the kill, "
                        f"{unacked_by_survivors} clicks to the other workers unacknowledged; "
                        f"stored unacknowledged (to the killed worker, status, sent after kill s): {refused_but_stored}"
                    )
                finally:
                    for slack in slacks:
                        await slack.close()
    finally:
        postgres_server.drop(url)


async def test_two_workers_share_one_port(postgres_server: PostgresForTests, tmp_path: Path) -> None:
    """``--reuse-port``: a second worker binds the port the first one serves (without it, it
    could not), and serves it alone once the first is killed."""
    url = postgres_server.create()
    try:
        async with SlackStandIn(users=users()) as standin:
            port = free_port()
            async with http_workers(standin, url, [port], reuse_port=True, logs=tmp_path / "first") as (first,):
                second_log = tmp_path / "second"
                async with http_workers(standin, url, [port], reuse_port=True, logs=second_log) as (second,):
                    log = second_log / "worker-0.log"
                    await until(lambda: log.exists() and "serving Slack events" in log.read_text(), "the second serves")
                    assert first.poll() is None and second.poll() is None
                    kill(first)
                    await listening(port)
                    async with driver(standin, port) as slack:
                        started = await slack.slash("/debate", "start voting-age-16", user=TEACHER, options=PATIENT)
                    assert started.acked
                    await until(lambda: bool(standin.messages), "the debate was posted")
                    assert second.poll() is None
                    (game,) = await fetch(url, "SELECT status FROM games")
                    assert game["status"] == "running"
    finally:
        postgres_server.drop(url)
