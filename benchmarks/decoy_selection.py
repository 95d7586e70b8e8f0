"""How long building a game's script (and a daily round's) takes with adversarial decoy
selection, per shipped debate, and how long the decoy audit takes.

Run: .venv/bin/python benchmarks/decoy_selection.py [--repeats 5] [--seeds 20]

A script is built once when a game or a round starts (and stored), so this is start-up
latency, not per-click cost. Figures are medians over repeats.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.content.library import load_library
from bot.engine.audit import audit
from bot.engine.script import build_script
from bot.engine.solo import build_round_script


def median_seconds(action: Callable[[], object], repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=20)
    args = parser.parse_args()
    print(f"{platform.machine()}, CPython {platform.python_version()}; medians of {args.repeats}")
    print("| debate | build_script | one daily round | audit, games + rounds, seeds |")
    print("| --- | --- | --- | --- |")
    library = load_library()
    for pack_id in sorted(library.packs):
        pack = library.get(pack_id)
        thread = pack.threads[0].id
        game = median_seconds(partial(build_script, pack, 7), args.repeats)
        daily = median_seconds(partial(build_round_script, pack, thread, 7), args.repeats)
        started = time.perf_counter()
        audit(pack, range(args.seeds), False)
        audit(pack, range(args.seeds), True)
        whole = time.perf_counter() - started
        print(f"| {pack_id} | {game * 1000:.0f} ms | {daily * 1000:.0f} ms | {whole:.1f} s ({args.seeds}) |")


if __name__ == "__main__":
    main()
