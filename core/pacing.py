"""How many epochs the trainer runs next: one frame's worth, and never past the epoch limit."""

from __future__ import annotations

import numpy as np

MAX_CHUNK_EPOCHS = 5000
# Past this many points, work that re-reads every point after an edit (the trainer's new
# split, padded tensors and evaluation; the coach's advice and scikit-learn fit) waits until
# the edits pause: at 1,000,000 points each costs about a click's budget, and done at every step
# of a drag it held the interpreter the window needed to draw the drag.
MANY_POINTS = 50_000
# Batches in the first chunk of a long epoch, before its cost is known (after a new batch size).
# Measured on 1,000,000 points: 2 ms at batch 1 (a fixed ~1.5 ms a call, then ~0.4 microseconds
# a step), 17 ms at batch 32 (~17 microseconds a step), so the first chunk ends within a frame
# or two. (An earlier 10-20 microseconds at batch 1 included a recompilation at the second
# chunk, since fixed in Engine._call.)
FIRST_CHUNK_STEPS = 1_000


class ChunkSizer:
    """How many epochs fit in one frame, from how long the last chunks took.

    An epoch costs about in proportion to the points, so a change in the points rescales the
    estimate rather than measuring afresh (a chunk sized for 4 points could run for seconds on
    100,000 before a pause is seen; one point more must not make the next chunk tiny)."""

    def __init__(self, frame_seconds: float) -> None:
        self._frame_seconds = frame_seconds
        self._seconds_per_epoch: float | None = None

    def epochs(self) -> int:
        if self._seconds_per_epoch is None:
            return 1
        return int(np.clip(self._frame_seconds / self._seconds_per_epoch, 1, MAX_CHUNK_EPOCHS))

    def steps(self, steps_per_epoch: int) -> int | None:
        """Batches per chunk when one epoch takes longer than a frame (None: whole epochs).
        1,000,000 points at batch 1 is a million steps an epoch, ~0.5 s: a pause waited for
        it; cut into frames, a chunk ends (and a pause lands) within about one."""
        if self._seconds_per_epoch is None:
            return FIRST_CHUNK_STEPS if steps_per_epoch > FIRST_CHUNK_STEPS else None
        if self._seconds_per_epoch <= self._frame_seconds:
            return None
        # At least FIRST_CHUNK_STEPS: a chunk has a fixed cost besides its steps, which the
        # estimate counts as steps; without a floor the chunks shrank towards one step each
        # and an epoch at 1,000,000 points never ended.
        return max(FIRST_CHUNK_STEPS,
                   int(steps_per_epoch * self._frame_seconds / self._seconds_per_epoch))

    def observe(self, epochs: float, seconds: float) -> None:
        """``epochs`` ran in ``seconds``; a fraction when the chunk ended inside an epoch."""
        if epochs:
            rate = seconds / epochs
            old = self._seconds_per_epoch
            self._seconds_per_epoch = rate if old is None else 0.7 * old + 0.3 * rate

    def rescale(self, points_before: int, points_now: int) -> None:
        if self._seconds_per_epoch is not None and points_before:
            self._seconds_per_epoch *= max(points_now, 1) / points_before

    def forget(self) -> None:
        """Epochs will cost differently (another batch size): measure again."""
        self._seconds_per_epoch = None


def epoch_target(limit: int, epoch: int, continuing: bool = False) -> int | None:
    """The epoch at which a run stops: the limit, or (when started at or past it) another
    ``limit`` epochs; a limit lowered below the epoch of a run in progress stops it now.
    None: no limit (0), train until paused."""
    if limit == 0:
        return None
    if epoch < limit:
        return limit
    return epoch if continuing else epoch + limit


class RunLimit:
    """The epoch at which the current run stops, and which start() it belongs to."""

    def __init__(self) -> None:
        self.target: int | None = None
        self._request = 0  # the start() the target was resolved for; 0: none
        self._limit: int | None = None

    def forget(self) -> None:
        """A new model: the next update resolves the limit from its epoch 0."""
        self._request = 0

    def update(self, request: int, limit: int, epoch: int) -> None:
        if request != self._request:
            self.target = epoch_target(limit, epoch)
        elif limit != self._limit:  # the limit was edited during the run
            self.target = epoch_target(limit, epoch, continuing=True)
        self._request, self._limit = request, limit


# The pace control's steps, in epochs per second of wall time; None: as fast as it goes.
# One epoch a second lets a person read every figure; 60 is one epoch per screen frame, what
# TensorFlow Playground runs; the top steps are for long runs, and None is the engine's speed.
PACES: tuple[float | None, ...] = (1, 2, 5, 10, 20, 60, 200, 1000, 5000, None)
DEFAULT_PACE: float | None = 60  # a fresh run's first epochs are watchable, one per frame


class PaceClock:
    """When epochs are due at a pace: epoch k of a paced stretch is due k / pace seconds after
    it began. The trainer waits (on its condition, not in a loop) until the next is due.

    Above one epoch per frame the epochs due are run together, a frame's worth at a time, so a
    fast pace costs one chunk per frame, not one per epoch. After a stall (a compilation, a
    slow frame) the clock does not catch up in a burst: a person would see a jump."""

    def __init__(self, frame_seconds: float) -> None:
        self._frame_seconds = frame_seconds
        self.pace: float | None = None
        self._began: float | None = None
        self._done = 0

    def set_pace(self, pace: float | None) -> None:
        if pace != self.pace:
            self.pace = pace
            self.restart()

    def restart(self) -> None:
        """Count from the next epoch on: a new run, a new model, or another pace."""
        self._began = None

    def smallest_chunk(self) -> int:
        """Epochs worth one frame at this pace (at least one)."""
        return 1 if self.pace is None else max(1, int(self.pace * self._frame_seconds))

    def due(self, now: float, wanted: int) -> int:
        """How many of the ``wanted`` epochs may run now (0: wait for them)."""
        if self.pace is None:
            return wanted
        if self._began is None:
            self._began, self._done = now, 0
        due = int((now - self._began) * self.pace) + 1 - self._done
        burst = max(self.smallest_chunk(), int(self.pace * 0.1))
        if due > burst:  # fell behind: carry on from now at the pace, without a burst
            self._began, self._done = now - (burst - 1) / self.pace, 0
            due = burst
        return min(due, wanted) if due >= min(self.smallest_chunk(), wanted) else 0

    def seconds_until_due(self, now: float, wanted: int) -> float:
        """How long until ``due`` gives epochs again (0 when unpaced or already due)."""
        if self.pace is None or self._began is None:
            return 0.0
        next_epoch = self._done + min(self.smallest_chunk(), wanted) - 1
        return max(0.0, self._began + next_epoch / self.pace - now)

    def ran(self, epochs: int) -> None:
        self._done += epochs
