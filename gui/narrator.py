"""What the caption says, and when: a scenario's explanation, then the measured diagnosis of
the run, and errors that stay until acted upon.

The window tells the narrator what happened (a scenario started, epochs arrived, the trainer's
state changed, a file failed); the narrator decides what the caption shows. ``diagnose`` reads
the history's tail, so it runs at most four times a second, never per epoch.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PyQt6.QtCore import QObject, QTimer

from core.dataset import Dataset, DataSnapshot
from core.diagnosis import FAILS, WORKS, diagnose
from core.record import EpochBatch
from core.trainer import TrainerState
from gui.caption import CaptionPanel
from gui.metrics_view import MetricsView
from gui.throttle import Throttle
from gui.training_bridge import TrainingBridge

DIAGNOSES_PER_SECOND = 4


class Narrator(QObject):
    """Drives a ``CaptionPanel`` from the run's events."""

    def __init__(self, caption: CaptionPanel, bridge: TrainingBridge, dataset: Dataset,
                 metrics: MetricsView, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._caption = caption
        self._bridge = bridge
        self._dataset = dataset
        self._metrics = metrics
        # A scenario's explanation stands until its run says more: "waiting" for its model's
        # epoch 0 (the history still holds the previous run's), then "shown" while it runs.
        self._explaining = ""
        self._trainer_error = False  # the error shown came from the trainer (diverged)
        self._snapshot: DataSnapshot | None = None  # the points last diagnosed
        self._due = Throttle(1000 / DIAGNOSES_PER_SECOND, self._diagnose, self)
        caption.errorChanged.connect(self._error_changed)
        dataset.subscribe(self._points_changed)
        self.request()

    def request(self, *_args: object) -> None:
        """Something changed (settings, the epoch looked at): diagnose soon."""
        self._due.request()

    def close(self) -> None:
        self._dataset.unsubscribe(self._points_changed)

    # --- events --------------------------------------------------------------------------------
    def scenario_started(self, explanation: str) -> None:
        """The explanation stands until the scenario's run has measured something to say."""
        self._caption.clear_error()  # a new success makes an old error moot
        self._explaining = "waiting"  # for the scenario's model: its epoch 0
        self._caption.show_text(explanation)

    def epochs_arrived(self, batches: list[EpochBatch]) -> None:
        if self._explaining == "waiting" and any(
                len(batch) and batch.epoch[0] == 0 for batch in batches):
            self._explaining = "shown"  # the scenario's own model has reported
        self.request()

    def state_changed(self, state: TrainerState, message: str,
                      in_passing: Callable[[str], None]) -> None:
        """A divergence or a failure is an error that stays; other messages ("epoch limit
        reached") go to ``in_passing`` (the status bar)."""
        if state in (TrainerState.DIVERGED, TrainerState.ERROR) and message:
            self.show_error(message, from_trainer=True)
        elif state is TrainerState.BUILDING and message:  # a session's model did not fit
            self.show_error(message)
        elif message:
            in_passing(message)
        if state in (TrainerState.BUILDING, TrainerState.TRAINING) and self._trainer_error:
            self._caption.clear_error()  # a reset or a new run: the divergence is history
        self.request()

    def show_error(self, text: str, from_trainer: bool = False) -> None:
        self._caption.show_error(text)
        self._trainer_error = from_trainer

    # --- internals -----------------------------------------------------------------------------
    def _points_changed(self) -> None:
        """A data listener runs under the data lock: diagnose later, not here."""
        QTimer.singleShot(0, self.request)

    def _error_changed(self, shown: bool) -> None:
        if not shown:
            self._trainer_error = False

    def _diagnose(self) -> None:
        """Say what the run shows, measured. A scenario's explanation stands while its run
        goes on and the diagnosis has no verdict yet."""
        cursor = self._metrics.cursor
        if cursor is not None and cursor.epoch == 0:  # not "press Space": Space goes on live
            self._caption.show_text(self.tr(
                "Epoch 0: the seed's initial weights, before any training. End returns to the "
                "latest epoch."), "idle")
            return
        snapshot = self._snapshot
        if snapshot is None or snapshot.version != self._dataset.version:
            # The same arrays while the points stay the same: diagnose works out what depends
            # on the points alone only once for them.
            snapshot = self._snapshot = self._dataset.snapshot()
        shown = cursor or self._metrics.latest  # looking back: that epoch's story
        if cursor is None and shown is not None and self._metrics.stale:
            # The points changed since this epoch trained: its fit figures describe other
            # points, and set beside predict's new ones they would tell of a gap that is not.
            shown = dataclasses.replace(shown, accuracy=None, loss=None)
        caption = diagnose(self._bridge.config, snapshot.xy, snapshot.labels,
                           self._metrics.history_columns_view(), shown)
        waiting = self._explaining == "waiting"
        still_telling = (self._explaining == "shown" and self._bridge.running
                         and caption.verdict not in (WORKS, FAILS))
        if waiting or still_telling:
            return
        self._explaining = ""
        self._caption.show_caption(caption)
