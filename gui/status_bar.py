"""The status bar's permanent labels (points per class, epoch, epochs per second, trainer
state) and the rate meter behind the epochs-per-second figure."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from PyQt6.QtCore import QCoreApplication
from PyQt6.QtWidgets import QLabel, QProgressBar, QStatusBar, QToolButton

from core.dataset import DataSnapshot
from core.trainer import TrainerState


def _tr(text: str) -> str:
    return QCoreApplication.translate("StatusBar", text)


def state_names() -> dict[TrainerState, str]:
    """What the status bar calls each trainer state (translated when asked, not at import)."""
    return {
        TrainerState.IDLE: _tr("paused"), TrainerState.LOADING: _tr("loading TensorFlow…"),
        TrainerState.BUILDING: _tr("building the model…"),
        TrainerState.COMPILING: _tr("compiling…"), TrainerState.PAUSED: _tr("paused"),
        TrainerState.TRAINING: _tr("training"), TrainerState.WAITING: _tr("waiting for points"),
        TrainerState.DIVERGED: _tr("diverged"), TrainerState.ERROR: _tr("error"),
        TrainerState.STOPPED: _tr("stopped"),
    }


class RateMeter:
    """Epochs per second over the last second of reports, or, at a pace slower than that,
    between the last two reports (at 1 epoch a second there is one report per second, and
    the meter read 0 between them)."""

    def __init__(self, window_seconds: float = 1.0) -> None:
        self._window = window_seconds
        self._marks: deque[tuple[float, int]] = deque(maxlen=120)

    def record(self, epoch: int, now: float | None = None) -> None:
        if self._marks and epoch < self._marks[-1][1]:
            self._marks.clear()  # a new model started at epoch 0: a rate across it means nothing
        self._marks.append((time.perf_counter() if now is None else now, epoch))

    def rate(self, now: float | None = None) -> float:
        now = time.perf_counter() if now is None else now
        recent = [(t, e) for t, e in self._marks if now - t < self._window]
        if len(recent) < 2 and len(self._marks) >= 2:
            (t0, _), (t1, _) = self._marks[-2], self._marks[-1]
            if now - t1 < 2 * max(t1 - t0, self._window):  # still coming at that pace
                recent = list(self._marks)[-2:]
        if len(recent) < 2:
            return 0.0
        (t0, e0), (t1, e1) = recent[0], recent[-1]
        return (e1 - e0) / (t1 - t0) if t1 > t0 else 0.0


class StatusLabels:
    """The permanent labels at the right of a window's status bar; the window feeds them."""

    def __init__(self, bar: QStatusBar) -> None:
        self._bar = bar
        self.meter = RateMeter()
        self.state = TrainerState.IDLE
        self._names = state_names()
        self._points = QLabel()
        self._epoch = QLabel()
        self._rate = QLabel()
        self._state = QLabel()
        for label, sample in ((self._points, "class 0: 000000   class 1: 000000"),
                              (self._epoch, "epoch 0000000"),
                              (self._rate, "000000 epochs/s"),
                              (self._state, "loading TensorFlow…")):
            # Wide enough for their longest text, so updates never re-layout the window.
            label.setMinimumWidth(label.fontMetrics().horizontalAdvance(sample) + 8)
            bar.addPermanentWidget(label)
        self.show_state(TrainerState.IDLE)
        # How far a big file is read, with a way to stop: shown only while reading.
        self._progress = QProgressBar()
        self._progress.setRange(0, 1000)
        self._progress.setMaximumWidth(260)
        self._cancel = QToolButton()
        self._cancel.setText(_tr("Cancel"))
        self._cancel.setToolTip(_tr("Stop reading the file; the points stay as they are"))
        for widget in (self._progress, self._cancel):
            bar.addWidget(widget)
            widget.hide()
        self._on_cancel: Callable[[], None] | None = None
        self._cancel.clicked.connect(lambda: self._on_cancel() if self._on_cancel else None)

    def show_progress(self, text: str, fraction: float,
                      cancel: Callable[[], None] | None = None) -> None:
        """A task under way (reading a file): ``text`` and how far it got (0..1), and a
        Cancel button calling ``cancel``."""
        self._progress.setFormat(text + " %p%")
        self._progress.setValue(round(1000 * max(0.0, min(1.0, fraction))))
        self._on_cancel = cancel
        self._cancel.setVisible(cancel is not None)
        self._progress.show()

    def hide_progress(self) -> None:
        self._progress.hide()
        self._cancel.hide()
        self._on_cancel = None

    def progress_shown(self) -> str | None:
        """The progress bar's text while it is shown (None otherwise)."""
        return None if self._progress.isHidden() else self._progress.text()

    def show_points(self, snapshot: DataSnapshot) -> None:
        self._points.setText(_tr("class 0: {0}   class 1: {1}").format(
            snapshot.count(0), snapshot.count(1)))

    def show_epoch(self, epoch: int, running: bool) -> None:
        self._epoch.setText(_tr("epoch {0}").format(epoch))
        rate = self.meter.rate() if running else 0.0
        text = _tr("{0:.1f} epochs/s") if 0 < rate < 10 else _tr("{0:.0f} epochs/s")
        self._rate.setText(text.format(rate))

    def show_state(self, state: TrainerState) -> None:
        self.state = state
        self._state.setText(self._names.get(state, str(state)))

    def message(self, text: str, milliseconds: int) -> None:
        """A passing message at the left (explanations, errors the user can act on)."""
        self._bar.showMessage(text, milliseconds)
