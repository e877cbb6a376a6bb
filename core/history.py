"""Every epoch of a run, as chart columns, in bounded memory.

The engine can run hundreds of thousands of epochs a second; keeping a row for each would
grow by megabytes a second. Up to ``max_rows`` epochs are kept one by one. Beyond that the
run is kept at every k-th epoch (k doubles whenever the rows would exceed ``max_rows``),
always from epoch 0, plus the latest epoch exactly. A chart is a few thousand pixels wide, so
it shows the same curves either way.
"""

from __future__ import annotations

import numpy as np

from core.record import EpochBatch, EpochStats, history_columns

COLUMNS = history_columns()  # epoch and the record's figures: loss, ..., w1, w2, b, line1, ...
DEFAULT_MAX_ROWS = 1 << 17  # 20 columns of float64: about 22 MB


class EpochHistory:
    """Rows sorted by epoch. A report of an epoch already kept replaces it and everything
    after it: the model was re-evaluated, or reset (its epochs start again at 0)."""

    def __init__(self, max_rows: int = DEFAULT_MAX_ROWS) -> None:
        if max_rows < 3:  # epoch 0 and the latest epoch are always kept, plus one to thin
            raise ValueError("an epoch history needs room for at least 3 rows")
        self._max_rows = max_rows
        # Allocated once, with room for a chunk beyond the limit: growing later would copy
        # megabytes in the middle of a frame. One row per column, so a column (what charts
        # read ten times a second) is contiguous.
        self._data = np.full((len(COLUMNS), max_rows + 8192), np.nan)
        self.size = 0
        self.n_train = self.n_test = 0  # the latest report's
        self.stride = 1  # rows kept: epochs divisible by this, and the latest one

    def add(self, batch: EpochBatch) -> None:
        if not len(batch):
            return
        rows = batch.rows()
        self.n_train, self.n_test = batch.n_train, batch.n_test
        self._drop_from(rows[0, 0])
        keep = rows[:, 0] % self.stride == 0
        keep[-1] = True
        self._append(rows[keep])
        while self.size > self._max_rows:
            self._coarsen()

    def epoch_at(self, epoch: int) -> EpochStats | None:
        """The kept epoch at or before ``epoch`` (past ``max_rows``, every k-th is kept), with
        its figures and lines, to look back at it; None before the first. ``n_train`` and
        ``n_test`` are not kept per epoch: they are the latest report's."""
        epochs = self.column("epoch")
        index = int(np.searchsorted(epochs, epoch, side="right")) - 1
        if index < 0:
            return None
        row = self._data[:, index: index + 1].T
        return EpochBatch.from_rows(row, self.n_train, self.n_test).last()

    def neighbour(self, epoch: int, step: int) -> int | None:
        """The kept epoch ``step`` rows after (or, negative, before) ``epoch``'s, clamped to
        the history; None when it is empty."""
        epochs = self.column("epoch")
        if not len(epochs):
            return None
        index = int(np.searchsorted(epochs, epoch, side="right")) - 1
        return int(epochs[int(np.clip(index + step, 0, len(epochs) - 1))])

    def column(self, name: str) -> np.ndarray:
        return self._data[COLUMNS.index(name), : self.size]

    def envelope(self, name: str, bins: int) -> tuple[np.ndarray, np.ndarray]:
        """(epochs, values) of a column for a chart about ``bins`` pixels wide: consecutive rows
        grouped into at most ``bins`` groups, each drawn as its lowest and highest value, so
        a spike among the rows kept is never thinned away (past ``max_rows`` the history
        itself keeps every k-th epoch). This is pyqtgraph's "peak" downsampling, done here
        because pyqtgraph also scans every row for the plot's bounds on each update, which
        at 50,000 rows doubled the window's slowest frames). The latest row is kept exactly;
        groups with no finite value are dropped."""
        epochs, values = self.column("epoch"), self.column(name)
        if len(values) <= 2 * bins:
            keep = np.isfinite(values)
            return epochs[keep], values[keep]
        per_bin = -(-len(values) // bins)
        whole = len(values) // per_bin * per_bin
        groups = [values[:whole].reshape(-1, per_bin)]
        if whole < len(values):
            groups.append(values[whole:][None, :])
        # fmin/fmax skip NaN (a group of only NaN gives NaN, dropped below)
        low = np.concatenate([np.fmin.reduce(g, axis=1) for g in groups])
        high = np.concatenate([np.fmax.reduce(g, axis=1) for g in groups])
        x = np.append(np.repeat(epochs[::per_bin], 2), epochs[-1])
        y = np.append(np.column_stack([low, high]).ravel(), values[-1])
        keep = np.isfinite(y)
        return x[keep], y[keep]

    def _drop_from(self, epoch: float) -> None:
        epochs = self.column("epoch")
        self.size = int(np.searchsorted(epochs, epoch))
        if self.size and epochs[self.size - 1] % self.stride:
            self.size -= 1  # the latest epoch, kept only until a later one arrives
        if self.size == 0:
            self.stride = 1

    def _append(self, rows: np.ndarray) -> None:
        needed = self.size + len(rows)
        capacity = self._data.shape[1]
        if needed > capacity:
            grown = np.full((len(COLUMNS), max(needed, 2 * capacity)), np.nan)
            grown[:, : self.size] = self._data[:, : self.size]
            self._data = grown
        self._data[:, self.size: needed] = rows.T
        self.size = needed

    def _coarsen(self) -> None:
        self.stride *= 2
        columns = self._data[:, : self.size]
        keep = columns[0] % self.stride == 0
        keep[-1] = True
        kept = columns[:, keep]
        self._data[:, : kept.shape[1]] = kept
        self.size = kept.shape[1]
