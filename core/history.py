"""Every epoch of a run, as chart columns, in bounded memory.

The engine can run hundreds of thousands of epochs a second; keeping a row for each would
grow by megabytes a second. Up to ``max_rows`` epochs are kept one by one. Beyond that the
run is kept at every k-th epoch (k doubles whenever the rows would exceed ``max_rows``),
always from epoch 0, plus the latest epoch exactly. A chart is a few thousand pixels wide, so
it shows the same curves either way.
"""

from __future__ import annotations

import numpy as np

from core.record import EpochBatch, history_columns

COLUMNS = history_columns()  # the record's per-epoch numbers: epoch, loss, ..., w1, w2, b, ...
DEFAULT_MAX_ROWS = 1 << 17  # 20 rows of float64 each: about 20 MB


class EpochHistory:
    """Rows sorted by epoch. A report of an epoch already kept replaces it and everything
    after it: the model was re-evaluated, or reset (its epochs start again at 0)."""

    def __init__(self, max_rows: int = DEFAULT_MAX_ROWS) -> None:
        if max_rows < 3:  # epoch 0 and the latest epoch are always kept, plus one to thin
            raise ValueError("an epoch history needs room for at least 3 rows")
        self._max_rows = max_rows
        # Allocated once, with room for a chunk beyond the limit: growing later would copy
        # megabytes in the middle of a frame.
        self._data = np.full((max_rows + 8192, len(COLUMNS)), np.nan)
        self.size = 0
        self.stride = 1  # rows kept: epochs divisible by this, and the latest one

    def add(self, batch: EpochBatch) -> None:
        if not len(batch):
            return
        rows = batch.rows()
        self._drop_from(rows[0, 0])
        keep = rows[:, 0] % self.stride == 0
        keep[-1] = True
        self._append(rows[keep])
        while self.size > self._max_rows:
            self._coarsen()

    def column(self, name: str) -> np.ndarray:
        return self._data[: self.size, COLUMNS.index(name)]

    def _drop_from(self, epoch: float) -> None:
        epochs = self.column("epoch")
        self.size = int(np.searchsorted(epochs, epoch))
        if self.size and epochs[self.size - 1] % self.stride:
            self.size -= 1  # the latest epoch, kept only until a later one arrives
        if self.size == 0:
            self.stride = 1

    def _append(self, rows: np.ndarray) -> None:
        needed = self.size + len(rows)
        if needed > len(self._data):
            grown = np.full((max(needed, 2 * len(self._data)), len(COLUMNS)), np.nan)
            grown[: self.size] = self._data[: self.size]
            self._data = grown
        self._data[self.size: needed] = rows
        self.size = needed

    def _coarsen(self) -> None:
        self.stride *= 2
        rows = self._data[: self.size]
        keep = rows[:, 0] % self.stride == 0
        keep[-1] = True
        kept = rows[keep]
        self._data[: len(kept)] = kept
        self.size = len(kept)
