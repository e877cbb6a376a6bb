"""The pace clock, on a fake clock: epochs come when due, never early, never in a burst; and
the chunk sizer, which keeps each chunk of training within a frame."""

import pytest

from core.pacing import DEFAULT_PACE, PACES, PaceClock

FRAME = 0.016


def test_epochs_come_one_by_one_at_a_slow_pace():
    clock = PaceClock(FRAME)
    clock.set_pace(5)
    assert clock.due(100.0, 50) == 1  # a run's first epoch at once
    clock.ran(1)
    assert clock.due(100.1, 50) == 0  # the next is due 0.2 s later
    assert clock.seconds_until_due(100.1, 50) == pytest.approx(0.1, abs=1e-9)
    assert clock.due(100.2, 50) == 1
    clock.ran(1)
    assert clock.due(100.39, 50) == 0


def test_a_fast_pace_runs_a_frames_worth_at_a_time():
    clock = PaceClock(FRAME)
    clock.set_pace(5000)  # 80 epochs per frame
    assert clock.due(0.0, 10_000) == 0  # not one epoch at a time: wait for a frame's worth
    assert clock.due(clock.seconds_until_due(0.0, 10_000), 10_000) == 80
    clock.ran(80)


def test_the_last_epochs_before_a_limit_need_not_wait_for_a_full_frame():
    clock = PaceClock(FRAME)
    clock.set_pace(5000)
    assert clock.due(0.0, 3) == 0
    assert clock.seconds_until_due(0.0, 3) == pytest.approx(0.0004)  # 3 are due, not 80
    assert clock.due(0.0004, 3) == 3


def test_after_a_stall_it_goes_on_at_the_pace_instead_of_catching_up():
    clock = PaceClock(FRAME)
    clock.set_pace(10)
    assert clock.due(0.0, 100) == 1
    clock.ran(1)
    burst = clock.due(30.0, 100)  # 30 s stalled (compiling, a sleeping laptop)
    assert burst == 1  # a tenth of a second's worth, not 300 epochs in one jump
    clock.ran(burst)
    assert clock.due(30.05, 100) == 0
    assert clock.due(30.1, 100) == 1


def test_unpaced_runs_everything_asked_for():
    clock = PaceClock(FRAME)
    assert clock.due(0.0, 5000) == 5000
    assert clock.seconds_until_due(0.0, 5000) == 0.0


def test_a_new_pace_counts_from_its_first_epoch():
    clock = PaceClock(FRAME)
    clock.set_pace(1)
    assert clock.due(0.0, 10) == 1
    clock.ran(1)
    clock.set_pace(2)
    assert clock.due(0.1, 10) == 1  # not 0.9 s more at the old pace


def test_the_steps_run_from_slow_to_the_engines_speed():
    paced = [p for p in PACES if p is not None]
    assert paced == sorted(paced) and paced[0] == 1 and PACES[-1] is None
    assert DEFAULT_PACE in PACES and 60 in PACES  # one epoch per frame, as in the Playground


def test_an_epoch_longer_than_a_frame_is_cut_into_frames():
    from core.pacing import FIRST_CHUNK_STEPS, ChunkSizer

    sizer = ChunkSizer(frame_seconds=0.02)
    assert sizer.steps(1_000_000) == FIRST_CHUNK_STEPS  # cost unknown: a short first chunk
    assert sizer.steps(100) is None  # a short epoch runs whole
    sizer.observe(0.1, 0.02)  # a tenth of an epoch took a frame: an epoch takes 0.2 s
    assert sizer.steps(1_000_000) == 100_000 and sizer.epochs() == 1
    sizer.forget()  # another batch size: unknown again
    assert sizer.steps(1_000_000) == FIRST_CHUNK_STEPS
    sizer.observe(10, 0.01)  # epochs of a millisecond: whole epochs, many a chunk
    assert sizer.steps(1_000_000) is None and sizer.epochs() == 20
