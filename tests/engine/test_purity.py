"""The engine is pure: no I/O libraries, no clock reads, no unseeded randomness."""

import ast
from pathlib import Path

import bot.engine

ENGINE = Path(bot.engine.__file__).parent
FORBIDDEN_MODULES = {
    "discord",
    "slack_bolt",
    "slack_sdk",
    "aiosqlite",
    "sqlite3",
    "asyncio",
    "aiohttp",
    "time",
    "socket",
    "os",
}
FORBIDDEN_CALLS = {"now", "utcnow", "today", "time", "monotonic", "urandom", "random", "randrange", "choice", "shuffle"}


def imported_modules(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_engine_imports_no_io_library() -> None:
    for path in ENGINE.glob("*.py"):
        found = imported_modules(ast.parse(path.read_text(encoding="utf-8"))) & FORBIDDEN_MODULES
        assert not found, f"{path.name} imports {found}"


def test_engine_reads_no_clock_and_draws_only_seeded_randomness() -> None:
    for path in ENGINE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                receiver = node.func.value
                # rng.shuffle(...) on a seeded random.Random is allowed; module-level random.x() is not.
                if isinstance(receiver, ast.Name) and receiver.id in {"random", "datetime", "time", "date"}:
                    assert node.func.attr not in FORBIDDEN_CALLS, (
                        f"{path.name}:{node.lineno} calls {receiver.id}.{node.func.attr}"
                    )


def test_the_check_would_catch_a_violation() -> None:
    sneaky = ast.parse("import asyncio\nfrom datetime import datetime\nx = datetime.now()")
    assert imported_modules(sneaky) & FORBIDDEN_MODULES == {"asyncio"}
