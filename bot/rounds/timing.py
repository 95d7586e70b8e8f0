"""When daily rounds run: next-run instants in UTC from a local time of day, time zone and
weekdays; what to do about runs missed while the bot was down; daily streaks.

Pure functions: times come in, nothing reads a clock. Next-run times are stored as absolute
UTC instants, so a restart or a DST change never moves a run already planned. Across DST:
a local time that does not exist that day (the spring-forward gap) runs at the same
wall-clock distance past the gap (02:30 becomes 03:30); a time that happens twice (fall
back) runs at its first occurrence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

GRACE = timedelta(hours=2)  # a run missed by less than this is still posted on start
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ScheduleError(ValueError):
    """An invalid schedule setting, with a message fit for the person who typed it."""


@dataclass(frozen=True)
class Timing:
    time_of_day: time
    zone: str  # an IANA name, e.g. "Europe/Berlin"
    weekdays: frozenset[int]  # 0 = Monday

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ScheduleError(f"unknown time zone {self.zone!r}; use an IANA name like Europe/Berlin") from None
        if not self.weekdays or not self.weekdays <= set(range(7)):
            raise ScheduleError("choose at least one day of the week")


def parse_weekdays(text: str) -> frozenset[int]:
    """``"mon,wed,fri"``, ``"mon-fri"``, ``"daily"`` or ``"weekdays"`` as weekday numbers."""
    text = text.strip().lower()
    if text in {"daily", "every day", "all"}:
        return frozenset(range(7))
    if text == "weekdays":
        return frozenset(range(5))
    days: set[int] = set()
    for part in filter(None, (p.strip() for p in text.replace(" ", ",").split(","))):
        if "-" in part:
            first, _, last = part.partition("-")
            start, end = _day(first), _day(last)
            days |= set(range(start, end + 1)) if start <= end else set(range(start, 7)) | set(range(end + 1))
        else:
            days.add(_day(part))
    if not days:
        raise ScheduleError("choose at least one day of the week")
    return frozenset(days)


_TIME_OF_DAY = re.compile(r"(?P<hour>[01]?[0-9]|2[0-3]):(?P<minute>[0-5][0-9])")


def parse_time_of_day(text: str) -> time:
    """``"08:30"`` or ``"8:30"`` on a 24-hour clock."""
    found = _TIME_OF_DAY.fullmatch(text.strip())
    if found is None:
        raise ScheduleError(f"“{text}” is not a time; use HH:MM on a 24-hour clock, like 08:30")
    return time(int(found["hour"]), int(found["minute"]))


def find_zone(text: str) -> str:
    """The IANA zone named by ``text``, ignoring case ("europe/berlin" is Europe/Berlin)."""
    return _zones_by_folded_name().get(text.strip().casefold(), text.strip())


@cache
def _zones_by_folded_name() -> dict[str, str]:
    return {zone.casefold(): zone for zone in available_timezones()}


def weekdays_text(weekdays: frozenset[int]) -> str:
    if len(weekdays) == 7:
        return "every day"
    if weekdays == frozenset(range(5)):
        return "Monday to Friday"
    return ", ".join(WEEKDAY_NAMES[day].title() for day in sorted(weekdays))


def _day(name: str) -> int:
    try:
        return WEEKDAY_NAMES.index(name[:3])
    except ValueError:
        raise ScheduleError(f"{name!r} is not a day; use mon, tue, wed, thu, fri, sat, sun") from None


def next_run_after(moment: datetime, timing: Timing) -> datetime:
    """The first scheduled instant strictly after ``moment``, in UTC."""
    zone = ZoneInfo(timing.zone)
    local_day = moment.astimezone(zone).date()
    for offset in range(8):
        day = local_day + timedelta(days=offset)
        if day.weekday() not in timing.weekdays:
            continue
        # fold=0: the first of a repeated time; a skipped time resolves with the offset before
        # the gap, which lands past it by the gap's length.
        run = datetime.combine(day, timing.time_of_day, tzinfo=zone).astimezone(UTC)
        if run > moment:
            return run
    raise AssertionError("a weekly schedule always runs within eight days")  # pragma: no cover


@dataclass(frozen=True)
class DueRunDecision:
    post_now: bool  # a run late by no more than the grace window is posted, once
    next_run: datetime


def decide_due_run(
    stored_next_run: datetime, now: datetime, timing: Timing, grace: timedelta = GRACE
) -> DueRunDecision:
    """What to do about the run stored for ``stored_next_run`` at ``now``: post it only if it is
    recent (a restart or a stalled loop may have made it late), never more than one."""
    if stored_next_run > now:
        return DueRunDecision(False, stored_next_run)
    return DueRunDecision(now - stored_next_run <= grace, next_run_after(now, timing))


def daily_streak(played: Iterable[int], latest: int) -> int:
    """Rounds played in a row, counted back from round number ``latest`` (rounds are the
    schedule's own occurrences, so days off the schedule never break a streak)."""
    rounds = set(played)
    streak = 0
    while latest - streak in rounds:
        streak += 1
    return streak
