"""How many times each SIGKILL test kills its bot: a few kill points by default, all ten
under ``-m slow``. The repetitions are half the suite's time; CI runs both steps."""

from __future__ import annotations

import pytest

DEFAULT_RUNS = (0, 5, 9)  # early, middle and late in the burst
REPETITIONS = [run if run in DEFAULT_RUNS else pytest.param(run, marks=pytest.mark.slow) for run in range(10)]
