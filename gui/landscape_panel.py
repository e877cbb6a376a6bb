"""The "Landscape" tab: the loss over the Dense layer's (w1, w2), the optimizer's path on it,
and a click to pick the weights the next run starts from.

The surface is ``core.landscape.loss_grid`` on the training points, the bias held at its
current value, in the Dense layer's own parameter space (the points as the Dense layer gets
them, after the input layers: the record's ``input_scale``/``input_shift``). It is computed off
the GUI thread on a worker named "landscape", only while the tab is shown, and only when the
map no longer fits: the weights left its central half, the path left the map, or the bias,
the input map, the L2 factor or the points changed. At most ``MAX_MAPS_PER_SECOND`` maps are
computed, so training at 100,000 points keeps its frame rate. The path is the charts' history
(w1, w2 per epoch), redrawn at most ``PATH_HZ`` times a second: at a slow pace it grows epoch
by epoch.

Picking a start applies it like a typed setting (``apply_changes(..., restart=False)``): the
model is rebuilt at epoch 0 on the picked weights and keeps the running or paused state it
had, as changing the seed does. Picking is often done a few times over, or followed by
switching the optimizer, before training; a click that also started training would make
each of those a run. Switching optimizer keeps the picked start, so Adam's and SGD's paths
begin at the same point; "Seed's weights" (or N, a new seed) goes back to the seed's draw.
"""

from __future__ import annotations

import contextlib
import math
import os
import threading
import time

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QPointF, QRectF, Qt
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.config import TrainConfig
from core.dataset import DataSnapshot
from core.landscape import Landscape, loss_grid
from core.record import EpochBatch
from core.split import training_points
from gui.background import BackgroundWorker
from gui.throttle import Throttle

PATH_HZ = 10  # path and marker redraws a second at most (the charts redraw at this rate too)
MAX_MAPS_PER_SECOND = 4  # landscape computations a second at most (~0.05 s each at 4096 points)
MAX_PATH_POINTS = 2000  # the path drawn: every k-th epoch beyond this (a few pixels apart)
INNER_FRACTION = 0.5  # the weights may wander over the central half before the map recentres
BIAS_TOLERANCE = 0.02  # the loss moves by at most |Δb| (|p - y| <= 1): redraw past this
INPUT_MAP_TOLERANCE = 1e-3  # relative change of the input map (BatchNorm's moving statistics)
# The worker thread's niceness (Linux, per thread): a map is worth less than a frame or an
# epoch, so on a busy machine the GUI and training threads get the cores first.
WORKER_NICENESS = 19
PATH_COLOR = "#FFFFFF"
START_COLOR = "#00E0A0"
CURRENT_COLOR = "#FF3030"


def compute_landscape(snapshot: DataSnapshot, config: TrainConfig, scale, shift, w, b,
                      path: np.ndarray) -> Landscape | None:
    """The job run on the worker: the training points (held-out ones excluded, as the trainer
    does) and their landscape; None without points to average over."""
    _yield_to_other_threads()
    xy, labels = training_points(snapshot, config)
    if not len(labels):
        return None
    return loss_grid(xy, labels, scale, shift, w, b, path=path, l2=config.l2)


def _yield_to_other_threads() -> None:
    """Lower this thread's priority (Linux gives each thread its own nice value; elsewhere,
    or when not allowed, nothing changes)."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WORKER_NICENESS)


class _LandscapePlot(pg.PlotWidget):
    """The map's plot: a fixed view on the grid, equal axes (a narrow valley looks narrow)."""

    def to_widget(self, w1: float, w2: float):
        """Widget pixel position of the weights (w1, w2) (tests click there)."""
        return self.mapFromScene(self.getViewBox().mapViewToScene(QPointF(w1, w2)))


class LandscapePanel(QWidget):
    def __init__(self, window) -> None:
        super().__init__()
        self._window = window
        self._worker = BackgroundWorker("landscape", self)
        self._worker.finished.connect(self._arrived)
        self.landscape: Landscape | None = None
        self._key: tuple | None = None  # what the shown map was computed for
        self._pending_key: tuple | None = None  # what the running job computes for
        self._busy = False
        self._last_submit = -math.inf
        self._closed = False
        # Bumped for each new model (reset, new seed, seed's weights, picked start...): a map
        # drawn for the previous model is redrawn even when the new weights fall inside it,
        # so its bias and text describe the model shown.
        self._model = 0

        self.plot = _LandscapePlot()
        self.plot.setBackground("w")
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setMouseEnabled(x=False, y=False)
        item.setAspectLocked(True)
        item.setLabel("bottom", self.tr("w1"))
        item.setLabel("left", self.tr("w2"))
        colormap = pg.colormap.get("viridis")
        self.image = pg.ImageItem(axisOrder="col-major")
        self.image.setZValue(-10)
        item.addItem(self.image)
        self._colorbar = pg.ColorBarItem(values=(0, 1), colorMap=colormap, interactive=False,
                                         width=14, pen="k")
        self._colorbar.setImageItem(self.image, insert_in=item)
        # Plain values (-0.6 ... 0): pyqtgraph would otherwise rescale small ranges and label
        # the bar "(x0.001)" with ticks -700 ... 0, which reads as a loss of 10^-700.
        self._colorbar.axis.enableAutoSIPrefix(False)
        self._colorbar.axis.setLabel(self.tr("log₁₀ loss"), color="#202020")
        self.path_item = pg.PlotDataItem(pen=pg.mkPen(PATH_COLOR, width=2))
        self._start = pg.ScatterPlotItem(size=10, symbol="s", brush=START_COLOR, pen="k")
        self.current_item = pg.ScatterPlotItem(size=12, symbol="o", brush=CURRENT_COLOR, pen="k")
        self._minimum = pg.ScatterPlotItem(size=12, symbol="x", brush="w", pen="w")
        for marker in (self.path_item, self._start, self.current_item, self._minimum):
            item.addItem(marker)
        self.plot.setToolTip(self.tr(
            "Binary cross-entropy over the Dense layer's two weights, bias held at its current "
            "value (darker: lower). White: the optimizer's path; red: now; x: the map's lowest "
            "point. Click to start the model from those weights (bias 0); then switch the "
            "optimizer to start it from the same point and compare the paths."))
        self.plot.scene().sigMouseClicked.connect(self._clicked)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.start_label = QLabel()
        self.start_label.setWordWrap(True)
        self.seed_button = QPushButton(self.tr("Seed's weights"))
        self.seed_button.setToolTip(self.tr(
            "Start again from the seed's initial weights instead of the picked ones"))
        self.seed_button.clicked.connect(self.use_seed_weights)
        self.seed_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space stays Train
        hint = QLabel(self.tr("Click on the map to start from there."))
        hint.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.start_label, 1)
        row.addWidget(self.seed_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(hint)
        layout.addWidget(self.plot, 1)
        layout.addLayout(row)
        layout.addWidget(self.summary)

        self._throttle = Throttle(1000 / PATH_HZ, self.refresh, self)
        window.bridge.epochsReady.connect(self._epochs_arrived)
        window.controls.configEdited.connect(lambda _config: self._throttle.request())
        window.dataset.subscribe(self._data_changed)
        self._show_start()

    # --- what the user does ----------------------------------------------------------------
    def pick_start(self, w1: float, w2: float) -> None:
        """Start the model from these weights (see the module docstring for why it does not
        start training by itself)."""
        cell = self.landscape.cell if self.landscape is not None else 0.01
        digits = max(0, 2 - math.floor(math.log10(cell)))  # a hundredth of a cell
        weights = (round(float(w1), digits), round(float(w2), digits))
        self._window.apply_changes({"start_weights": weights}, restart=False)
        self._window.status.message(self.tr(
            "Start weights w1 = {0:g}, w2 = {1:g}: the model is back at epoch 0 there; switch "
            "the optimizer to compare paths from the same start").format(*weights), 8000)
        self._show_start()

    def use_seed_weights(self) -> None:
        if self._window.bridge.config.start_weights is not None:
            self._window.apply_changes({"start_weights": None}, restart=False)
        self._show_start()

    def _clicked(self, event) -> None:
        if event.isAccepted() or event.double() or event.button() != Qt.MouseButton.LeftButton:
            return
        if self.landscape is None:
            return
        where = self.plot.getViewBox().mapSceneToView(event.scenePos())
        half = self.landscape.half_width
        c1, c2 = self.landscape.centre
        if abs(where.x() - c1) <= half and abs(where.y() - c2) <= half:
            event.accept()
            self.pick_start(where.x(), where.y())

    # --- keeping up with training --------------------------------------------------------
    def _epochs_arrived(self, batches: list[EpochBatch]) -> None:
        # Epoch 0 is a new model's first report (the charts start a new run on it too).
        if any(len(batch) and int(batch.epoch[0]) == 0 for batch in batches):
            self._model += 1
        self._throttle.request()

    def _data_changed(self) -> None:
        self._throttle.request()  # called on the GUI thread by the document's edits

    def showEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        self._throttle.request()

    def refresh(self) -> None:
        """Redraw the path and markers; ask for a new map when the shown one no longer fits."""
        if self._closed or not self.isVisible():
            return  # hidden: nothing drawn, nothing computed (showEvent catches up)
        latest = self._window.metrics.latest
        self._show_start()
        if not len(self._window.dataset):
            self._clear_map(self.tr("No points: nothing to draw a loss over."))
            return
        if latest is None:
            return
        path = self._path_points()
        self.path_item.setData(path[:, 0], path[:, 1])
        self._start.setData(path[:1, 0], path[:1, 1])
        self.current_item.setData([latest.w[0]], [latest.w[1]])
        if self._stale(latest, path) and not self._busy:
            now = time.perf_counter()
            wait = 1 / MAX_MAPS_PER_SECOND - (now - self._last_submit)
            if wait > 0:
                self._throttle.request()  # try again when the rate allows
                return
            self._submit(latest, path, now)

    def _path_points(self) -> np.ndarray:
        """The history's (w1, w2) per epoch, every k-th beyond MAX_PATH_POINTS plus the last,
        copied (the history's views change with the next report)."""
        columns = self._window.metrics.history_columns_view()
        w1, w2 = columns["w1"], columns["w2"]
        n = len(w1)
        if n > MAX_PATH_POINTS:
            keep = np.unique(np.append(np.linspace(0, n - 1, MAX_PATH_POINTS).astype(int), n - 1))
            w1, w2 = w1[keep], w2[keep]
        path = np.column_stack([w1, w2])
        return path[np.isfinite(path).all(axis=1)]

    def _inputs(self, latest) -> tuple:
        scale = latest.input_scale or (1.0, 1.0)
        shift = latest.input_shift or (0.0, 0.0)
        config = self._window.bridge.config
        return scale, shift, config

    def _stale(self, latest, path: np.ndarray) -> bool:
        landscape, key = self.landscape, self._key
        if key is None:
            return True
        scale, shift, config = self._inputs(latest)
        version, seed, split, l2, old_scale, old_shift, model = key
        if (self._window.dataset.version, config.seed, config.test_split, config.l2,
                self._model) != (version, seed, split, l2, model):
            return True
        if landscape is None:
            return False  # no training points: nothing to draw until they change
        size = max(1.0, float(np.max(np.abs(old_scale))), float(np.max(np.abs(old_shift))))
        moved = max(float(np.max(np.abs(np.subtract(scale, old_scale)))),
                    float(np.max(np.abs(np.subtract(shift, old_shift)))))
        if moved > INPUT_MAP_TOLERANCE * size or abs(latest.b - landscape.bias) > BIAS_TOLERANCE:
            return True
        if not all(math.isfinite(v) for v in latest.w):
            return False
        if not landscape.inner(latest.w, INNER_FRACTION):
            return True
        reach = np.max(np.abs(path - np.asarray(landscape.centre)), initial=0.0)
        return bool(reach > landscape.half_width)  # the path left the map

    def _submit(self, latest, path: np.ndarray, now: float) -> None:
        scale, shift, config = self._inputs(latest)
        snapshot = self._window.dataset.snapshot()
        if not len(snapshot) or not all(math.isfinite(v) for v in (*latest.w, latest.b)):
            return
        self._busy = True
        self._last_submit = now
        self._pending_key = (snapshot.version, config.seed, config.test_split, config.l2,
                             tuple(scale), tuple(shift), self._model)
        self._worker.submit(compute_landscape, snapshot, config, scale, shift, latest.w,
                            latest.b, path)

    def _arrived(self, landscape: Landscape | None, error: Exception | None) -> None:
        self._busy = False
        if error is not None:  # a bug, not a user error: say so, keep the window working
            self._window.status.message(self.tr("The loss landscape failed: {0}").format(error),
                                        8000)
            return
        if landscape is not None:
            self._show_landscape(landscape)
        else:  # every point is held out for testing
            self._clear_map(self.tr("No training points (all are held out for testing): "
                                    "nothing to draw a loss over."))
        self._key = self._pending_key
        self._throttle.request()  # the weights may have moved on meanwhile

    def _show_landscape(self, landscape: Landscape) -> None:
        self.landscape = landscape
        with np.errstate(divide="ignore"):
            shown = np.log10(np.maximum(landscape.loss, np.float32(1e-12)))
        low, high = float(np.min(shown)), float(np.max(shown))
        high = high if high > low else low + 1e-6
        self.image.setImage(shown, autoLevels=False)
        self._colorbar.setLevels(values=(low, high))
        half = landscape.half_width
        c1, c2 = landscape.centre
        rect = QRectF(c1 - half, c2 - half, 2 * half, 2 * half)
        self.image.setRect(rect)
        self.plot.getViewBox().setRange(rect, padding=0)
        self._minimum.setData([landscape.minimum[0]], [landscape.minimum[1]])
        points = self.tr("{0} points").format(landscape.n_total) \
            if landscape.n_points == landscape.n_total else \
            self.tr("a fixed sample of {0} of {1} points").format(landscape.n_points,
                                                                    landscape.n_total)
        condition = landscape.condition
        ratio = self.tr("flat along one direction") if math.isinf(condition) else \
            self.tr("{0:.3g} times as curved one way as the other").format(condition)
        self.summary.setText(self.tr(
            "Bias held at {0:.3g}; mean over {1}. At the map's lowest point the loss is "
            "{2}{3}.").format(landscape.bias, points, ratio,
                              self.tr(": a long narrow valley, where one learning rate is too "
                                      "large across it and too small along it")
                              if condition > 100 else ""))

    def _clear_map(self, message: str) -> None:
        """No map fits the points: draw nothing rather than the last one, and say why."""
        if self.landscape is None and self.summary.text() == message:
            return
        self.landscape = None
        self._key = None
        self.image.clear()
        for marker in (self.path_item, self._start, self.current_item, self._minimum):
            marker.setData([], [])
        self.summary.setText(message)

    def _show_start(self) -> None:
        weights = self._window.bridge.config.start_weights
        self.seed_button.setEnabled(weights is not None)
        self.start_label.setText(
            self.tr("Start: the seed's weights") if weights is None else
            self.tr("Start: w1 = {0:g}, w2 = {1:g}, bias 0 (picked)").format(*weights))

    # --- teardown ----------------------------------------------------------------------------
    def close_panel(self) -> None:
        """Stop drawing and end the worker thread (the window is closing)."""
        self._closed = True
        self._window.dataset.unsubscribe(self._data_changed)
        self._worker.close()
