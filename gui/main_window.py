"""The main window: wires the views, the controls and the training bridge together.

It owns the ``Dataset`` and the ``TrainingBridge``; gestures become dataset edits or trainer
commands, and trainer reports become ``render`` calls. No training maths lives here.
"""

from __future__ import annotations

import html
import sys
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PyQt6.QtCore import Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PyQt6.QtWidgets import (
    QFileDialog,
    QFrame,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QToolBar,
)

from core.config import TrainConfig
from core.csv_io import DataFileError, load_csv, save_csv
from core.dataset import Dataset
from core.presets import make_preset
from core.reference import Reference, logistic_regression
from core.stats import EpochBatch, EpochStats
from core.trainer import TrainerState
from gui import style
from gui.controls import ControlsPanel, Scenario
from gui.metrics_view import MetricsView
from gui.plot_view import Brush, PlotView
from gui.training_bridge import TrainingBridge


class MainWindow(QMainWindow):
    referenceReady = pyqtSignal(object, int)  # Reference | None, data version it describes

    def __init__(self, dataset: Dataset, config: TrainConfig, source: str = "",
                 source_path: Path | None = None) -> None:
        super().__init__()
        self.dataset = dataset
        self.bridge = TrainingBridge(dataset, config, self)
        self._file: Path | None = source_path
        self._preset: str | None = None if source_path else (source or None)
        self._latest: EpochStats | None = None
        self._state = TrainerState.IDLE.value
        self._rates: deque[tuple[float, int]] = deque(maxlen=120)
        self._points_dirty = False
        self._saved_version = dataset.version  # points as loaded or saved: nothing to lose
        # scikit-learn fits off the GUI thread (100,000 points take a noticeable moment); one
        # fit at a time, and one more queued when the points changed meanwhile.
        self._reference_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reference")
        self._reference_busy = False
        self._reference_stale = False

        self.plot = PlotView()
        self.metrics = MetricsView()
        self.controls = ControlsPanel(config)
        self.controls.show_config(config, preset=None if source_path else source)
        scroller = QScrollArea()
        scroller.setWidget(self.controls)
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setMinimumWidth(self.controls.sizeHint().width() + 16)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scroller)
        splitter.addWidget(self.plot)
        splitter.addWidget(self.metrics)
        splitter.setSizes([300, 600, 380])
        splitter.setStretchFactor(1, 1)
        self.setCentralWidget(splitter)
        self._build_actions()
        self._build_status_bar()

        self.plot.pointAdded.connect(self._add_point)
        self.plot.pointRemoved.connect(self._remove_point)
        self.plot.hint.connect(lambda text: self.statusBar().showMessage(text, 4000))
        self.plot.pointMoved.connect(self._move_point)
        self.controls.configEdited.connect(self._config_edited)
        self.controls.presetChosen.connect(self.load_preset)
        self.controls.scenarioChosen.connect(self.apply_scenario)
        self.controls.problem.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.referenceReady.connect(self._reference_arrived)
        self.bridge.epochsReady.connect(self._epochs_arrived)
        self.bridge.stateChanged.connect(self._state_changed)
        dataset.subscribe(self._data_changed)

        self._render_points()
        self.plot.fit_to_data()
        self._update_title()
        self.resize(1280, 820)
        self.plot.setFocus()

    # --- set-up ------------------------------------------------------------------------------
    def _action(self, text: str, keys, slot, tip: str) -> QAction:
        action = QAction(text, self)
        sequences = [QKeySequence(k) for k in (keys if isinstance(keys, (list, tuple)) else
                                              [keys])] if keys else []
        action.setShortcuts(sequences)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        shown = " / ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in sequences)
        text = self.tr("{0} ({1})").format(tip, shown) if shown else tip
        action.setToolTip(f"<p>{html.escape(text)}</p>")  # rich text: Qt wraps long tips
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        tr = self.tr
        self.train_action = self._action(tr("Train"), "Space", self.toggle_training,
                                         tr("Train / pause"))
        self.step_action = self._action(tr("Step"), ["S", "Right"], self.bridge.step,
                                        tr("Train exactly one epoch"))
        self.reset_action = self._action(tr("Reset"), "R", self._reset,
                                         tr("New initial weights, epoch 0"))
        self.clear_action = self._action(tr("Clear"), "Ctrl+Backspace", self.dataset.clear,
                                         tr("Remove all points (undoable)"))
        self.undo_action = self._action(tr("Undo"), "Ctrl+Z", self.dataset.undo,
                                        tr("Undo the last edit of the points"))
        self.redo_action = self._action(tr("Redo"), ["Ctrl+Shift+Z", "Ctrl+Y"], self.dataset.redo,
                                        tr("Redo"))
        self.fit_action = self._action(tr("Fit view"), "F", self.plot.fit_to_data,
                                       tr("Fit the view to the points"))
        self.open_action = self._action(tr("Open…"), "Ctrl+O", self.open_file,
                                        tr("Load points from a CSV file (x,y,label)"))
        self.save_action = self._action(tr("Save…"), "Ctrl+S", self.save_file,
                                        tr("Save the points as CSV"))
        self.quit_action = self._action(tr("Quit"), "Ctrl+Q", self.close, tr("Quit"))
        self.reference_action = self._action(
            tr("scikit-learn"), "L", self._update_reference,
            tr("Compare with scikit-learn's LogisticRegression on the same points: the same "
               "model, fitted by another solver"))
        self.reference_action.setCheckable(True)
        brushes = QActionGroup(self)
        self.brush_actions = {}
        for brush, text, key, tip in (
            (Brush.CLASS1, tr("Class 1"), "1", tr("Left click adds class 1")),
            (Brush.CLASS0, tr("Class 0"), "0", tr("Left click adds class 0")),
            (Brush.ERASE, tr("Erase"), "E", tr("Left click removes the nearest point")),
        ):
            action = self._action(text, key, lambda _=False, b=brush: self.set_brush(b), tip)
            action.setCheckable(True)
            if brush in (Brush.CLASS0, Brush.CLASS1):
                action.setIcon(style.class_icon(0 if brush == Brush.CLASS0 else 1))
            brushes.addAction(action)
            self.brush_actions[brush] = action
        self.brush_actions[Brush.CLASS1].setChecked(True)

        toolbar = QToolBar(tr("Main"))
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.train_action, self.step_action, self.reset_action, None,
                       *self.brush_actions.values(), self.clear_action, None, self.undo_action,
                       self.redo_action, self.fit_action, None, self.reference_action,
                       None, self.open_action,
                       self.save_action):
            if action is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(action)
        self.addToolBar(toolbar)
        menu = self.menuBar().addMenu(tr("&File"))
        for action in (self.open_action, self.save_action, self.quit_action):
            menu.addAction(action)
        menu = self.menuBar().addMenu(tr("&Train"))
        for action in (self.train_action, self.step_action, self.reset_action):
            menu.addAction(action)
        menu = self.menuBar().addMenu(tr("&Edit"))
        for action in (self.undo_action, self.redo_action, self.clear_action,
                       *self.brush_actions.values(), self.fit_action):
            menu.addAction(action)

    def _build_status_bar(self) -> None:
        self._points_label = QLabel()
        self._epoch_label = QLabel()
        self._rate_label = QLabel()
        self._state_label = QLabel()
        for label, sample in ((self._points_label, "class 0: 000000   class 1: 000000"),
                              (self._epoch_label, "epoch 0000000"),
                              (self._rate_label, "000000 epochs/s"),
                              (self._state_label, "loading TensorFlow…")):
            # Wide enough for their longest text, so updates never re-layout the window.
            label.setMinimumWidth(label.fontMetrics().horizontalAdvance(sample) + 8)
            self.statusBar().addPermanentWidget(label)

    # --- user intent ---------------------------------------------------------------------------
    def toggle_training(self) -> None:
        self.bridge.toggle()
        self._render_status()

    def set_brush(self, brush: str) -> None:
        self.plot.brush = brush
        self.brush_actions[brush].setChecked(True)

    def load_preset(self, name: str) -> bool:
        """Replace the points with a preset; False (and nothing changed) when the user keeps
        the edited points."""
        config = self.bridge.config
        if not self._may_discard_points():
            self.controls.show_preset(self._preset)  # the chooser had already moved
            return False
        self.dataset.replace(*make_preset(name, config.seed))
        self._saved_version = self.dataset.version
        self._file = None
        self._preset = name
        self.controls.show_config(config, preset=name)
        self.plot.fit_to_data()
        self._update_title()
        return True

    def apply_scenario(self, scenario: Scenario) -> None:
        config = self.bridge.config.with_changes(**scenario.changes)
        if scenario.preset is not None and not self.load_preset(scenario.preset):
            return  # the user kept their edited points: change nothing
        self.bridge.pause()
        self.controls.show_config(config, preset=scenario.preset)
        self.bridge.set_config(config)
        self.bridge.reset()
        self.bridge.start()
        self.statusBar().showMessage(scenario.tooltip, 10000)

    def open_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open points"), "",
                                              self.tr("CSV files (*.csv);;All files (*)"))
        if path:
            self.load_file(Path(path))

    def load_file(self, path: Path) -> bool:
        if not self._may_discard_points():
            return False
        try:
            xy, labels = load_csv(path)
        except DataFileError as error:
            self.statusBar().showMessage(str(error), 15000)
            return False
        self.dataset.replace(xy, labels)
        self._saved_version = self.dataset.version
        self._file = path
        self._preset = None
        self.controls.show_preset(None)
        self.plot.fit_to_data()
        self._update_title()
        return True

    def save_file(self) -> None:
        start = str(self._file) if self._file else "points.csv"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save points"), start,
                                              self.tr("CSV files (*.csv)"))
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> bool:
        snapshot = self.dataset.snapshot()
        try:
            save_csv(path, snapshot.xy, snapshot.labels)
        except OSError as error:
            self.statusBar().showMessage(
                self.tr("Could not save {0}: {1}").format(path, error.strerror), 15000)
            return False
        self._file = path
        self._saved_version = self.dataset.version
        self._update_title()
        self.statusBar().showMessage(self.tr("Saved {0} points to {1}").format(
            len(snapshot.labels), path), 5000)
        return True

    def _reset(self) -> None:
        self.bridge.reset()

    def _add_point(self, x: float, y: float, label: int) -> None:
        self.dataset.add(x, y, label)

    def _remove_point(self, x: float, y: float) -> None:
        self.dataset.remove_nearest(x, y)

    def _move_point(self, index: int, x: float, y: float, merge: bool) -> None:
        self.dataset.move(index, x, y, merge=merge)

    def _config_edited(self, config: TrainConfig) -> None:
        old = self.bridge.config
        if self.bridge.set_config(config):
            names = {"optimizer": self.tr("optimizer"), "batchnorm": self.tr("BatchNormalization"),
                     "normalize": self.tr("input normalization"), "l2": self.tr("L2"),
                     "seed": self.tr("seed")}
            changed = [label for name, label in names.items()
                       if getattr(old, name) != getattr(config, name)]
            self.statusBar().showMessage(
                self.tr("New model ({0} changed): weights re-initialised").format(
                    ", ".join(changed)), 6000)

    # --- rendering -----------------------------------------------------------------------------
    def _data_changed(self, version: int) -> None:
        self.undo_action.setEnabled(self.dataset.can_undo())
        self.redo_action.setEnabled(self.dataset.can_redo())
        if not self._points_dirty:
            self._points_dirty = True
            QTimer.singleShot(0, self._render_points)

    def _update_reference(self) -> None:
        if not self.reference_action.isChecked():
            self.plot.show_reference(None)
            return
        if self._reference_busy:
            self._reference_stale = True
            return
        self._reference_busy = True
        self._reference_stale = False
        snapshot = self.dataset.snapshot()

        def done(future, version=snapshot.version) -> None:
            error = future.exception()
            if error is not None:  # a bug, not a user error: say so, keep the app running
                print(f"neuron-lab: scikit-learn reference failed: {error}", file=sys.stderr)
            self.referenceReady.emit(None if error else future.result(), version)

        self._reference_pool.submit(logistic_regression, snapshot.xy,
                                    snapshot.labels).add_done_callback(done)

    def _reference_arrived(self, reference: Reference | None, version: int) -> None:
        self._reference_busy = False
        if self._reference_stale:
            self._update_reference()
            return
        if not self.reference_action.isChecked():
            return
        if reference is None:
            self.plot.show_reference(None)
            self.statusBar().showMessage(
                self.tr("scikit-learn needs points of both classes"), 5000)
        else:
            self.plot.show_reference(reference.line, reference.accuracy)

    def _render_points(self) -> None:
        self._points_dirty = False
        if self.reference_action.isChecked():
            self._update_reference()
        snapshot = self.dataset.snapshot()
        self.plot.show_points(snapshot)
        self._points_label.setText(self.tr("class 0: {0}   class 1: {1}").format(
            snapshot.count(0), snapshot.count(1)))
        self.undo_action.setEnabled(self.dataset.can_undo())
        self.redo_action.setEnabled(self.dataset.can_redo())

    def _epochs_arrived(self, batches: list[EpochBatch]) -> None:
        latest = batches[-1].last()
        self._latest = latest
        self._rates.append((time.perf_counter(), latest.epoch))
        self.plot.show_model(latest)
        self.metrics.update_epochs(batches)
        self._render_status()

    def _state_changed(self, state: str, message: str) -> None:
        self._state = state
        if message:
            self.statusBar().showMessage(message, 10000)
        self._render_status()

    def _render_status(self) -> None:
        running = self.bridge.running
        self.train_action.setText(self.tr("Pause") if running else self.tr("Train"))
        epoch = self._latest.epoch if self._latest else 0
        self._epoch_label.setText(self.tr("epoch {0}").format(epoch))
        self._rate_label.setText(self.tr("{0:.0f} epochs/s").format(self.epochs_per_second()))
        names = {
            "idle": self.tr("paused"), "loading": self.tr("loading TensorFlow…"),
            "compiling": self.tr("compiling…"),
            "paused": self.tr("paused"), "training": self.tr("training"),
            "waiting": self.tr("waiting for points"), "diverged": self.tr("diverged"),
            "error": self.tr("error"), "stopped": self.tr("stopped"),
        }
        self._state_label.setText(names.get(self._state, self._state))

    def epochs_per_second(self) -> float:
        now = time.perf_counter()
        recent = [(t, e) for t, e in self._rates if now - t < 1.0]
        if len(recent) < 2 or not self.bridge.running:
            return 0.0
        (t0, e0), (t1, e1) = recent[0], recent[-1]
        return (e1 - e0) / (t1 - t0) if t1 > t0 else 0.0

    def _update_title(self) -> None:
        self.setWindowTitle(self.tr("Neuron Lab — {0}").format(self._file.name) if self._file
                            else self.tr("Neuron Lab"))

    # --- shutdown ------------------------------------------------------------------------------
    def has_unsaved_points(self) -> bool:
        return self.dataset.version != self._saved_version and len(self.dataset) > 0

    def _may_discard_points(self) -> bool:
        """Ask before edited points are replaced or closed; True when it is fine to go on."""
        if not self.has_unsaved_points():
            return True
        answer = QMessageBox.question(
            self, self.tr("Unsaved points"),
            self.tr("The points were edited and not saved. Save them first?"),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("Save points"), str(self._file or "points.csv"),
                self.tr("CSV files (*.csv)"))
            return bool(path) and self.save_to(Path(path))
        return answer == QMessageBox.StandardButton.Discard

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt naming
        if not self._may_discard_points():
            event.ignore()
            return
        self.dataset.unsubscribe(self._data_changed)
        self._reference_pool.shutdown(wait=True, cancel_futures=True)
        self.bridge.stop()
        super().closeEvent(event)
