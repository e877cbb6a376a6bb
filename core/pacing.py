"""How many epochs the trainer runs next: one frame's worth, and never past the epoch limit."""

from __future__ import annotations

import numpy as np

MAX_CHUNK_EPOCHS = 5000


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

    def observe(self, epochs: int, seconds: float) -> None:
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
