"""What start-up built is frozen while the bot serves (``bot.heap``), and only then."""

from __future__ import annotations

import gc

from bot.heap import start_up_objects_frozen


class Node:
    def __init__(self) -> None:
        self.partner: Node | None = None


def a_cycle() -> None:
    """Two objects that hold each other: only the cyclic collector can free them."""
    first, second = Node(), Node()
    first.partner, second.partner = second, first


def test_start_up_objects_are_frozen_for_the_block_and_later_cycles_still_collected() -> None:
    gc.collect()
    alive_at_start_up = len(gc.get_objects())
    assert gc.get_freeze_count() == 0
    with start_up_objects_frozen():
        # Everything alive when serving began is out of the collector's sight ...
        assert gc.get_freeze_count() >= alive_at_start_up * 0.9
        assert len(gc.get_objects()) < alive_at_start_up * 0.1
        # ... but garbage made while serving (a click's reference cycle) is collected as before.
        a_cycle()
        assert gc.collect() >= 2
    assert gc.get_freeze_count() == 0  # a process serving again (the tests do) starts clean
    assert len(gc.get_objects()) >= alive_at_start_up * 0.9
