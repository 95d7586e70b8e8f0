"""Daily-round timing with an injected clock: DST in two zones, missed runs, streaks."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.rounds.timing import (
    ScheduleError,
    Timing,
    daily_streak,
    decide_due_run,
    find_zone,
    next_run_after,
    parse_time_of_day,
    parse_weekdays,
    weekdays_text,
)

EVERY_DAY = frozenset(range(7))


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_new_york_across_spring_forward_and_fall_back() -> None:
    timing = Timing(time(8, 0), "America/New_York", EVERY_DAY)
    # 2026-03-08: clocks go from EST (UTC-5) to EDT (UTC-4).
    assert next_run_after(utc(2026, 3, 7, 14), timing) == utc(2026, 3, 8, 12)  # 08:00 EDT
    assert next_run_after(utc(2026, 3, 6, 14), timing) == utc(2026, 3, 7, 13)  # 08:00 EST
    # 2026-11-01: back to EST.
    assert next_run_after(utc(2026, 10, 31, 13), timing) == utc(2026, 11, 1, 13)


def test_berlin_changes_on_other_dates_than_new_york() -> None:
    timing = Timing(time(8, 0), "Europe/Berlin", EVERY_DAY)
    # New York has already changed on 2026-03-08; Berlin changes on 2026-03-29.
    assert next_run_after(utc(2026, 3, 8, 8), timing) == utc(2026, 3, 9, 7)  # 08:00 CET
    assert next_run_after(utc(2026, 3, 28, 8), timing) == utc(2026, 3, 29, 6)  # 08:00 CEST


def test_a_time_skipped_by_spring_forward_runs_just_after_the_gap() -> None:
    timing = Timing(time(2, 30), "Europe/Berlin", EVERY_DAY)
    run = next_run_after(utc(2026, 3, 28, 12), timing)
    assert run == utc(2026, 3, 29, 1, 30)  # 03:30 CEST, once
    assert run.astimezone(ZoneInfo(timing.zone)).hour == 3


def test_a_time_repeated_by_fall_back_runs_once() -> None:
    timing = Timing(time(2, 30), "Europe/Berlin", EVERY_DAY)
    first = next_run_after(utc(2026, 10, 24, 12), timing)
    assert first == utc(2026, 10, 25, 0, 30)  # the first 02:30 (CEST)
    assert next_run_after(first, timing) == utc(2026, 10, 26, 1, 30)  # the next day, not 01:30 UTC the same day


def test_weekdays_only() -> None:
    timing = Timing(time(9, 0), "UTC", parse_weekdays("mon-fri"))
    assert next_run_after(utc(2026, 3, 6, 10), timing) == utc(2026, 3, 9, 9)  # Friday after 9 -> Monday


def test_missed_run_inside_grace_is_posted_once_outside_is_skipped() -> None:
    timing = Timing(time(8, 0), "UTC", EVERY_DAY)
    stored = utc(2026, 5, 4, 8)
    soon = decide_due_run(stored, stored + timedelta(minutes=30), timing)
    assert soon.post_now and soon.next_run == utc(2026, 5, 5, 8)
    late = decide_due_run(stored, stored + timedelta(hours=5), timing)
    assert not late.post_now and late.next_run == utc(2026, 5, 5, 8)
    days_down = decide_due_run(stored, stored + timedelta(days=3, hours=1), timing)  # never a flood
    assert not days_down.post_now and days_down.next_run == utc(2026, 5, 8, 8)
    ahead = decide_due_run(stored, stored - timedelta(hours=1), timing)
    assert not ahead.post_now and ahead.next_run == stored


def test_paused_then_resumed_schedules_from_the_resume_time() -> None:
    timing = Timing(time(8, 0), "UTC", EVERY_DAY)
    resumed_at = utc(2026, 5, 10, 9)  # paused over several runs; resuming plans the next one only
    assert next_run_after(resumed_at, timing) == utc(2026, 5, 11, 8)


def test_several_channels_keep_their_own_times() -> None:
    morning = Timing(time(7, 45), "Asia/Tokyo", EVERY_DAY)
    evening = Timing(time(19, 0), "America/Los_Angeles", parse_weekdays("sat,sun"))
    moment = utc(2026, 6, 5, 0)  # Friday
    assert next_run_after(moment, morning) == utc(2026, 6, 5, 22, 45)
    assert next_run_after(moment, evening) == utc(2026, 6, 7, 2)  # Saturday 19:00 PDT


def test_bad_settings_are_refused_with_a_reason() -> None:
    with pytest.raises(ScheduleError, match="unknown time zone 'Mars/Base'"):
        Timing(time(8), "Mars/Base", EVERY_DAY)
    with pytest.raises(ScheduleError, match="'funday' is not a day"):
        parse_weekdays("mon,funday")
    assert parse_weekdays("fri-mon") == frozenset({4, 5, 6, 0})
    assert parse_weekdays("daily") == EVERY_DAY


def test_streaks_count_consecutive_rounds() -> None:
    assert daily_streak([1, 2, 3, 5, 6], latest=6) == 2
    assert daily_streak([1, 2, 3], latest=3) == 3
    assert daily_streak([1, 2, 3], latest=4) == 0
    assert daily_streak([], latest=1) == 0


@pytest.mark.parametrize(
    ("typed", "expected"), [("08:30", time(8, 30)), ("8:05", time(8, 5)), (" 23:59 ", time(23, 59))]
)
def test_times_of_day(typed: str, expected: time) -> None:
    assert parse_time_of_day(typed) == expected


@pytest.mark.parametrize("typed", ["25:00", "7pm", "12:60", "1230", ""])
def test_what_is_not_a_time_of_day(typed: str) -> None:
    with pytest.raises(ScheduleError, match="is not a time; use HH:MM"):
        parse_time_of_day(typed)


def test_zones_ignore_case_and_unknown_ones_are_refused() -> None:
    assert find_zone("europe/berlin") == "Europe/Berlin" and find_zone(" America/New_York ") == "America/New_York"
    with pytest.raises(ScheduleError, match="unknown time zone 'Mars/Olympus'"):
        Timing(time(9, 0), find_zone("Mars/Olympus"), EVERY_DAY)


def test_weekdays_in_words() -> None:
    assert weekdays_text(EVERY_DAY) == "every day"
    assert weekdays_text(parse_weekdays("mon-fri")) == "Monday to Friday"
    assert weekdays_text(parse_weekdays("sun,wed")) == "Wed, Sun"
