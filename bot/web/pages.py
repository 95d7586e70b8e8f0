"""The site's pages. Each reads what it shows from the store for the session's workspace only:
a game id of another workspace is a plain 404, the same as a game that does not exist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from aiohttp import web

from bot.content.library import Library
from bot.reports.class_report import ClassReport
from bot.reports.game_report import GameReport
from bot.rounds.leaderboards import Leaderboard, LeaderboardService
from bot.rounds.service import ClosedRound, RoundService
from bot.rounds.summary import Period
from bot.store.records import GameListing, GameNotFound, GameRef, Schedule
from bot.web.app import STORE, render
from bot.web.reading import read_class, read_game
from bot.web.sessions import Session

NOTE_LIMIT = 2000
ROUNDS_SHOWN = 30


def wants_names(request: web.Request) -> bool:
    """Pseudonyms unless the teacher asked for names on this page."""
    return request.query.get("names") == "1"


def day(request: web.Request, name: str) -> datetime | None:
    """A date filter (YYYY-MM-DD, as midnight UTC); a malformed one is a 400 that says so."""
    text = request.query.get(name, "").strip()
    if not text:
        return None
    try:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
    except ValueError:
        raise web.HTTPBadRequest(text=f"“{text[:40]}” is not a date like 2026-03-01.") from None


async def own_game(request: web.Request, session: Session) -> GameRef:
    """The game in the path, if it is the session's workspace's; else 404."""
    game_id = int(request.match_info["game"])
    async with request.app[STORE].read() as uow:
        ref = await uow.games.find(session.workspace_id, game_id)
    if ref is None:
        raise web.HTTPNotFound()
    return ref


async def workspace_title(request: web.Request, session: Session) -> str:
    async with request.app[STORE].read() as uow:
        found = await uow.web.workspace_ref(session.workspace_id)
    platform, external = found or ("", "")
    return f"{platform.title()} workspace {external}"


async def listed_games(request: web.Request, session: Session) -> list[GameListing]:
    """The workspace's games the query's filters choose (channel, debate, from, to)."""
    channel = request.query.get("channel", "").strip() or None
    debate = request.query.get("debate", "").strip() or None
    since, until = day(request, "since"), day(request, "until")
    async with request.app[STORE].read() as uow:
        return await uow.web.games(
            session.workspace_id,
            channel=channel,
            pack_id=debate,
            since=since,
            until=until + timedelta(days=1) if until else None,
        )


async def games(request: web.Request, session: Session) -> web.StreamResponse:
    listed = await listed_games(request, session)
    async with request.app[STORE].read() as uow:
        channels = await uow.web.channels(session.workspace_id)
        everything = await uow.web.games(session.workspace_id)
    return render(
        request,
        "games.html",
        title="Games",
        workspace=await workspace_title(request, session),
        games=listed,
        channels=channels,
        debates=sorted({g.pack_id for g in everything}),
        chosen={k: request.query.get(k, "") for k in ("channel", "debate", "since", "until")},
        filters=request.query_string,
    )


async def read_report(request: web.Request, ref: GameRef, names: bool) -> GameReport:
    try:
        return await read_game(request.app[STORE], ref, names=names)
    except GameNotFound:
        raise web.HTTPNotFound() from None


async def game(request: web.Request, session: Session) -> web.StreamResponse:
    ref = await own_game(request, session)
    report = await read_report(request, ref, wants_names(request))
    async with request.app[STORE].read() as uow:
        notes = await uow.web.notes(ref)
        channel_name = await uow.web.channel_name(ref.workspace_id, report.channel)
    return render(
        request,
        "game.html",
        title=f"Game {ref.game_id}",
        report=report,
        channel_name=channel_name,
        notes=notes,
        names=wants_names(request),
    )


async def question(request: web.Request, session: Session) -> web.StreamResponse:
    ref = await own_game(request, session)
    report = await read_report(request, ref, wants_names(request))
    number = int(request.match_info["number"])
    found = next((q for q in report.questions if q.number == number), None)
    if found is None:
        raise web.HTTPNotFound()
    return render(
        request,
        "question.html",
        title=f"Game {ref.game_id}, question {number}",
        report=report,
        question=found,
        names=wants_names(request),
    )


async def students(request: web.Request, session: Session) -> web.StreamResponse:
    ref = await own_game(request, session)
    names = wants_names(request)
    report = await read_report(request, ref, names)
    return render(request, "students.html", title=f"Game {ref.game_id}: students", report=report, names=names)


async def add_note(request: web.Request, session: Session) -> web.StreamResponse:
    ref = await own_game(request, session)
    form = await request.post()
    body = form.get("note")
    if not isinstance(body, str) or not body.strip():
        raise web.HTTPBadRequest(text="A note needs some text.")
    if len(body) > NOTE_LIMIT:
        raise web.HTTPBadRequest(text=f"A note can be at most {NOTE_LIMIT} characters.")
    async with request.app[STORE].write() as uow:
        if not await uow.web.add_note(ref, body.strip(), datetime.now(UTC)):
            raise web.HTTPNotFound()
    raise web.HTTPSeeOther(f"/games/{ref.game_id}#notes")


async def read_term(request: web.Request, session: Session) -> ClassReport | None:
    """The class the query names (a channel's name or id, and dates), or None if it names none;
    a channel this workspace has no game in is a 404."""
    channel = request.query.get("channel", "").strip()
    if not channel:
        return None
    since, until = day(request, "since"), day(request, "until")
    async with request.app[STORE].read() as uow:
        channels = await uow.web.channels(session.workspace_id)
    by_name = {name: external for external, name in channels if name}
    external = channel if channel in dict(channels) else by_name.get(channel)
    if external is None:
        raise web.HTTPNotFound()
    return await read_class(
        request.app[STORE],
        session.workspace_id,
        external,
        since=since,
        until=until + timedelta(days=1) if until else None,
        names=wants_names(request),
    )


async def class_page(request: web.Request, session: Session) -> web.StreamResponse:
    report = await read_term(request, session)
    async with request.app[STORE].read() as uow:
        channels = await uow.web.channels(session.workspace_id)
    return render(
        request,
        "class.html",
        title="A class over a term",
        channels=channels,
        channel_name=dict(channels).get(report.channel) or report.channel if report else "",
        report=report,
        names=wants_names(request),
        chosen={k: request.query.get(k, "") for k in ("channel", "since", "until")},
    )


@dataclass(frozen=True)
class RoundsView:
    rounds: list[ClosedRound]  # newest first
    schedules: list[Schedule]
    leaderboards: list[Leaderboard]


async def read_rounds(request: web.Request, session: Session) -> RoundsView:
    database = request.app[STORE]
    async with database.read() as uow:
        ids = await uow.web.round_ids(session.workspace_id, ROUNDS_SHOWN)
        schedules = await uow.schedules.of_workspace(session.workspace_id)
    service = RoundService(database, _no_library)
    closed = [await service.closed_round(session.workspace_id, i) for i in ids]
    boards = LeaderboardService(database)
    periods = (Period.WEEK, Period.SEASON, Period.ALL)
    return RoundsView(closed, schedules, [await boards.leaderboard(session.workspace_id, p, None) for p in periods])


async def rounds(request: web.Request, session: Session) -> web.StreamResponse:
    seen = await read_rounds(request, session)
    async with request.app[STORE].read() as uow:
        channels = dict(await uow.web.channels(session.workspace_id))
    return render(request, "rounds.html", title="Daily rounds", view=seen, channels=channels)


async def _no_library(workspace_id: int) -> Library:
    """Summaries read each round's own copy of its debate; the library is never needed here."""
    raise RuntimeError("the results site does not choose debates")
