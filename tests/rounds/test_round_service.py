"""Daily rounds through the service on a real database: private play, the closing summary,
streaks, leaderboards by period, seasons, opt-out, forget-me, and rounds kept apart from games."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from bot.engine.commands import Advanced
from bot.engine.script import StepKind
from bot.engine.state import Phase
from bot.games.service import GameService
from bot.identity import Player
from bot.reports.writer import game_report
from bot.rounds.leaderboards import LeaderboardService
from bot.rounds.presentation import Action, leaderboard_lines, private_card, summary_lines
from bot.rounds.scheduler import Scheduler
from bot.rounds.service import PrivateView, RoundError, RoundService
from bot.rounds.summary import Period, is_milestone
from bot.rounds.timing import ScheduleError
from bot.store.database import Database
from tests import sqlite_rows
from tests.engine.helpers import ManualClock
from tests.engines import database_option
from tests.rounds.helpers import PLATFORM, RecordingPresenter, at, daily, player, round_service, scheduled, venue

STRONGLY_YES, UNSURE, STRONGLY_NO = 0, 2, 4


def boards(rounds: RoundService) -> LeaderboardService:
    return LeaderboardService(rounds.database, rounds.clock)


async def finish(
    rounds: RoundService, round_id: int, who: Player, *, right: int, before: int = UNSURE, after: int = UNSURE
) -> PrivateView:
    """Play a whole round: the first ``right`` predictions right, the rest wrong."""
    name = who.user_id.title()
    view = await rounds.play(round_id, who, name)
    predicted = 0
    while not view.finished:
        card = private_card(view)
        step = view.script.steps[card.step]
        if card.action is Action.CONTINUE:
            view = await rounds.carry_on(round_id, who, name, card.step)
            continue
        option = 0
        if step.kind is StepKind.STANCE:
            option = before if step.opens_thread else after
        elif step.correct_option is not None:
            option = step.correct_option if predicted < right else (step.correct_option + 1) % len(step.options)
            predicted += 1
        view = await rounds.answer(round_id, who, name, card.step, option)
        assert view.accepted, view.note
    return view


async def open_round(scheduler: Scheduler, clock: ManualClock, day: int) -> int:
    clock.now = at(2026, 1, day, 9, 0)
    await scheduler.tick()
    presenter = scheduler.presenter
    assert isinstance(presenter, RecordingPresenter)
    return presenter.announced[-1].round.id


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(at(2026, 1, 5, 8, 0))  # a Monday


async def test_two_days_of_play_summaries_streaks_and_leaderboards(database_at: Path | str, clock: ManualClock) -> None:
    async with scheduled(database_at, clock) as (rounds, scheduler, presenter):
        first = await open_round(scheduler, clock, 5)
        ann = await finish(rounds, first, player("ann"), right=3, before=STRONGLY_NO, after=STRONGLY_YES)
        bob = await finish(rounds, first, player("bob"), right=1, before=UNSURE, after=UNSURE)
        cat = await finish(rounds, first, player("cat"), right=0, before=STRONGLY_NO, after=UNSURE)
        await rounds.play(first, player("dan"), "Dan")  # starts, never finishes
        assert (ann.progress.score, bob.progress.score, cat.progress.score) == (300, 100, 0)
        assert ann.streak == 1

        await open_round(scheduler, clock, 6)  # closes round 1 first
        (closed,) = presenter.summaries
        summary = closed.summary
        assert (summary.started, summary.finished) == (4, 3)
        assert [(f.answered, f.correct) for f in summary.predictions] == [(3, 2), (3, 1), (3, 1)]
        assert summary.shift.respondents == 3
        assert summary.shift.net_shift == pytest.approx((4 + 0 + 2) / 3)  # option scale: 4 = strongly no
        assert [(t.name, t.score) for t in summary.top] == [("Ann", 300), ("Bob", 100)]  # no zero scores
        title, lines = summary_lines(closed)
        assert title.startswith("Daily round 1 is closed")
        assert "Played by 4 (3 finished)." in lines
        assert "Predicted the real rebuttal — 1: 67% of 3; 2: 33% of 3; 3: 33% of 3." in lines

        second = presenter.announced[-1].round.id
        ann2 = await finish(rounds, second, player("ann"), right=2)
        bob2 = await finish(rounds, second, player("bob"), right=3)
        assert (ann2.streak, bob2.streak) == (2, 2)
        card = private_card(ann2)
        assert card.action is Action.NONE and "2 rounds in a row" in card.sections[0].text

        asked = [sum(1 for s in a.round.script.steps if s.kind is StepKind.PREDICT) for a in presenter.announced]
        board = await boards(rounds).leaderboard(1, Period.WEEK, "C1")
        assert [(s.name, s.points, s.correct, s.predicted, s.rounds) for s in board.standings] == [
            ("Ann", 500, 5, sum(asked), 2),
            ("Bob", 400, 4, sum(asked), 2),
            ("Cat", 0, 0, asked[0], 1),
            ("Dan", 0, 0, 0, 1),
        ]
        _, lines = leaderboard_lines(board)
        accuracy = round(100 * 5 / sum(asked))
        assert lines[0] == f"1. Ann — 500 pts, {accuracy}% accuracy (5/{sum(asked)}), 2 rounds"
        latest = await boards(rounds).leaderboard(1, Period.ROUND, "C1")
        assert latest.round is not None and latest.round.number == 2
        assert [s.name for s in latest.standings] == ["Bob", "Ann"]


async def test_a_third_day_in_a_row_is_a_milestone_and_a_missed_day_resets(
    database_at: Path | str, clock: ManualClock
) -> None:
    async with scheduled(database_at, clock) as (rounds, scheduler, presenter):
        for day in (5, 6, 7):
            round_id = await open_round(scheduler, clock, day)
            await finish(rounds, round_id, player("ann"), right=1)
            if day != 6:
                await finish(rounds, round_id, player("bob"), right=1)
        await open_round(scheduler, clock, 8)
        milestones = presenter.summaries[-1].summary.milestones
        assert milestones == (("Ann", 3),)  # Bob skipped day 2: his streak is 1
        assert "Ann has played 3 rounds in a row!" in summary_lines(presenter.summaries[-1])[1]
    assert [n for n in range(1, 120) if is_milestone(n)] == [3, 7, 14, 30, 50, 100]


async def test_opting_out_hides_a_player_from_leaderboards_and_summaries(
    database_at: Path | str, clock: ManualClock
) -> None:
    async with scheduled(database_at, clock) as (rounds, scheduler, presenter):
        round_id = await open_round(scheduler, clock, 5)
        await finish(rounds, round_id, player("ann"), right=3)
        await finish(rounds, round_id, player("bob"), right=1)
        await boards(rounds).set_opted_out(1, "ann", True)
        await open_round(scheduler, clock, 6)
        summary = presenter.summaries[-1].summary
        assert summary.started == 2  # counted, never named
        assert [t.name for t in summary.top] == ["Bob"]
        assert "Ann" not in " ".join(summary_lines(presenter.summaries[-1])[1])
        for period in Period:
            board = await boards(rounds).leaderboard(1, period, "C1")
            assert [s.name for s in board.standings] == ["Bob"], period
        await boards(rounds).set_opted_out(1, "ann", False)
        assert [s.name for s in (await boards(rounds).leaderboard(1, Period.ALL, "C1")).standings] == ["Ann", "Bob"]


async def test_week_and_season_boundaries(database_at: Path | str, clock: ManualClock) -> None:
    clock.now = at(2026, 1, 11, 8, 0)  # a Sunday
    async with scheduled(database_at, clock) as (rounds, scheduler, _presenter):
        sunday = await open_round(scheduler, clock, 11)
        await finish(rounds, sunday, player("ann"), right=3)
        monday = await open_round(scheduler, clock, 12)
        await finish(rounds, monday, player("bob"), right=1)
        assert [s.name for s in (await boards(rounds).leaderboard(1, Period.WEEK, "C1")).standings] == ["Bob"]
        assert [s.name for s in (await boards(rounds).leaderboard(1, Period.SEASON, "C1")).standings] == ["Ann", "Bob"]
        clock.tick(3600)  # a season begun during Monday's round starts with the next round
        season = await boards(rounds).new_season(1, "admin")
        assert season.number == 2
        tuesday = await open_round(scheduler, clock, 13)
        await finish(rounds, tuesday, player("cat"), right=2)
        board = await boards(rounds).leaderboard(1, Period.SEASON, "C1")
        assert (board.season.number, [s.name for s in board.standings]) == (2, ["Cat"])
        assert len((await boards(rounds).leaderboard(1, Period.ALL, "C1")).standings) == 3
        assert leaderboard_lines(board)[0] == "Leaderboard — Season 2"


async def test_clicks_that_cannot_count(database_at: Path | str, clock: ManualClock) -> None:
    async with scheduled(database_at, clock) as (rounds, scheduler, _presenter):
        round_id = await open_round(scheduler, clock, 5)
        await rounds.answer(round_id, player("ann"), "Ann", 0, STRONGLY_YES)
        again = await rounds.answer(round_id, player("ann"), "Ann", 0, STRONGLY_NO)  # a double click
        assert (again.accepted, again.note, again.progress.step) == (False, "You've already answered that one.", 1)
        resumed = await rounds.play(round_id, player("ann"), "Ann")  # the Play button again, later
        assert (resumed.progress.step, resumed.progress.phase) == (1, Phase.OPEN)
        stranger = Player(PLATFORM, "another-workspace", "eve")
        with pytest.raises(RoundError):
            await rounds.play(round_id, stranger, "Eve")
        clock.now = at(2026, 1, 6, 9, 0)  # the close, before the scheduler has run
        late = await rounds.answer(round_id, player("ann"), "Ann", 1, 0)
        assert late.closed and not late.accepted and late.progress.step == 1
        assert private_card(late).title == "This round has closed"


async def test_schedule_settings_are_checked(database_at: Path | str, clock: ManualClock) -> None:
    async with round_service(database_at, clock) as rounds:
        with pytest.raises(ScheduleError, match="no debate called no-such-debate"):
            await rounds.set_schedule(venue(), daily(time(9, 0), packs=("no-such-debate",)), "admin")
        assert await rounds.schedule_at(venue()) is None
        with pytest.raises(RoundError, match="no daily round scheduled"):
            await rounds.set_paused(venue(), True)
        with pytest.raises(RoundError):
            await rounds.remove_schedule(venue())


async def test_a_chosen_rotation_walks_its_debates_thread_by_thread(
    database_at: Path | str, clock: ManualClock
) -> None:
    async with round_service(database_at, clock) as rounds:
        presenter = RecordingPresenter()
        scheduler = Scheduler(rounds, presenter, PLATFORM)
        chosen = ("school-phone-bans", "voting-age-16")
        await rounds.set_schedule(venue(), daily(time(9, 0), packs=chosen), "admin")
        for day in range(5, 20):
            await open_round(scheduler, clock, day)
        library = await rounds.library_for(1)
        expected = [(p, t.id) for p in chosen for t in library.get(p).all_threads()]
        seen = [(a.pack.id, a.round.thread_id) for a in presenter.announced]
        assert seen == (expected * 3)[: len(seen)] and len(seen) == 15


async def test_a_round_is_not_a_live_game_and_reports_like_one(database_at: Path | str, clock: ManualClock) -> None:
    async with scheduled(database_at, clock) as (rounds, scheduler, presenter):
        round_id = await open_round(scheduler, clock, 5)
        await finish(rounds, round_id, player("ann"), right=2, before=STRONGLY_NO, after=UNSURE)
        game = presenter.announced[0].round.game
        service = GameService(rounds.database, clock)
        async with rounds.database.read() as uow:
            assert await uow.places.live_game_at(game.workspace_id, "C1") is None  # /debate start still works
            assert await uow.games.running() == []
        refused = await service.handle(game, Advanced("admin", True, clock()))
        assert not refused.accepted and "daily round" in (refused.reply or "")
        report = await game_report(rounds.database, game, names=True)
        (ann,) = report.players
        assert (ann.label, ann.points, ann.correct, ann.answered, ann.asked) == ("Ann", 200, 2, 6, 6)
        (thread,) = [t for t in report.threads if t.shift.respondents]
        assert thread.thread_id == presenter.announced[0].round.thread_id


async def test_forget_me_removes_a_players_rounds(database_at: Path | str, clock: ManualClock) -> None:
    async with scheduled(database_at, clock) as (rounds, scheduler, _presenter):
        round_id = await open_round(scheduler, clock, 5)
        await finish(rounds, round_id, player("ann"), right=2)
        async with rounds.database.write() as uow:
            assert await uow.workspaces.forget_player(1, "ann") > 0
        for table in ("round_progress", "answers", "game_players"):
            assert await sqlite_rows.rows(rounds.database, f"SELECT * FROM {table} WHERE user_id = 'ann'") == []
        assert (await boards(rounds).leaderboard(1, Period.ALL, "C1")).standings == []


def test_the_cli_lists_reports_and_purges_rounds(
    tmp_path: Path, database_at: Path | str, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio
    import csv

    from bot.cli import main

    database = database_at
    clock = ManualClock(at(2026, 1, 5, 8, 0))

    async def one_round() -> None:
        async with round_service(database, clock) as rounds:
            presenter = RecordingPresenter()
            scheduler = Scheduler(rounds, presenter, PLATFORM)
            await rounds.set_schedule(venue(), daily(time(9, 0)), "admin")
            round_id = await open_round(scheduler, clock, 5)
            await finish(rounds, round_id, player("ann"), right=2)
            await open_round(scheduler, clock, 6)

    asyncio.run(one_round())
    assert main(["games", *database_option(database)]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[1].endswith("ended (daily round 1)") and listing[2].endswith("running (daily round 2)")
    out = tmp_path / "out"
    assert main(["report", "1", *database_option(database), "--format", "csv", "--names", "-o", str(out)]) == 0
    rows = list(csv.reader((out / "game-1-students.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows[1][0] == "Ann" and "200" in rows[1]
    assert main(["purge", "--older-than", "0", *database_option(database), "--yes"]) == 0
    assert "deleted 2 games" in capsys.readouterr().err

    async def nothing_left() -> None:
        async with Database.open(database) as db:
            for table in ("rounds", "round_progress", "answers"):
                assert await sqlite_rows.rows(db, f"SELECT * FROM {table}") == [], table

    asyncio.run(nothing_left())
