"""One rule, one outcome, on every platform (issue 13, item 2).

Each scenario is written once against :class:`tests.parity.drivers.Platform` and runs on
Discord and Slack through their stand-ins (the solo ones on the console too), so a rule
that holds on one platform and not another fails on that platform.
"""

from __future__ import annotations

from bot.engine.script import Step, StepKind
from bot.engine.state import Phase
from bot.games.presentation import shift_line, thread_title
from tests.parity.drivers import Platform, pings_in, until
from tests.parity.solo import play_through
from tests.slack.harness import small_pack


def varied(player: str, step: Step) -> int:
    """Answers that differ by player and step, so stances move."""
    return (step.index + len(player) + ord(player[-1])) % len(step.options)


def host_choice(step: Step) -> int:
    """The host's answers: the other end of the scale from most students, so leaving them out shows."""
    return (len(step.options) - 1 - step.index) % len(step.options)


async def public_after(platform: Platform) -> list[str]:
    await platform.settle()
    return platform.public_view()


# -- one game per channel ----------------------------------------------------------------------
async def test_a_second_start_in_the_channel_is_refused(platform: Platform) -> None:
    await platform.start()
    assert await platform.games_in_channel() == 1
    before = await public_after(platform)
    second = await platform.start()
    assert "already running" in second, second
    assert await platform.games_in_channel() == 1
    assert await public_after(platform) == before  # nothing posted for the refused start


async def test_two_starts_at_once_make_one_game(platform: Platform) -> None:
    replies = await platform.start_at_once(3)
    assert await platform.games_in_channel() == 1
    assert sum("already running" in reply for reply in replies) == 2, replies


# -- stale host controls -----------------------------------------------------------------------
async def test_a_stale_next_changes_nothing(platform: Platform) -> None:
    await platform.start()
    drawn = await platform.controls()  # the stance question, open: what a slow client still shows
    assert (drawn.step, drawn.phase) == (0, Phase.OPEN)
    await platform.press(platform.host, "next")  # closes the question
    await until(lambda: _at(platform, 0, Phase.REVEALED))
    before = await public_after(platform)
    await platform.press(platform.host, "next", drawn=drawn)  # the same Next, pressed on the old message
    state = await platform.state()
    assert (state.step, state.phase) == (0, Phase.REVEALED), "a stale Next moved the game on"
    assert await public_after(platform) == before


async def test_a_stale_next_one_step_later_changes_nothing(platform: Platform) -> None:
    await platform.start()
    await platform.press(platform.host, "next")
    await until(lambda: _at(platform, 0, Phase.REVEALED))
    drawn = await platform.controls()  # drawn for step 0, revealed
    await platform.press(platform.host, "next")
    await until(lambda: _at(platform, 1, Phase.SHOWN))
    before = await public_after(platform)
    await platform.press(platform.host, "next", drawn=drawn)
    state = await platform.state()
    assert (state.step, state.phase) == (1, Phase.SHOWN), "a stale Next skipped step 1"
    assert await public_after(platform) == before


async def test_a_stale_skip_changes_nothing(platform: Platform) -> None:
    await platform.start()
    drawn = await platform.controls()
    await platform.press(platform.host, "skip")  # the stance question is skipped: on to step 1
    await until(lambda: _at(platform, 1, Phase.SHOWN))
    before = await public_after(platform)
    await platform.press(platform.host, "skip", drawn=drawn)
    state = await platform.state()
    assert (state.step, state.phase) == (1, Phase.SHOWN), "a stale Skip skipped step 1"
    assert await public_after(platform) == before


async def _at(platform: Platform, step: int, phase: Phase) -> bool:
    state = await platform.state()
    return (state.step, state.phase) == (step, phase)


# -- teacher controls ----------------------------------------------------------------------------
async def test_a_student_cannot_use_teacher_controls(platform: Platform) -> None:
    await platform.start()
    student = platform.students[0]
    state = await platform.state()
    before = await public_after(platform)
    replies = [
        await platform.press(student, "next"),
        await platform.press(student, "skip"),
        await platform.press(student, "end"),
        await platform.results(student),
    ]
    for reply in replies:
        assert reply.startswith("Only"), replies  # refused, privately, saying who may
    after = await platform.state()
    assert (after.step, after.phase, after.status) == (state.step, state.phase, state.status)
    assert await public_after(platform) == before
    assert platform.private_files_to(student) == 0


# -- the anonymous class summary -------------------------------------------------------------------
async def test_no_share_while_a_stance_question_is_open(platform: Platform) -> None:
    await platform.start()
    for student in platform.students[:3]:
        await platform.answer(student, 0)
    note = await platform.results(platform.host)  # mid-game, the teacher may look privately
    assert not note.startswith("Only"), note
    before = await public_after(platform)
    refused = await platform.share(platform.host)
    assert await public_after(platform) == before, "the summary was posted while the stance question was open"
    assert "open" in refused.lower() or "close" in refused.lower(), refused
    # Once the question is closed, the same button shares.
    await platform.press(platform.host, "next")
    await until(lambda: _at(platform, 0, Phase.REVEALED))
    await platform.results(platform.host)
    await platform.share(platform.host)
    assert platform.shared_shift_lines()


async def test_no_share_while_a_prediction_is_open(platform: Platform) -> None:
    await platform.start()
    while (state := await platform.state()).current.kind is not StepKind.PREDICT or state.phase is not Phase.OPEN:
        await platform.press(platform.host, "next")
        await until(lambda: _moved(platform, state.step, state.phase))
    for student in platform.students[:3]:
        await platform.answer(student, 0)
    await platform.results(platform.host)
    before = await public_after(platform)
    await platform.share(platform.host)
    assert await public_after(platform) == before, "the summary was posted while a prediction was open"


async def test_a_second_press_does_not_post_the_summary_twice(platform: Platform) -> None:
    """The rule is the core's (bot.games.results.share_once), recorded in the store: a second
    press, from a fresh results note, posts nothing and tells the teacher why."""
    await platform.start()
    await play_through(platform, platform.students[:3], varied, host_answers=host_choice)
    await platform.results(platform.host)
    first = await platform.share(platform.host)
    assert first.startswith(("Shared", "Posted")), first
    shared = await public_after(platform)
    await platform.results(platform.host)
    second = await platform.share(platform.host)
    assert "already shared" in second and "not posted again" in second, second
    assert await public_after(platform) == shared, "the summary was posted twice"


async def _moved(platform: Platform, step: int, phase: Phase) -> bool:
    state = await platform.state()
    return (state.step, state.phase) != (step, phase)


async def test_the_host_is_left_out_of_the_shared_shifts(platform: Platform) -> None:
    await platform.start()
    students = platform.students[:3]
    await play_through(platform, students, varied, host_answers=host_choice)
    await platform.results(platform.host)
    await platform.share(platform.host)
    expected = await _student_shift_lines(platform)
    assert all("3 players" in line for line in expected), expected  # every student gave both stances
    assert platform.shared_shift_lines() == expected


async def test_the_host_does_not_count_towards_the_public_minimum(platform: Platform) -> None:
    await platform.start()
    await play_through(platform, platform.students[:2], varied, host_answers=host_choice)
    await platform.results(platform.host)
    await platform.share(platform.host)
    shared = platform.shared_shift_lines()
    # Two students and the host gave both stances: below the minimum of three, so nothing is shown.
    assert shared == await _student_shift_lines(platform)
    assert all("fewer than 3 gave both stances" in line for line in shared), shared


async def test_the_host_is_left_out_of_the_scoreboard_shifts(platform: Platform) -> None:
    await platform.start()
    students = platform.students[:3]
    await play_through(platform, students, varied, host_answers=host_choice)
    assert platform.scoreboard_shift_lines() == await _student_shift_lines(platform)


async def _student_shift_lines(platform: Platform) -> list[str]:
    """Each thread's public shift line, from the stored stances of students only (the core's words)."""
    state = await platform.state()
    pack = small_pack()
    pairs = await platform.stance_pairs()
    return [
        shift_line(thread_title(pack, t.id), {u: p for u, p in pairs.get(t.id, {}).items() if u != state.host})
        for t in pack.all_threads()
    ]


# -- mentions ------------------------------------------------------------------------------------------
async def test_nothing_the_bot_sends_can_ping(platform: Platform) -> None:
    await platform.start()
    for student in platform.students[:3]:
        await platform.answer(student, 0)
    await platform.answer(platform.host, 1)
    await platform.press(platform.students[0], "next")  # a refusal is a payload too
    await platform.press(platform.host, "next")
    await until(lambda: _at(platform, 0, Phase.REVEALED))
    await platform.press(platform.host, "next")
    await until(lambda: _at(platform, 1, Phase.SHOWN))
    await platform.press(platform.host, "end")
    await platform.settle()
    await platform.results(platform.host)
    await platform.share(platform.host)
    texts = platform.outgoing_texts()
    assert len(texts) >= 10
    found = [(ping, text[:200]) for text in texts for ping in pings_in(text)]
    assert found == [], found
    for allowed in platform.mention_permissions():
        assert (
            allowed is not None
            and not allowed.get("parse")
            and not allowed.get("users")
            and not allowed.get("roles")
            and not allowed.get("replied_user")
        ), allowed


# -- the answer counter ------------------------------------------------------------------------------
async def test_a_burst_of_answers_ends_showing_them_all(slow_counter_platform: Platform) -> None:
    platform = slow_counter_platform
    await platform.start()
    first, *rest = platform.students
    await platform.answer(first, 0)  # drawn at once

    async def shows(count: int) -> bool:
        return platform.answered_shown() == count

    await until(lambda: shows(1))
    await platform.answer_all_at_once(tuple(rest), 1)  # within the interval: folded into one later redraw
    await until(lambda: shows(len(platform.students)))
    assert len((await platform.state()).answers) == len(platform.students)
