"""One codec for stored instants and JSON: text order is time order, values come back aware."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.store.codec import from_json, instant, parse_instant, to_json

WITHOUT_MICROSECONDS = datetime(2026, 3, 1, 9, 0, 0, tzinfo=UTC)
WITH_MICROSECONDS = datetime(2026, 3, 1, 9, 0, 0, 1, tzinfo=UTC)


def test_an_instant_with_and_one_without_microseconds_compare_as_text_like_in_time() -> None:
    # Python's isoformat gives "09:00:00+00:00" and "09:00:00.000001+00:00", which compare the
    # wrong way round as text ('+' < '.' but also "…00+" < "…00.000000+" for equal instants).
    assert instant(WITHOUT_MICROSECONDS) < instant(WITH_MICROSECONDS)
    assert instant(WITHOUT_MICROSECONDS) == instant(WITHOUT_MICROSECONDS.replace(microsecond=0))
    assert len(instant(WITHOUT_MICROSECONDS)) == len(instant(WITH_MICROSECONDS))


def test_an_offset_is_stored_as_the_same_utc_instant() -> None:
    paris = timezone(timedelta(hours=1))
    same = WITHOUT_MICROSECONDS.astimezone(paris)
    assert instant(same) == instant(WITHOUT_MICROSECONDS) == "2026-03-01T09:00:00.000000+00:00"


def test_text_order_is_time_order_over_many_instants() -> None:
    rng = random.Random(7)
    zones = [UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=30))]
    moments = [
        (WITHOUT_MICROSECONDS + timedelta(seconds=rng.randint(-90000, 90000)))
        .replace(microsecond=rng.choice([0, rng.randint(0, 999999)]))
        .astimezone(rng.choice(zones))
        for _ in range(500)
    ]
    assert sorted(moments) == sorted(moments, key=instant)


def test_stored_text_parses_back_to_the_aware_instant() -> None:
    for moment in (WITHOUT_MICROSECONDS, WITH_MICROSECONDS):
        back = parse_instant(instant(moment))
        assert back == moment and back.tzinfo is not None
    # rows written before the codec (no fraction) still read
    assert parse_instant("2026-03-01T09:00:00+00:00") == WITHOUT_MICROSECONDS


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        instant(datetime(2026, 3, 1, 9, 0))


def test_json_columns_round_trip_and_must_be_lists() -> None:
    assert from_json(to_json(("a", "b"))) == ["a", "b"]
    assert from_json(to_json([0, 4])) == [0, 4]
    with pytest.raises(ValueError):
        from_json('{"a": 1}')
