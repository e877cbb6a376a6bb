"""The "Rate finder" tab: the learning-rate range test, plotted, with its suggestion one click
away.

The panel only renders and forwards: the live model's weights come from the training thread
(``bridge.ask``), the sweep runs in ``core.lr_finder`` on a worker thread named "lr-finder"
(its own copy of the model; TensorFlow objects made there stay there), and "Use" hands the
rate to ``MainWindow.apply_changes`` as if typed into the controls.

A sweep describes one model on one set of points: when a new model is built (a structural
setting, a scenario, a reset, a new seed...) or the points change, the panel drops it
(``sweep`` becomes None, ``sweepChanged`` is emitted) so neither "Use" nor the coach offers a
rate found for a model that is gone.
"""

from __future__ import annotations

import math
import threading
from concurrent.futures import Future

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QCoreApplication, pyqtSignal, pyqtSlot
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from core.config import TrainConfig
from core.lr_finder import (
    END_RATE,
    START_RATE,
    Sweep,
    find_learning_rate,
    format_rate,
)
from core.split import training_points
from core.trainer import TrainerState
from gui import style
from gui.actions import keep_focus_off
from gui.background import BackgroundWorker

RAW_COLOR = "#B0B0B0"  # each step's batch loss: faint, the noise behind the curve
CURVE_COLOR = style.SERIES_COLORS["train"]
MARKER_COLOR = style.SERIES_COLORS["predict"]


def sweep_text(sweep: Sweep) -> str:
    """The sweep's sentence in the user's language (core keeps the English template)."""
    return QCoreApplication.translate("LrFinder", sweep.template).format(**sweep.values)


class LrFinderPanel(QWidget):
    """Find button, loss-against-rate plot with the suggestion marked, Use and Cancel."""

    _progressed = pyqtSignal(int, int)  # emitted on the worker thread: delivered queued
    sweepChanged = pyqtSignal(object)  # the new ``sweep`` (a Sweep, or None when dropped)

    def __init__(self, window) -> None:
        super().__init__(window)
        self._window = window
        self._stop = threading.Event()
        self._busy = False
        self._closed = False
        self.sweep: Sweep | None = None
        self._asking: Future | None = None  # the weights asked of the training thread
        # What the sweep (shown or running) was made for: the settings and the points' version.
        self._swept_config: TrainConfig | None = None
        self._swept_version: int | None = None
        self._outdated = False  # the running sweep's model or points changed meanwhile
        self._worker = BackgroundWorker("lr-finder", self)
        self._worker.finished.connect(self._finished)
        self._progressed.connect(self._show_progress)
        self._build()
        window.controls.configEdited.connect(self._config_edited)
        window.scenarioApplied.connect(lambda _scenario: self._model_changed())
        window.bridge.stateChanged.connect(self._state_changed)
        window.dataset.subscribe(self._data_changed)

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        tr = self.tr
        intro = QLabel(tr(
            "Trains a copy of the model for a few hundred steps with a rate that grows from "
            "0.000001 to 10, and plots the loss at each rate. The live model is not touched."))
        intro.setWordWrap(True)
        self.plot = pg.PlotWidget(background="w")
        self.plot.setLogMode(x=True, y=False)
        self.plot.setLabel("bottom", tr("learning rate (log scale)"))
        self.plot.setLabel("left", tr("loss"))
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        # The x axis always spans the planned sweep (view coordinates are log10 of the rate):
        # decade ticks before any sweep, and a cancelled few-step sweep is not zoomed into
        # overlapping labels.
        self.plot.setXRange(math.log10(START_RATE), math.log10(END_RATE), padding=0.02)
        self.plot.getViewBox().setMouseEnabled(x=False, y=True)
        for side in ("bottom", "left"):  # "(x0.001)" beside a log axis would misread the rate
            self.plot.getAxis(side).enableAutoSIPrefix(False)
        self.plot.setToolTip(tr(
            "Loss after each step of the sweep, against that step's learning rate. Where the "
            "curve is flat the rate is too small to move the weights; where it falls fastest "
            "the rate trains well; where it shoots up the rate overshoots. Grey: each batch's "
            "loss; blue: its smoothed average."))
        self.raw_curve = self.plot.plot(pen=pg.mkPen(RAW_COLOR, width=1))
        self.curve = self.plot.plot(pen=pg.mkPen(CURVE_COLOR, width=2))
        # InfiniteLine does not follow the axis's log mode: its position is log10(rate).
        self.marker = pg.InfiniteLine(angle=90, movable=False,
                                      pen=pg.mkPen(MARKER_COLOR, width=1.5),
                                      label="", labelOpts={"position": 0.9, "color": MARKER_COLOR})
        self.marker.setVisible(False)
        self.plot.addItem(self.marker)

        self.find_button = QPushButton(tr("Find &rate"))
        self.find_button.setToolTip(tr(
            "Sweep the learning rate on a copy of the current model and the training points, "
            "and suggest the rate where the loss falls fastest"))
        self.find_button.clicked.connect(self.find)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.setToolTip(tr("Stop the sweep"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.use_button = QPushButton(tr("Use"))
        self.use_button.setToolTip(tr(
            "Set the learning rate to the suggestion; training goes on with it"))
        self.use_button.setEnabled(False)
        self.use_button.clicked.connect(self.use_suggestion)
        self.progress = QProgressBar()
        self.progress.setFormat(tr("%v of %m steps"))  # Qt fills in done and total
        self.progress.setTextVisible(True)
        self.progress.setToolTip(tr("Steps of the sweep done"))
        keep_room = self.progress.sizePolicy()  # hidden when no sweep runs; the buttons stay
        keep_room.setRetainSizeWhenHidden(True)
        self.progress.setSizePolicy(keep_room)
        self.progress.setVisible(False)
        # As the controls' buttons: focus only from Tab (a click leaves it on the plot, so the
        # next Space trains), and then Space presses the button. Alt+R finds from anywhere.
        for button in (self.find_button, self.cancel_button, self.use_button):
            keep_focus_off(button)
        buttons = QHBoxLayout()
        for widget in (self.find_button, self.cancel_button, self.progress, self.use_button):
            buttons.addWidget(widget)
        self.message = QLabel(tr("Press Find rate (Alt+R) to sweep."))
        self.message.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.plot, 1)

    # --- actions -----------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._busy

    def find(self) -> None:
        """Read the live weights on the training thread, then sweep on the worker thread."""
        if self._busy or self._closed:
            return
        self._set_busy(True)
        self._stop.clear()
        self._outdated = False
        self.progress.setValue(0)
        self.message.setText(self.tr("Reading the model…"))
        self._asking = self._window.bridge.ask(
            lambda neuron: neuron.keras_model.get_weights(), self._weights_read)

    def cancel(self) -> None:
        """The sweep stops before its next step (a few milliseconds); a question to the
        training thread not yet answered (it is building a model) is withdrawn."""
        self._stop.set()
        if self._asking is not None and self._asking.cancel():
            self._asking = None
            self._set_busy(False)
            self.message.setText(self.tr("Sweep cancelled."))

    def use_suggestion(self) -> None:
        sweep = self.sweep
        if sweep is None or sweep.suggestion is None:
            return
        rate = float(format_rate(sweep.suggestion))  # the rate the button shows
        self._window.apply_changes({"learning_rate": rate}, restart=False)
        self._window.status.message(self.tr("Learning rate set to {0}").format(
            format_rate(rate)), 4000)

    def close_panel(self) -> None:
        """Stop the sweep and end the worker thread (the window is closing)."""
        self._closed = True
        self._stop.set()
        self._window.dataset.unsubscribe(self._data_changed)
        self._worker.close()

    # --- the model or the points changed ---------------------------------------------------
    def _config_edited(self, config: TrainConfig) -> None:
        if self._swept_config is not None and self._swept_config.needs_rebuild(config):
            self._model_changed()

    def _state_changed(self, state: TrainerState, _message: str) -> None:
        if state is TrainerState.BUILDING:  # any new model: reset, seed, scenario, setting
            self._model_changed()

    def _data_changed(self) -> None:
        if self._swept_version is not None and self._window.dataset.version != self._swept_version:
            self._model_changed()

    def _model_changed(self) -> None:
        """The sweep no longer describes the model: drop it; a running one is stopped. (While
        the weights are still being asked for, the answer comes from the new model, and the
        settings and points are read with it: that sweep goes on.)"""
        if self._busy and self._asking is None:
            self._outdated = True
            self._stop.set()
        self._swept_config = self._swept_version = None
        if self.sweep is None:
            return
        self.sweep = None
        self.raw_curve.setData([], [])
        self.curve.setData([], [])
        self.marker.setVisible(False)
        self.use_button.setEnabled(False)
        self.use_button.setText(self.tr("Use"))
        self.message.setText(self.tr("The model or the points changed since the sweep: press "
                                     "Find rate (Alt+R) to sweep again."))
        self.sweepChanged.emit(None)

    # --- answers -----------------------------------------------------------------------------
    def _weights_read(self, weights: object, error: BaseException | None) -> None:
        self._asking = None
        if self._closed:
            return
        if error is not None or self._stop.is_set():
            self._set_busy(False)
            self.message.setText(self.tr("Could not read the model: {0}").format(error)
                                 if error is not None else self.tr("Sweep cancelled."))
            return
        config = self._window.bridge.config
        snapshot = self._window.dataset.snapshot()
        self._swept_config, self._swept_version = config, snapshot.version
        xy, labels = training_points(snapshot, config)
        self.message.setText(self.tr("Sweeping…"))
        self._worker.submit(find_learning_rate, config, weights, xy, labels,
                            self._stop.is_set, self._progressed.emit)

    @pyqtSlot(int, int)
    def _show_progress(self, done: int, total: int) -> None:
        if self._busy:
            self.progress.setMaximum(total)
            self.progress.setValue(done)

    def _finished(self, sweep: object, error: object) -> None:
        self._set_busy(False)
        if error is not None:
            self.message.setText(self.tr("The sweep failed: {0}").format(error))
            return
        if self._outdated:  # made for a model or points that are gone
            self._outdated = False
            self._swept_config = self._swept_version = None
            self.message.setText(self.tr("The model or the points changed during the sweep: "
                                         "press Find rate (Alt+R) to sweep again."))
            return
        assert isinstance(sweep, Sweep)
        self.show_sweep(sweep)

    def show_sweep(self, sweep: Sweep) -> None:
        """Draw the curve and mark the suggestion (if there is one)."""
        self.sweep = sweep
        self.sweepChanged.emit(sweep)
        self.raw_curve.setData(sweep.rates, _finite(sweep.losses))
        self.curve.setData(sweep.rates, _finite(sweep.smoothed))
        self.message.setText(sweep_text(sweep))
        rate = sweep.suggestion
        self.marker.setVisible(rate is not None)
        self.use_button.setEnabled(rate is not None)
        if rate is None:
            self.use_button.setText(self.tr("Use"))
            return
        shown = format_rate(rate)
        self.marker.setValue(math.log10(rate))
        self.marker.label.setFormat(self.tr("suggested {0}").format(shown))
        self.use_button.setText(self.tr("Use {0}").format(shown))
        finite = sweep.smoothed[np.isfinite(sweep.smoothed)]
        if len(finite):  # the curve, not the explosion's last batch, sets the range
            low, high = float(finite.min()), float(finite.max())
            self.plot.setYRange(low, high + 0.05 * (high - low or 1.0))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.find_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        self.progress.setVisible(busy)  # "12 of 250 steps" while sweeping; nothing when idle
        if busy:
            self.use_button.setEnabled(False)


def _finite(values: np.ndarray) -> np.ndarray:
    """NaN where the loss is not finite: pyqtgraph leaves a gap instead of a wild axis."""
    return np.where(np.isfinite(values), values, np.nan)
