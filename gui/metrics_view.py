"""Accuracy and loss per epoch, every epoch kept, plus the current weights and line.

Two curves matter most side by side: accuracy as Keras ``fit`` reports it (training mode) and
accuracy of ``predict`` (inference mode). With BatchNormalization they disagree, which is the
question's first puzzle made visible.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from core.history import EpochHistory
from core.record import EpochBatch, EpochStats
from gui import style
from gui.throttle import Throttle

CHART_HZ = 10
MIN_WIDTH = 240  # the charts' axes and legends stay readable; narrower, they overlap

class MetricsView(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._history = EpochHistory()
        self._latest: EpochStats | None = None
        self._throttle = Throttle(1000 / CHART_HZ, self.redraw, self)
        self._ranges: dict = {}
        self.setMinimumWidth(MIN_WIDTH)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        graphs = pg.GraphicsLayoutWidget()
        graphs.setBackground("w")
        self._accuracy_plot = graphs.addPlot(row=0, col=0)
        self._loss_plot = graphs.addPlot(row=1, col=0)
        # On separable data the best weights are infinite: this chart shows them keep growing.
        self._weights_plot = graphs.addPlot(row=2, col=0)
        for plot, title in ((self._accuracy_plot, self.tr("Accuracy")),
                            (self._loss_plot, self.tr("Loss")),
                            (self._weights_plot, self.tr("Dense weights"))):
            plot.setTitle(title, color="#202020", size="10pt")
            plot.hideButtons()  # pyqtgraph's auto-range "A": ranges here are always automatic
        self._loss_plot.setXLink(self._accuracy_plot)
        self._weights_plot.setXLink(self._accuracy_plot)
        self._curves = {}
        # Legends sit where the curves usually are not: accuracy rises, loss falls.
        for plot, legend_offset, names in (
            (self._accuracy_plot, (-5, -5), (
                ("accuracy", self.tr("fit (training mode)"), "train"),
                ("eval_accuracy", self.tr("predict"), "predict"),
                ("test_accuracy", self.tr("test"), "test"))),
            (self._loss_plot, (-5, 5), (
                ("loss", self.tr("fit (training mode)"), "train"),
                ("eval_loss", self.tr("predict"), "predict"),
                ("test_loss", self.tr("test"), "test"))),
            (self._weights_plot, (5, 5), (
                ("w1", self.tr("w1 (x)"), "w1"), ("w2", self.tr("w2 (y)"), "w2"),
                ("b", self.tr("b"), "b"))),
        ):
            plot.addLegend(offset=legend_offset, labelTextColor="k", colCount=3
                           if plot is self._weights_plot else 1)

            if plot is self._weights_plot:
                plot.setLabel("bottom", self.tr("epoch"))
            else:  # x is linked: one epoch axis, at the bottom, is enough to read (and
                plot.hideAxis("bottom")  # each axis costs ~10 ms to redraw when ranges change)
            for axis in ("bottom", "left"):
                plot.getAxis(axis).setPen("k")
                plot.getAxis(axis).setTextPen("k")
            # A fixed width: tick labels that widen as a range grows would otherwise re-layout
            # all three charts (~30 ms) in the middle of training.
            plot.getAxis("left").setWidth(self.fontMetrics().horizontalAdvance("-0.000") + 14)
            plot.disableAutoRange()  # ranges are set in redraw(): cheaper than autoscaling
            for column, title, series in names:
                width = 2 if series != "train" else 1.5
                pen = pg.mkPen(style.SERIES_COLORS[series], width=width)
                self._curves[column] = plot.plot([], [], pen=pen, name=title)
        self._accuracy_plot.setYRange(0, 1.02)
        layout.addWidget(graphs, stretch=1)
        self._summary = QLabel()
        # A fixed height: a label that grows or shrinks with its text would re-layout the
        # charts above it on every frame.
        self._summary.setFixedHeight(self._summary.fontMetrics().lineSpacing() * 4 + 8)
        # Nor may its width follow the text: "epoch 100000" is wider than "epoch 99999", and
        # a label that asked for more room would re-layout the whole window (~25 ms) each time.
        # It wraps within the width it is given instead (one spare line for that).
        self._summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._summary.setWordWrap(True)
        self._summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self._summary)
        self._render_summary()

    def update_epochs(self, batches: list[EpochBatch]) -> None:
        """Record every epoch now; redraw the charts at most CHART_HZ times a second.

        Autoscaling charts re-layout their axes on every redraw, which costs more than the
        data plot; ten redraws a second reads as live while leaving the frame budget to the
        decision line."""
        for batch in batches:
            self._history.add(batch)
        if batches:
            self._latest = batches[-1].last()
        self._throttle.request()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        """The envelope is sized to the chart's width: draw it again for the new width."""
        super().resizeEvent(event)
        self._throttle.request()

    def redraw(self) -> None:
        epochs = self._history.column("epoch")
        last = float(epochs[-1]) if len(epochs) else 1.0
        # Ranges snap to 1-2-5 steps, so they (and the axes' ticks, costly to lay out) change
        # only now and then rather than on every redraw.
        # At epoch 0 the range is 0..1, not the -1..1 an empty range would expand to.
        x_high = max(1.0, _nice_ceiling(last))
        # About one group of epochs per pixel the data spans (it fills last / x_high of it).
        bins = max(2, int(self._accuracy_plot.getViewBox().width() * last / x_high))
        loss_top = 0.0
        weight_low, weight_high = 0.0, 0.0
        for column, curve in self._curves.items():
            xs, values = self._history.envelope(column, bins)
            curve.setData(xs, values, skipFiniteCheck=True)
            if not len(values):
                continue
            if "loss" in column:
                loss_top = max(loss_top, float(values.max()))
            elif column in ("w1", "w2", "b"):
                weight_low = min(weight_low, float(values.min()))
                weight_high = max(weight_high, float(values.max()))
        self._set_range(self._accuracy_plot.setXRange, 0.0, x_high)
        self._set_range(self._loss_plot.setYRange, 0.0, _nice_ceiling(loss_top))
        self._set_range(self._weights_plot.setYRange, -_nice_ceiling(-weight_low),
                        _nice_ceiling(weight_high))
        self._render_summary()

    def _set_range(self, setter, low: float, high: float) -> None:
        if self._ranges.get(setter) != (low, high):
            self._ranges[setter] = (low, high)
            setter(low, high, padding=0.02)

    def history(self, column: str) -> np.ndarray:
        return self._history.column(column).copy()

    @property
    def latest(self) -> EpochStats | None:
        return self._latest

    def _render_summary(self) -> None:
        s = self._latest
        if s is None:
            self._summary.setText(self.tr("Loading TensorFlow…"))
            return
        a, b, c = s.line

        def pct(value: float | None) -> str:
            return "–" if value is None else f"{100 * value:.1f}%"

        text = self.tr(
            "<b>epoch {0}</b> &nbsp; fit accuracy {1} &nbsp; predict accuracy {2}{3}<br>"
            "w1 = {4:.4g}, w2 = {5:.4g}, b = {6:.4g}<br>"
            "line: {7:+.4g}·x {8:+.4g}·y {9:+.4g} = 0"
        ).format(
            s.epoch, pct(s.accuracy), pct(s.eval_accuracy),
            "" if s.test_accuracy is None else self.tr(" &nbsp; test {0}").format(
                pct(s.test_accuracy)),
            s.w[0], s.w[1], s.b, a, b, c,
        )
        self._summary.setText(text)


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 5 x 10^k at or above ``value`` (0 for values <= 0)."""
    if not np.isfinite(value) or value <= 0:
        return 0.0 if value <= 0 else 1.0
    power = 10.0 ** np.floor(np.log10(value))
    for step in (1.0, 2.0, 5.0, 10.0):
        if step * power >= value * (1 - 1e-12):
            return step * power
    return 10.0 * power
