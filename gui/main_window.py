"""The main window: wires the document, the views, the controls and the training bridge.

Gestures become document edits or trainer commands, and trainer reports become ``render``
calls. Files and the unsaved question live in ``file_actions``, the status bar's labels in
``status_bar``, background work in ``background``, what the caption says in ``narrator``, the
arrangement of the parts in ``layout``; no training maths lives here.
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

import numpy as np
from PyQt6.QtCore import QEvent, QMimeData, QObject, QSettings, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QActionGroup, QCloseEvent, QDragEnterEvent, QDropEvent
from PyQt6.QtWidgets import (
    QFrame,
    QMainWindow,
    QMenu,
    QScrollArea,
    QStyle,
    QTabWidget,
    QToolBar,
    QWidget,
)

from core.config import TrainConfig
from core.dataset import Change, DataSnapshot
from core.document import Document
from core.pacing import DEFAULT_PACE
from core.record import EpochBatch, EpochStats
from core.reference import Reference, logistic_regression
from core.scenarios import SCENARIOS, Scenario
from core.split import held_out_after, held_out_mask
from core.trainer import TrainerState
from gui import style
from gui.actions import reserve_width, window_action
from gui.background import BackgroundWorker
from gui.caption import CaptionPanel
from gui.coach_panel import CoachPanel
from gui.controls import ControlsPanel, scenario_explanation
from gui.export_actions import ExportActions
from gui.file_actions import FileActions
from gui.help import WelcomeOverlay, show_keys, show_meanings
from gui.landscape_panel import LandscapePanel
from gui.language_menu import add_language_menu
from gui.layout import central_widget
from gui.lr_finder_panel import LrFinderPanel
from gui.metrics_view import MetricsView
from gui.narrator import Narrator
from gui.pace_control import PaceControl
from gui.paint_actions import PaintActions
from gui.plot_view import Brush, PlotView
from gui.predict_panel import PredictPanel
from gui.recent_files import RecentFiles
from gui.recovery import Recovery
from gui.session_actions import SessionActions, is_session_path
from gui.status_bar import StatusLabels
from gui.timeline import Timeline
from gui.training_bridge import TrainingBridge
from gui.window_settings import restore_window, save_window


class MainWindow(QMainWindow):
    scenarioApplied = pyqtSignal(object)  # a Scenario, once its run has started (panels react)

    def __init__(self, document: Document, config: TrainConfig,
                 pace: float | None = DEFAULT_PACE, settings: QSettings | None = None,
                 recovery_folder: Path | None = None) -> None:
        """``settings``: where the first-launch welcome, the window's geometry, pace, brush
        and last folder are remembered; None (tests, screenshots) remembers nothing.
        ``recovery_folder``: where unsaved points are kept against a crash (gui/recovery.py);
        None keeps none."""
        super().__init__()
        self.document = document
        self.dataset = document.dataset
        self.bridge = TrainingBridge(self.dataset, config, self)
        self._latest: EpochStats | None = None
        self._points_dirty = False
        self._held_out_for: tuple | None = None  # (version, (seed, split), mask) last made
        self._passing = ""  # the trainer's last passing message in the status bar
        # scikit-learn fits off the GUI thread: 100,000 points take a noticeable moment.
        self._reference = BackgroundWorker("reference", self)

        self.plot = PlotView()
        self.metrics = MetricsView()
        self.controls = ControlsPanel(config)
        self.pace = PaceControl(pace)
        self.bridge.set_pace(self.pace.pace)
        self.pace.paceChanged.connect(self.bridge.set_pace)
        self.controls.show_config(config, preset=document.preset)
        self.controls.show_preset(document.preset)  # a file's points: no preset shown
        self.timeline = Timeline()
        self.caption = CaptionPanel()
        # The charts share the right-hand column with the panels that explain the model.
        self.panels = QTabWidget()
        self.panels.setDocumentMode(True)
        self.panels.addTab(self.metrics, self.tr("Charts"))
        self.setCentralWidget(central_widget(self.caption, self.controls, self.plot,
                                             self.timeline, self.panels))
        self.welcome = WelcomeOverlay(self.plot, settings)
        self._settings = settings
        self.status = StatusLabels(self.statusBar())
        self.files = FileActions(self, document, self.status)
        self.exports = ExportActions(self)  # File → Export (core/export.py writes)
        self.sessions = SessionActions(self)  # File → Save / Open whole sessions
        self.files.save_points = self.sessions.save  # "Save them first?" saves the session
        self._build_actions()
        self.files.fileUsed.connect(self.recent.add)
        self.sessions.fileUsed.connect(self.recent.add)
        if document.path is not None:  # named on the command line: opened, so recent too
            self.recent.add(document.path)
        self.recovery = Recovery(document, recovery_folder, self.sessions.capture_later, self)
        self.files.succeeded.connect(lambda _text: self.recovery.schedule())  # saved: drop it
        self.sessions.succeeded.connect(lambda _text: self.recovery.schedule())
        # A run that ended is unsaved work too, while the points are unsaved: keep it.
        self.bridge.stateChanged.connect(
            lambda state, _message: self.recovery.schedule()
            if state in (TrainerState.PAUSED, TrainerState.DIVERGED) else None)
        self.setAcceptDrops(True)  # a data file dropped on the window opens
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
        self.timeline.cursorChanged.connect(self._look_at)
        self.metrics.cursorCleared.connect(self.timeline.go_live)
        self.timeline.back.clicked.connect(self.back_action.trigger)
        self.timeline.forward.clicked.connect(self.forward_action.trigger)
        self.dataset.subscribe(self._data_changed)
        self._connect_caption()
        self._build_panels()

        self.fit_view()
        self.files.update_title()
        self._render_status()
        self.resize(1280, 820)
        restore_window(self, settings)
        self.plot.setFocus()

    # --- set-up ------------------------------------------------------------------------------

    def _build_actions(self) -> None:
        tr = self.tr
        make = partial(window_action, self)
        self.train_action = make(tr("Train"), "Space", self.toggle_training, tr("Train / pause"))
        self.step_action = make(tr("Step"), ["S", "Right"], self.step,
                                tr("Train exactly one epoch"))
        self.reset_action = make(tr("Reset"), "R", self.bridge.reset,
                                 tr("Back to epoch 0: the seed's initial weights"))
        self.back_action = make(tr("Look back"), ["[", "Shift+Left"],
                                lambda: self._step_timeline(-1),
                                tr("Show the previous recorded epoch (no retraining)"))
        self.forward_action = make(tr("Look forward"), ["]", "Shift+Right"],
                                   lambda: self._step_timeline(+1),
                                   tr("Show the next recorded epoch"))
        self.live_action = make(tr("Live"), "End", self.timeline.go_live,
                                tr("Back to the latest epoch"))
        self.log_epochs_action = make(tr("Log epoch axis"), "G", self.metrics.set_log_epochs,
                                      tr("Epochs on a log scale: the first epochs stay visible "
                                         "in a long run (automatic past 2000 epochs)"))
        self.log_epochs_action.setCheckable(True)
        self.metrics.logEpochsChanged.connect(self.log_epochs_action.setChecked)
        self.slower_action = make(tr("Slower"), "-", self.pace.slower,
                                  tr("Fewer epochs per second"))
        self.faster_action = make(tr("Faster"), ["+", "="], self.pace.faster,
                                  tr("More epochs per second"))
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
        self.open_action = make(tr("Open…"), "Ctrl+O", self.open_file,
                                tr("Open a session (.neuronlab), or points from a text table "
                                   "of x, y and label (CSV, numpy.savetxt, pandas to_csv)"))
        self.save_action = make(tr("Save"), "Ctrl+S", self.sessions.save,
                                tr("Save the session: points, settings, the model as trained "
                                   "so far, its history and the view"))
        self.save_as_action = make(tr("Save session as…"), "Ctrl+Shift+S", self.sessions.save_as,
                                   tr("Save the session in another file"))
        self.save_points_action = make(tr("Save points as CSV…"), None, self.files.save_file,
                                       tr("Save only the points, as x,y,label CSV"))
        self.quit_action = make(tr("Quit"), "Ctrl+Q", self.close, tr("Quit"))
        self.export_actions = (
            make(tr("Export model…"), None, self.exports.ask_model,
                 tr("Save the trained model as .keras for keras.models.load_model")),
            make(tr("Export Keras script…"), None, self.exports.ask_script,
                 tr("Write a plain Keras script that rebuilds and trains this model")),
            make(tr("Export history…"), None, self.exports.ask_history,
                 tr("Save every recorded epoch's figures as CSV")),
            make(tr("Export picture…"), None, self.exports.ask_picture,
                 tr("Save the plot and the charts as PNG or SVG")))
        self.reference_action = make(
            tr("scikit-learn"), "L", self._update_reference,
            tr("Compare with scikit-learn's LogisticRegression on the same points: the same "
               "model, fitted by another solver"))
        self.reference_action.setCheckable(True)
        brushes = QActionGroup(self)
        self.brush_actions = {}
        # Spraying, selecting and jitter (issue 11): gui/paint_actions.py builds and wires them.
        self.paint = PaintActions(self)
        for brush, text, key, tip in (
            (Brush.CLASS1, tr("Class 1"), "1", tr("Left click adds class 1; the Spray brush "
                                                  "sprays class 1 after this one")),
            (Brush.CLASS0, tr("Class 0"), "0", tr("Left click adds class 0; the Spray brush "
                                                  "sprays class 0 after this one")),
            (Brush.ERASE, tr("Erase"), "E", tr("Left click removes the point under the cursor")),
            (Brush.SPRAY, tr("Spray"), "P", tr("Drag to spray points around the cursor, of the "
                                               "last class brush's class (right-drag: class 0); "
                                               "one undo step per stroke")),
            (Brush.SELECT, tr("Select"), "M", tr("Drag a rectangle to select points (Shift "
                                                 "adds); drag a selected point to move them "
                                                 "all")),
        ):
            action = make(text, key, lambda _=False, b=brush: self.set_brush(b), tip)
            action.setCheckable(True)
            if brush in (Brush.CLASS0, Brush.CLASS1):
                action.setIcon(style.class_icon(0 if brush == Brush.CLASS0 else 1))
            brushes.addAction(action)
            self.brush_actions[brush] = action
        self.brush_actions[Brush.CLASS1].setChecked(True)
        self.paint.decorate(self.brush_actions)

        toolbar = QToolBar(tr("Main"))
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.train_action, self.step_action, self.reset_action,
                       self.new_seed_action, self.pace, None,
                       *(self.brush_actions[b] for b in (Brush.CLASS1, Brush.CLASS0, Brush.ERASE)),
                       self.paint.tools, self.paint.spray_size, self.paint.jitter_action,
                       self.clear_action, None, self.undo_action,
                       self.redo_action, self.fit_action, self.reference_action,
                       None, self.open_action, self.save_action):
            if action is None:
                toolbar.addSeparator()
            elif action is self.pace:
                toolbar.addWidget(self.pace)
            else:
                toolbar.addAction(action)
        self.addToolBar(toolbar)
        reserve_width(toolbar.widgetForAction(self.train_action), (tr("Pause"), tr("Train")))
        # Undo, redo, open and save as the icons everyone knows (their tooltips name them and
        # their keys): with the spray's options shown the toolbar needs the room at 1280 px.
        pixmaps = QStyle.StandardPixmap
        for action, icon in ((self.undo_action, style.turn_icon(clockwise=False)),
                             (self.redo_action, style.turn_icon(clockwise=True)),
                             (self.open_action, self.style().standardIcon(
                                 pixmaps.SP_DialogOpenButton)),
                             (self.save_action, self.style().standardIcon(
                                 pixmaps.SP_DialogSaveButton))):
            action.setIcon(icon)
            toolbar.widgetForAction(action).setToolButtonStyle(
                Qt.ToolButtonStyle.ToolButtonIconOnly)
        for title, actions in (
            (tr("&File"), (self.open_action, self.save_action, self.save_as_action,
                           self.save_points_action, None, *self.export_actions, None,
                           self.quit_action)),
            (tr("&Train"), (self.train_action, self.step_action, self.reset_action,
                            self.new_seed_action, self.slower_action, self.faster_action)),
            (tr("&Edit"), (self.undo_action, self.redo_action, self.clear_action,
                           *self.brush_actions.values(), None, *self.paint.menu_actions)),
            (tr("&View"), (self.fit_action, self.log_epochs_action, self.reference_action,
                           None, self.back_action, self.forward_action, self.live_action)),
        ):
            menu = self.menuBar().addMenu(title)
            for action in actions:
                menu.addSeparator() if action is None else menu.addAction(action)
        self.view_menu = menu  # the last: the panels' tabs are listed there too
        file_menu = self.menuBar().actions()[0].menu()
        self.recent_menu = QMenu(tr("Open &recent"), self)
        file_menu.insertMenu(self.save_action, self.recent_menu)
        self.recent = RecentFiles(self.recent_menu, self._settings, self)
        self.recent.chosen.connect(self.open_path)
        self._build_help_menu()

    # --- user intent ---------------------------------------------------------------------------
    def toggle_training(self) -> None:
        if not self.bridge.running:
            self.timeline.go_live()  # training goes on from the latest epoch: show it
        self.bridge.toggle()
        self._render_status()

    def step(self) -> None:
        self.timeline.go_live()  # the step trains on from the latest epoch: show it
        self.bridge.step()

    def _look_at(self, epoch: int | None) -> None:
        """Show a recorded epoch (None: the latest, live) on the plot and in the figures."""
        stats = None if epoch is None else self.metrics.recorded.epoch_at(epoch)
        self.plot.show_model(stats or self._latest)
        self.metrics.set_cursor(stats)

    def _step_timeline(self, step: int) -> None:
        """Look one recorded epoch back (-1) or forward (+1) from the one shown."""
        shown = self.timeline.cursor
        if shown is None:
            shown = self._latest.epoch if self._latest else 0
        epoch = self.metrics.recorded.neighbour(shown, step)
        if epoch is not None:
            self.timeline.look_at(epoch)

    def set_brush(self, brush: str) -> None:
        self.plot.brush = brush
        self.brush_actions[brush].setChecked(True)

    def load_preset(self, name: str) -> bool:
        """Replace the points with a preset; False (and nothing changed) when the user keeps
        the edited points."""
        if not self.files.load_preset(name, self.bridge.config.seed):
            self.controls.show_preset(self.document.preset)  # the chooser had already moved
            return False
        self.bridge.reset()  # new points, a new story: the old run's figures are not theirs
        return True

    def open_file(self) -> bool:
        """Ask for a session or a data file and open it (``open_path``)."""
        path = self.files.ask_open_path()
        return path is not None and self.open_path(path)

    def open_path(self, path: Path) -> bool:
        """Open a data file named by the user (dropped, recent, on the command line); like
        Open, its points start from epoch 0. A recent file that has gone is dropped from the
        list, with one line saying so."""
        if not path.exists():
            self.narrator.show_error(self.tr("{0}: no such file (removed from the recent "
                                             "files)").format(path))
            self.recent.forget(path)
            return False
        if is_session_path(path):  # goes on where it was saved: no reset
            self.files.cancel_reading()
            return self.sessions.open(path)
        return self.files.load_file(path, then=self.bridge.reset)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt naming
        if _dropped_file(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt naming
        path = _dropped_file(event.mimeData())
        if path is not None:
            event.acceptProposedAction()
            # After the drop has returned: the unsaved-points question is a modal dialog.
            QTimer.singleShot(0, lambda: self.open_path(path))

    def apply_scenario(self, scenario: Scenario) -> None:
        """Load the scenario's preset (asking first), then train its config from epoch 0."""
        config = scenario.config_from(self.bridge.config)
        if scenario.preset is not None and not self.files.load_preset(scenario.preset,
                                                                      config.seed):
            self.controls.show_preset(self.document.preset)
            return  # the user kept their edited points: change nothing
        self.controls.show_config(config, preset=scenario.preset)
        self.pace.set_pace(scenario.pace, for_scenario=True)  # its story at a visible pace
        self.bridge.restart(config)
        self._render_points()  # the held-out marks follow the scenario's seed and split
        self.show_scenario_started(scenario)
        self.scenarioApplied.emit(scenario)

    def show_scenario_started(self, scenario: Scenario) -> None:
        """The caption explains the scenario until its run has measured something to say."""
        self.welcome.dismiss()
        self.narrator.scenario_started(scenario_explanation(scenario))
        self._render_status()

    def apply_changes(self, changes: dict[str, object], restart: bool) -> None:
        """Apply settings a panel proposes (a coach's fix, the finder's rate, start weights
        picked on the landscape) as if typed into the controls. ``restart``: build the model
        anew from epoch 0 and train (a fix that needs a fresh start, e.g. after divergence);
        otherwise the settings apply to the running model as the controls' would."""
        config = self.bridge.config.with_changes(**changes)
        self.controls.show_config(config, preset=self.document.preset)
        if restart:
            self.timeline.go_live()
            self.bridge.restart(config)
            self._render_points()
        else:
            self._config_edited(config)
        self.narrator.request()
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
                     "seed": self.tr("seed"), "start_weights": self.tr("start weights")}
            changed = [label for name, label in names.items()
                       if getattr(old, name) != getattr(config, name)]
            self.status.message(self.tr("New model ({0} changed): weights re-initialised").format(
                ", ".join(changed)), 6000)
        if (old.test_split, old.seed) != (config.test_split, config.seed):
            snapshot = self.dataset.snapshot()  # other points are held out now: redraw them
            self.plot.show_points(snapshot, self._held_out(snapshot))

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
        a press, a move or a release reaches it, so the index is the document's even for two
        clicks within one event-loop turn, or a drag step right after an undo."""
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
                            QEvent.Type.MouseMove):
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
        change = self.dataset.change_between(self.plot.points_version(), snapshot.version)
        self.plot.show_points(snapshot, self._held_out(snapshot, change), change)
        self.status.show_points(snapshot)
        self.undo_action.setEnabled(self.dataset.can_undo())
        self.redo_action.setEnabled(self.dataset.can_redo())

    def _held_out(self, snapshot: DataSnapshot, change: Change | None = None) -> np.ndarray:
        """The points the trainer holds out for testing: the same function of the points'
        ids, the seed and the split, so the hollow marks are the points it tests on.
        ``change`` (the one edit since the mask was last made) lets it follow the edit
        instead of hashing every id again."""
        config = self.bridge.config
        key = (config.seed, config.test_split)
        last = self._held_out_for
        if change is not None and last is not None and last[:2] == (snapshot.version - 1, key):
            mask = held_out_after(last[2], change, snapshot.ids, *key)
        elif last is not None and last[:2] == (snapshot.version, key):
            mask = last[2]
        else:
            mask = held_out_mask(snapshot.ids, *key)
        self._held_out_for = (snapshot.version, key, mask)
        return mask

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
            name = reference.label
            if reference.fitted is not None:  # a big set: fitted on an even sample of it
                name = self.tr("{0}, fitted on {1} points").format(
                    name, f"{reference.fitted:,}")
            self.plot.show_reference(reference.line, reference.accuracy, name)

    def _epochs_arrived(self, batches: list[EpochBatch]) -> None:
        latest = batches[-1].last()
        self._latest = latest
        self.status.meter.record(latest.epoch)
        self.metrics.update_epochs(batches)
        self.timeline.set_latest(latest.epoch)
        if self.timeline.cursor is None:  # looking back, the plot keeps that epoch
            self.plot.show_model(latest)
        self._render_status()
        self.narrator.epochs_arrived(batches)

    def _state_changed(self, state: TrainerState, message: str) -> None:
        self.status.show_state(state)
        if state in (TrainerState.BUILDING, TrainerState.TRAINING) \
                and self.statusBar().currentMessage() == self._passing:
            self.statusBar().clearMessage()  # "epoch limit reached" is over: a new run
        self.narrator.state_changed(state, message, in_passing=self._say_in_passing)
        self._render_status()

    def _say_in_passing(self, text: str) -> None:
        """The trainer's passing news ("epoch limit reached"), until the next run starts."""
        self._passing = text
        self.status.message(text, 10000)

    def _render_status(self) -> None:
        running = self.bridge.running
        self.train_action.setText(self.tr("Pause") if running else self.tr("Train"))
        self.status.show_epoch(self._latest.epoch if self._latest else 0, running)

    # --- panels beside the charts ----------------------------------------------------------------
    def _build_panels(self) -> None:
        """The tabs that explain the model. Each panel wires itself to the window's bridge,
        plot and charts, so adding one is a line here."""
        self._panel_pages: dict[QWidget, QWidget] = {}
        self.coach_panel = self._add_panel(CoachPanel(self), self.tr("Coach"))
        self.predict_panel = self._add_panel(PredictPanel(self), self.tr("Predict"))
        self.landscape_panel = self._add_panel(LandscapePanel(self), self.tr("Landscape"))
        self.lr_finder_panel = self._add_panel(LrFinderPanel(self), self.tr("Rate finder"))
        # The coach offers the finder's rate while the sweep still describes the model.
        self.lr_finder_panel.sweepChanged.connect(self.coach_panel.request)
        self.view_menu.addSeparator()
        for number, (panel, tip) in enumerate((
            (self.metrics, self.tr("Accuracy and loss per epoch")),
            (self.coach_panel, self.tr("What is wrong with this run, and the fix as one click")),
            (self.predict_panel, self.tr("What model.predict returns for rows you choose")),
            (self.landscape_panel, self.tr("The loss over the two weights, and the path the "
                                           "optimizer takes")),
            (self.lr_finder_panel, self.tr("Sweep the learning rate to find one that trains")),
        ), start=1):
            title = self.panels.tabText(self.panel_index(panel))
            self.panels.setTabToolTip(self.panel_index(panel), tip)
            self.view_menu.addAction(window_action(
                self, title, f"Ctrl+{number}", lambda _=False, p=panel: self.show_panel(p), tip))
        self.language_menu = add_language_menu(self, self.view_menu, self._settings,
                                               lambda text: self.status.message(text, 10_000))

    def _add_panel(self, panel: QWidget, title: str) -> QWidget:
        """A tab whose page scrolls: a panel's table or buttons must not set the whole
        column's minimum width (at 900 pixels the plot needs it more)."""
        page = QScrollArea()
        page.setWidget(panel)
        page.setWidgetResizable(True)
        page.setFrameShape(QFrame.Shape.NoFrame)
        self._panel_pages[panel] = page
        self.panels.addTab(page, title)
        return panel

    def panel_index(self, panel: QWidget) -> int:
        """The tab that holds ``panel`` (the charts or one of the explaining panels)."""
        return self.panels.indexOf(self._panel_pages.get(panel, panel))

    def show_panel(self, panel: QWidget) -> None:
        self.panels.setCurrentIndex(self.panel_index(panel))

    def set_panel_title(self, panel: QWidget, title: str) -> None:
        """Retitle a panel's tab (the coach counts its advice there)."""
        index = self.panel_index(panel)
        if index >= 0:
            self.panels.setTabText(index, title)

    # --- caption and help ------------------------------------------------------------------------
    def _build_help_menu(self) -> None:
        tr = self.tr
        make = partial(window_action, self)
        self.keys_action = make(tr("Keys and gestures…"), "F1", lambda: show_keys(self),
                                tr("Every key and mouse gesture"))
        self.meanings_action = make(tr("What the lines and charts mean…"), None,
                                    lambda: show_meanings(self),
                                    tr("The lines, the map, the rings and the charts explained"))
        self.welcome_action = make(tr("Show the welcome again"), None, self.welcome.show_welcome,
                                   tr("The first screen's three hints"))
        # Escape belongs to the window only while there is something to dismiss.
        self.dismiss_action = make(tr("Dismiss"), "Escape", self._dismiss,
                                   tr("Close the welcome or the error message"))
        self.dismiss_action.setEnabled(False)
        menu = self.menuBar().addMenu(tr("&Help"))
        for action in (self.keys_action, self.meanings_action, self.welcome_action):
            menu.addAction(action)

    def _connect_caption(self) -> None:
        """The caption follows files, scenarios, the trainer and a diagnosis of each change."""
        self.narrator = Narrator(self.caption, self.bridge, self.dataset, self.metrics, self)
        self.caption.fixChosen.connect(lambda name: self.apply_scenario(SCENARIOS[name]))
        self.caption.errorChanged.connect(lambda _shown: self._update_dismiss())
        self.files.failed.connect(self.narrator.show_error)
        self.sessions.failed.connect(self.narrator.show_error)
        self.sessions.succeeded.connect(lambda text: self.status.message(text, 8000))
        self.sessions.succeeded.connect(lambda _text: self.caption.clear_error())
        self.exports.failed.connect(self.narrator.show_error)
        self.exports.succeeded.connect(lambda text: self.status.message(text, 8000))
        self.files.succeeded.connect(lambda _text: self.caption.clear_error())
        self.controls.configEdited.connect(self.narrator.request)
        self.timeline.cursorChanged.connect(self.narrator.request)
        self.welcome.shownChanged.connect(lambda _shown: self._update_dismiss())
        self.welcome.show_if_due()

    def _update_dismiss(self) -> None:
        self.dismiss_action.setEnabled(self.welcome.showing() or self.caption.has_error())

    def _dismiss(self) -> None:
        """Escape: the welcome first, then the error line."""
        if self.welcome.showing():
            self.welcome.dismiss()
        else:
            self.caption.clear_error()

    # --- shutdown ------------------------------------------------------------------------------
    def terminate(self) -> None:
        """Close now, asking nothing (SIGTERM, a second Ctrl+C): unsaved work is written to
        the recovery copy first, so the next start offers it back."""
        self._terminating = True
        if self.document.has_unsaved_points():
            session = self.sessions.capture(quiet=True)
            if session is not None:
                self.recovery.keep(session)
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt naming
        terminating = getattr(self, "_terminating", False)
        if not terminating and not self.files.may_discard_points():
            event.ignore()
            return
        save_window(self, self._settings)
        if terminating:
            self.recovery.release()  # the copy stays for the next start
        else:
            self.recovery.discard()  # a clean exit: nothing to offer next time
        self.dataset.unsubscribe(self._data_changed)
        self.files.close()
        self.narrator.close()
        self._reference.close()
        self.predict_panel.close_panel()
        self.lr_finder_panel.close_panel()
        self.coach_panel.close_panel()
        self.landscape_panel.close_panel()
        self.bridge.stop()
        super().closeEvent(event)


def _dropped_file(mime: QMimeData) -> Path | None:
    """The one local file a drag carries (None for text, links or several files)."""
    urls = [url for url in mime.urls() if url.isLocalFile()] if mime.hasUrls() else []
    return Path(urls[0].toLocalFile()) if len(urls) == 1 else None
