"""The main window: wires the document, the views, the controls and the training bridge.

Gestures become document edits or trainer commands, and trainer reports become ``render``
calls. Files and the unsaved question live in ``file_actions``, the status bar's labels in
``status_bar``, background work in ``background``; no training maths lives here.
"""

from __future__ import annotations

import sys
from functools import partial

from PyQt6.QtCore import QEvent, QObject, Qt, QTimer
from PyQt6.QtGui import QActionGroup, QCloseEvent
from PyQt6.QtWidgets import QFrame, QMainWindow, QScrollArea, QSplitter, QToolBar

from core.config import TrainConfig
from core.document import Document
from core.record import EpochBatch, EpochStats
from core.reference import Reference, logistic_regression
from core.scenarios import Scenario
from core.trainer import TrainerState
from gui import style
from gui.actions import reserve_width, window_action
from gui.background import BackgroundWorker
from gui.controls import ControlsPanel, scenario_explanation
from gui.file_actions import FileActions
from gui.metrics_view import MetricsView
from gui.plot_view import Brush, PlotView
from gui.status_bar import StatusLabels
from gui.training_bridge import TrainingBridge


class MainWindow(QMainWindow):
    def __init__(self, document: Document, config: TrainConfig) -> None:
        super().__init__()
        self.document = document
        self.dataset = document.dataset
        self.bridge = TrainingBridge(self.dataset, config, self)
        self._latest: EpochStats | None = None
        self._points_dirty = False
        # scikit-learn fits off the GUI thread: 100,000 points take a noticeable moment.
        self._reference = BackgroundWorker("reference", self)

        self.plot = PlotView()
        self.metrics = MetricsView()
        self.controls = ControlsPanel(config)
        self.controls.show_config(config, preset=document.preset)
        scroller = QScrollArea()
        scroller.setWidget(self.controls)
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        # Its minimum, not its preferred width: at 900 pixels the plot and the charts need
        # the difference more (the panel scrolls vertically, its boxes narrow a little).
        scroller.setMinimumWidth(self.controls.minimumSizeHint().width() + 16)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scroller)
        splitter.addWidget(self.plot)
        splitter.addWidget(self.metrics)
        splitter.setSizes([300, 600, 380])
        # A narrower window takes from the plot and the charts alike (2:1), not from the
        # plot alone: at 900 pixels the plot would be left 180 wide.
        splitter.setStretchFactor(1, 2)
        splitter.setStretchFactor(2, 1)
        self.setCentralWidget(splitter)
        self.status = StatusLabels(self.statusBar())
        self.files = FileActions(self, document, self.status)
        self._build_actions()
        self.setWindowIcon(style.app_icon())

        self.plot.viewport().installEventFilter(self)  # see eventFilter
        self.plot.pointAdded.connect(self.dataset.add)
        self.plot.pointRemoved.connect(self.dataset.remove)  # the index under the cursor
        self.plot.pointMoved.connect(
            lambda index, x, y, merge: self.dataset.move(index, x, y, merge=merge))
        self.plot.hint.connect(lambda text: self.status.message(text, 4000))
        self.controls.configEdited.connect(self._config_edited)
        self.controls.presetChosen.connect(self.load_preset)
        self.controls.scenarioChosen.connect(self.apply_scenario)
        self.controls.problem.connect(lambda text: self.status.message(text, 8000))
        self.files.loaded.connect(self._document_loaded)
        self._reference.finished.connect(self._reference_arrived)
        self.bridge.epochsReady.connect(self._epochs_arrived)
        self.bridge.stateChanged.connect(self._state_changed)
        self.dataset.subscribe(self._data_changed)

        self.fit_view()
        self.files.update_title()
        self._render_status()
        self.resize(1280, 820)
        self.plot.setFocus()

    # --- set-up ------------------------------------------------------------------------------

    def _build_actions(self) -> None:
        tr = self.tr
        make = partial(window_action, self)
        self.train_action = make(tr("Train"), "Space", self.toggle_training, tr("Train / pause"))
        self.step_action = make(tr("Step"), ["S", "Right"], self.bridge.step,
                                tr("Train exactly one epoch"))
        self.reset_action = make(tr("Reset"), "R", self.bridge.reset,
                                 tr("Back to epoch 0: the seed's initial weights"))
        self.new_seed_action = make(tr("New seed"), "N", self.controls.draw_new_seed,
                                    tr("Draw a new seed: other initial weights, shuffles and "
                                       "split"))
        self.clear_action = make(tr("Clear"), "Ctrl+Backspace", self.dataset.clear,
                                 tr("Remove all points (undoable)"))
        self.undo_action = make(tr("Undo"), "Ctrl+Z", self.dataset.undo,
                                tr("Undo the last edit of the points"))
        self.redo_action = make(tr("Redo"), ["Ctrl+Shift+Z", "Ctrl+Y"], self.dataset.redo,
                                tr("Redo"))
        self.fit_action = make(tr("Fit view"), "F", self.fit_view,
                               tr("Fit the view to the points"))
        self.open_action = make(tr("Open…"), "Ctrl+O", self.files.open_file,
                                tr("Load points from a CSV file (x,y,label)"))
        self.save_action = make(tr("Save…"), "Ctrl+S", self.files.save_file,
                                tr("Save the points as CSV"))
        self.quit_action = make(tr("Quit"), "Ctrl+Q", self.close, tr("Quit"))
        self.reference_action = make(
            tr("scikit-learn"), "L", self._update_reference,
            tr("Compare with scikit-learn's LogisticRegression on the same points: the same "
               "model, fitted by another solver"))
        self.reference_action.setCheckable(True)
        brushes = QActionGroup(self)
        self.brush_actions = {}
        for brush, text, key, tip in (
            (Brush.CLASS1, tr("Class 1"), "1", tr("Left click adds class 1")),
            (Brush.CLASS0, tr("Class 0"), "0", tr("Left click adds class 0")),
            (Brush.ERASE, tr("Erase"), "E", tr("Left click removes the point under the cursor")),
        ):
            action = make(text, key, lambda _=False, b=brush: self.set_brush(b), tip)
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
        for action in (self.train_action, self.step_action, self.reset_action,
                       self.new_seed_action, None,
                       *self.brush_actions.values(), self.clear_action, None, self.undo_action,
                       self.redo_action, self.fit_action, None, self.reference_action,
                       None, self.open_action, self.save_action):
            if action is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(action)
        self.addToolBar(toolbar)
        reserve_width(toolbar.widgetForAction(self.train_action), (tr("Pause"), tr("Train")))
        for title, actions in (
            (tr("&File"), (self.open_action, self.save_action, self.quit_action)),
            (tr("&Train"), (self.train_action, self.step_action, self.reset_action,
                            self.new_seed_action)),
            (tr("&Edit"), (self.undo_action, self.redo_action, self.clear_action,
                           *self.brush_actions.values(), self.fit_action)),
        ):
            menu = self.menuBar().addMenu(title)
            for action in actions:
                menu.addAction(action)

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
        if not self.files.load_preset(name, self.bridge.config.seed):
            self.controls.show_preset(self.document.preset)  # the chooser had already moved
            return False
        return True

    def apply_scenario(self, scenario: Scenario) -> None:
        """Load the scenario's preset (asking first), then train its config from epoch 0."""
        config = scenario.config_from(self.bridge.config)
        if scenario.preset is not None and not self.files.load_preset(scenario.preset,
                                                                      config.seed):
            self.controls.show_preset(self.document.preset)
            return  # the user kept their edited points: change nothing
        self.controls.show_config(config, preset=scenario.preset)
        self.bridge.restart(config)
        self.show_scenario_started(scenario)

    def show_scenario_started(self, scenario: Scenario) -> None:
        self.status.message(scenario_explanation(scenario), 10000)
        self._render_status()

    def fit_view(self) -> None:
        """Fit the view to the points the document holds now, even when their redraw is
        still queued (right after loading a file, a preset or a scenario)."""
        self._render_points()
        self.plot.fit_to_data()

    def _config_edited(self, config: TrainConfig) -> None:
        old = self.bridge.config
        if self.bridge.set_config(config):
            names = {"optimizer": self.tr("optimizer"), "batchnorm": self.tr("BatchNormalization"),
                     "normalize": self.tr("input normalization"), "l2": self.tr("L2"),
                     "seed": self.tr("seed")}
            changed = [label for name, label in names.items()
                       if getattr(old, name) != getattr(config, name)]
            self.status.message(self.tr("New model ({0} changed): weights re-initialised").format(
                ", ".join(changed)), 6000)

    # --- rendering -----------------------------------------------------------------------------
    def _document_loaded(self) -> None:
        self.controls.show_preset(self.document.preset)
        self.fit_view()

    def _data_changed(self) -> None:
        self.undo_action.setEnabled(self.dataset.can_undo())
        self.redo_action.setEnabled(self.dataset.can_redo())
        if not self._points_dirty:  # many edits in one event-loop turn: one redraw
            self._points_dirty = True
            QTimer.singleShot(0, self._render_queued_points)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        """The plot names points by their index in what it drew: a queued redraw is done before
        a press or release reaches it, so the index is the document's even for two clicks
        within one event-loop turn."""
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease):
            self._render_queued_points()
        return super().eventFilter(watched, event)

    def _render_queued_points(self) -> None:
        if self._points_dirty:  # fit_view may have drawn them already
            self._render_points()

    def _render_points(self) -> None:
        self._points_dirty = False
        if self.reference_action.isChecked():
            self._update_reference()
        snapshot = self.dataset.snapshot()
        self.plot.show_points(snapshot)
        self.status.show_points(snapshot)
        self.undo_action.setEnabled(self.dataset.can_undo())
        self.redo_action.setEnabled(self.dataset.can_redo())

    def _update_reference(self) -> None:
        if not self.reference_action.isChecked():
            self._reference.cancel()
            self.plot.show_reference(None)
            return
        snapshot = self.dataset.snapshot()
        self._reference.submit(logistic_regression, snapshot.xy, snapshot.labels)

    def _reference_arrived(self, reference: Reference | None, error: Exception | None) -> None:
        if error is not None:  # a bug, not a user error: say so, keep the app running
            print(f"neuron-lab: scikit-learn reference failed: {error}", file=sys.stderr)
        if not self.reference_action.isChecked():
            return
        if reference is None:
            self.plot.show_reference(None)
            self.status.message(self.tr("scikit-learn needs points of both classes"), 5000)
        else:
            self.plot.show_reference(reference.line, reference.accuracy)

    def _epochs_arrived(self, batches: list[EpochBatch]) -> None:
        latest = batches[-1].last()
        self._latest = latest
        self.status.meter.record(latest.epoch)
        self.plot.show_model(latest)
        self.metrics.update_epochs(batches)
        self._render_status()

    def _state_changed(self, state: TrainerState, message: str) -> None:
        self.status.show_state(state)
        if message:
            self.status.message(message, 10000)
        self._render_status()

    def _render_status(self) -> None:
        running = self.bridge.running
        self.train_action.setText(self.tr("Pause") if running else self.tr("Train"))
        self.status.show_epoch(self._latest.epoch if self._latest else 0, running)

    # --- shutdown ------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt naming
        if not self.files.may_discard_points():
            event.ignore()
            return
        self.dataset.unsubscribe(self._data_changed)
        self._reference.close()
        self.bridge.stop()
        super().closeEvent(event)
