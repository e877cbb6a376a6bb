"""The one place where the trainer's thread meets Qt.

The trainer calls back on its own thread, possibly thousands of times a second. Here those
calls are queued and handed to the GUI thread in batches, at most about 60 times a second, so
the view redraws once per frame while every epoch still reaches the charts, in order.
"""

from __future__ import annotations

import threading
import time

from PyQt6.QtCore import QObject, QTimer, pyqtSignal, pyqtSlot

from core.config import TrainConfig
from core.dataset import Dataset
from core.stats import EpochBatch
from core.trainer import Trainer, TrainerState

FRAME_MS = 16


class TrainingBridge(QObject):
    """Owns the ``Trainer`` for a window and re-emits its reports as Qt signals."""

    epochsReady = pyqtSignal(list)  # list[EpochBatch], in order, since the last emission
    stateChanged = pyqtSignal(str, str)  # TrainerState value, message
    _wake = pyqtSignal()  # emitted from the trainer thread; delivered queued

    def __init__(self, dataset: Dataset, config: TrainConfig, parent: QObject | None = None):
        super().__init__(parent)
        self._lock = threading.Lock()
        self._pending: list[EpochBatch] = []
        self._states: list[tuple[str, str]] = []
        self._scheduled = False
        self._last_flush = 0.0
        self._wake.connect(self._schedule_flush)
        self.trainer = Trainer(dataset, config, self._on_epochs, self._on_state)

    # --- commands --------------------------------------------------------------------------
    def prepare(self) -> None:
        self.trainer.prepare()

    def toggle(self) -> None:
        self.trainer.toggle()

    def start(self) -> None:
        self.trainer.start()

    def pause(self) -> None:
        self.trainer.pause()

    def step(self) -> None:
        self.trainer.step()

    def reset(self) -> None:
        self.trainer.reset()

    def set_config(self, config: TrainConfig) -> bool:
        return self.trainer.set_config(config)

    @property
    def config(self) -> TrainConfig:
        return self.trainer.config

    @property
    def running(self) -> bool:
        return self.trainer.running

    def stop(self) -> None:
        self.trainer.stop()
        self.flush()

    # --- trainer thread side ---------------------------------------------------------------
    def _on_epochs(self, batch: EpochBatch) -> None:
        with self._lock:
            self._pending.append(batch)
            wake = not self._scheduled
            self._scheduled = True
        if wake:
            self._wake.emit()

    def _on_state(self, state: TrainerState, message: str) -> None:
        with self._lock:
            self._states.append((state.value, message))
            wake = not self._scheduled
            self._scheduled = True
        if wake:
            self._wake.emit()

    # --- GUI thread side -------------------------------------------------------------------
    @pyqtSlot()
    def _schedule_flush(self) -> None:
        wait_ms = FRAME_MS - (time.perf_counter() - self._last_flush) * 1000
        if wait_ms <= 0:
            self.flush()
        else:
            QTimer.singleShot(int(wait_ms) + 1, self.flush)

    def flush(self) -> None:
        """Deliver everything pending now (also called directly by tests and on close)."""
        with self._lock:
            batches, self._pending = self._pending, []
            states, self._states = self._states, []
            self._scheduled = False
        self._last_flush = time.perf_counter()
        for state, message in states:
            self.stateChanged.emit(state, message)
        if batches:
            self.epochsReady.emit(batches)
