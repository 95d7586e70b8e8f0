"""Opinion-shift measures on hand-made rooms with known answers."""

import math

import pytest

from bot.reports.shifts import Camp, Shares, iq2_result, measure_shift

STRONG_YES, LEAN_YES, UNSURE, LEAN_NO, STRONG_NO = range(5)


def test_a_room_that_moved() -> None:
    shift = measure_shift(
        {
            "a": (STRONG_YES, LEAN_YES),  # -1
            "b": (UNSURE, STRONG_NO),  # -2
            "c": (LEAN_NO, LEAN_NO),  # 0
            "d": (STRONG_NO, UNSURE),  # +2
        }
    )
    assert shift.respondents == 4
    assert shift.net_shift == pytest.approx(-0.25)
    assert shift.net_shift_sd == pytest.approx(math.sqrt(((-0.75) ** 2 + (-1.75) ** 2 + 0.25**2 + 2.25**2) / 3))
    assert shift.moved_share == pytest.approx(0.75)
    assert shift.mean_distance_moved == pytest.approx(5 / 3)
    # rows: before yes / unsure / no; columns: after yes / unsure / no
    assert shift.transitions == ((1, 0, 0), (0, 0, 1), (0, 1, 1))
    assert shift.before == Shares(0.25, 0.25, 0.5)
    assert shift.after == Shares(0.25, 0.25, 0.5)
    assert shift.iq2 is not None and shift.iq2.winner is None  # both camps unchanged: a tie


def test_a_thread_where_nobody_moved() -> None:
    shift = measure_shift({"a": (LEAN_YES, LEAN_YES), "b": (STRONG_NO, STRONG_NO)})
    assert (shift.net_shift, shift.net_shift_sd, shift.moved_share, shift.mean_distance_moved) == (0, 0, 0, 0)
    assert shift.iq2 is not None and shift.iq2.winner is None and shift.iq2.yes_gain == 0


def test_no_respondents() -> None:
    shift = measure_shift({})
    assert shift.respondents == 0 and shift.net_shift is None and shift.iq2 is None
    assert shift.transitions == ((0, 0, 0), (0, 0, 0), (0, 0, 0))


def test_the_side_that_gained_more_wins_and_relative_gain_accounts_for_room_to_grow() -> None:
    shift = measure_shift(
        {"a": (UNSURE, LEAN_YES), "b": (UNSURE, STRONG_NO), "c": (LEAN_NO, STRONG_YES), "d": (STRONG_YES, STRONG_YES)}
    )
    assert shift.iq2 is not None
    assert shift.iq2.yes_gain == pytest.approx(0.5)  # d, then a, c too: 1/4 -> 3/4
    assert shift.iq2.no_gain == pytest.approx(0.0)  # c left "no", b joined it: 1/4 -> 1/4
    assert shift.iq2.winner is Camp.YES
    assert shift.iq2.yes_relative == pytest.approx(0.5 / 0.75)


def test_published_intelligence_squared_results() -> None:
    """IQ2US results as published (shares before -> after, undecided the rest), from a 2009
    compilation of the series' results (backseatdriving.blogspot.com, 2009-02-16)."""
    guns_reduce_crime = iq2_result(Shares(0.13, 0.27, 0.60), Shares(0.27, 0.09, 0.64))
    assert guns_reduce_crime.winner is Camp.YES  # FOR won: +14 against +4, from the minority
    assert guns_reduce_crime.yes_gain == pytest.approx(0.14) and guns_reduce_crime.no_gain == pytest.approx(0.04)
    interrogation = iq2_result(Shares(0.46, 0.19, 0.35), Shares(0.40, 0.07, 0.53))
    assert interrogation.winner is Camp.NO  # AGAINST won: +18 while FOR lost 6
