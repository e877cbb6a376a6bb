"""Accuracy and loss per epoch, every epoch kept, plus the current weights and line.

Two curves matter most side by side: accuracy as Keras ``fit`` reports it (training mode) and
accuracy of ``predict`` (inference mode). With BatchNormalization they disagree, which is the
question's first puzzle made visible; while it is on, the two numbers also stand in large type
under the charts, each saying what it measures.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import Qt, pyqtSignal, pyqtSlot
from PyQt6.QtGui import QFont, QFontMetricsF
from PyQt6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from core.history import COLUMNS, EpochHistory
from core.record import EpochBatch, EpochStats
from gui import style
from gui.throttle import Throttle

CHART_HZ = 10
MIN_WIDTH = 240  # the charts' axes and legends stay readable; narrower, they overlap
# Past this many epochs the first ones would be a few pixels on a linear axis: the epoch axis
# turns logarithmic by itself, unless the person has chosen with the "log epochs" box.
AUTO_LOG_EPOCHS = 2000
# The widest tick labels the left axes print (see compact_tick): the axes' fixed width fits them.
LEFT_TICK_SAMPLES = ("-0.000", "-1.5e4", "-1.5e-3")
BIG_POINT_SIZE = 20
SUMMARY_LINES = 5  # four of text, plus one for wrapping at the panel's narrowest


def compact_tick(value: float, spacing: float) -> str:
    """A tick label of at most four digits: "-0.125", "2500", else "-2e4" or "-1.5e-3".

    pyqtgraph prints -20000 as "-20000", wider than the fixed axis; with as many mantissa
    digits as the tick spacing needs, neighbouring ticks still read differently."""
    if spacing <= 0 or not math.isfinite(value):
        return ""
    if abs(value) < spacing * 1e-6:
        return "0"
    places = max(0, math.ceil(-math.log10(spacing) - 1e-9))
    fixed = f"{value:.{places}f}"
    if sum(c.isdigit() for c in fixed) <= 4:
        return fixed
    exponent = math.floor(math.log10(abs(value)))
    decimals = max(0, exponent - math.floor(math.log10(spacing) + 1e-9))
    mantissa = f"{value / 10.0 ** exponent:.{decimals}f}"
    if abs(float(mantissa)) >= 10:  # 9.99e4 rounds up to 10e4: write 1e5
        exponent += 1
        mantissa = f"{value / 10.0 ** exponent:.{decimals}f}"
    return f"{mantissa}e{exponent}"


class CompactAxis(pg.AxisItem):
    """A left axis of fixed width whose tick labels always fit it: a label that would not
    (many digits of mantissa) is left out rather than drawn clipped."""

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph naming
        font = self.style.get("tickFont")
        metrics = QFontMetricsF(font) if font is not None else None
        room = self.text_room()
        strings = []
        for value in values:
            text = compact_tick(value * scale, spacing * scale)
            if metrics is not None and metrics.horizontalAdvance(text) > room:
                text = ""
            strings.append(text)
        return strings

    def text_room(self) -> float:
        """The width tick labels have: the axis less the gap pyqtgraph leaves at the ticks."""
        return self.width() - self.style["tickTextOffset"][0] - max(0, self.style["tickLength"])


LABELS_2_5_PIXELS = 150  # a decade at least this wide also has its 2 and 5 labelled


class EpochAxis(pg.AxisItem):
    """The epoch axis: on a log scale its ticks read as epochs ("1", "10", "20k"), not 10¹."""

    def logTickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph naming
        """Labels at 1, 10, 100 ... and, where a decade is wide enough, at 2 and 5 too:
        pyqtgraph labels every minor tick (2, 3, ... 9), which ran together ("567890")."""
        low, high = self.range
        pixels_per_decade = self.geometry().width() / max(high - low, 1e-9)
        labelled = (1, 2, 5) if pixels_per_decade >= LABELS_2_5_PIXELS else (1,)
        strings = []
        for value in values:
            epoch = 10.0 ** value * scale
            mantissa = round(epoch / 10.0 ** math.floor(math.log10(epoch))) if epoch > 0 else 0
            strings.append(_epoch_label(epoch) if mantissa in labelled else "")
        return strings


def _epoch_label(epoch: float) -> str:
    epoch = round(epoch)
    return f"{epoch:d}" if epoch < 10_000 else f"{epoch / 1000:g}k"


def log_envelope(epochs: np.ndarray, values: np.ndarray, bins: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """(epochs, values) for a log epoch axis ``bins`` pixels wide: groups of rows equally wide
    in log(epoch), each drawn as its lowest and highest value, so the first epochs keep one
    point each while later ones share a pixel. Epoch 0 has no logarithm: it is left out."""
    start = int(np.searchsorted(epochs, 1.0))
    epochs, values = epochs[start:], values[start:]
    if len(values) <= 2 * bins:
        keep = np.isfinite(values)
        return epochs[keep], values[keep]
    edges = np.geomspace(epochs[0], epochs[-1], bins + 1)[:-1]
    starts = np.unique(np.searchsorted(epochs, edges))
    low = np.fmin.reduceat(values, starts)  # fmin/fmax skip NaN; all-NaN groups dropped below
    high = np.fmax.reduceat(values, starts)
    x = np.append(np.repeat(epochs[starts], 2), epochs[-1])
    y = np.append(np.column_stack([low, high]).ravel(), values[-1])
    keep = np.isfinite(y)
    return x[keep], y[keep]


def percent(value: float | None) -> str:
    """"75%" for a whole percentage (4 points give nothing else), else "52.3%"."""
    if value is None or not math.isfinite(value):
        return "–"
    pct = 100 * value
    return f"{pct:.0f}%" if abs(pct - round(pct)) < 1e-6 else f"{pct:.1f}%"


class FitPredictPanel(QWidget):
    """Fit's and predict's accuracy side by side in large type, each captioned with what it
    measures. Fixed height: a panel that grew with its text would re-layout the charts."""

    CAPTION_LINES = 3

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setVerticalSpacing(0)
        big = QFont(self.font())
        big.setPointSize(BIG_POINT_SIZE)
        big.setBold(True)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.85))
        self.fit = self._label(big, "train")
        self.predict = self._label(big, "predict")
        self.fit_caption = self._label(small)
        self.predict_caption = self._label(small)
        for column, (number, caption) in enumerate(((self.fit, self.fit_caption),
                                                     (self.predict, self.predict_caption))):
            layout.addWidget(number, 0, column)
            layout.addWidget(caption, 1, column)
            layout.setColumnStretch(column, 1)
            caption.setWordWrap(True)
            caption.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            number.setFixedHeight(math.ceil(QFontMetricsF(big).lineSpacing()))
            caption.setFixedHeight(
                math.ceil(QFontMetricsF(small).lineSpacing() * self.CAPTION_LINES) + 2)
        self.setFixedHeight(self.sizeHint().height())

    def _label(self, font: QFont, series: str | None = None) -> QLabel:
        label = QLabel(self)
        label.setFont(font)
        label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        if series is not None:
            label.setStyleSheet(f"color: {style.SERIES_COLORS[series]}")
        else:
            label.setStyleSheet("color: #404040")
        return label

    def show_figures(self, stats: EpochStats, stale: bool, looking_back: bool = False) -> None:
        """The numbers large, each captioned with its name and what it measures: at the
        panel's narrowest (240 pixels) "predict 75.0%" in large type would not fit a half.
        Looking back, predict is that epoch's model on the points it had then."""
        self.fit.setText(percent(stats.accuracy))
        self.predict.setText(percent(stats.eval_accuracy))
        self.fit_caption.setText(
            self.tr("<b>fit</b>: from training on the points before they changed")
            if stale else
            self.tr("<b>fit</b>: averaged over the epoch's batches, training mode"))
        self.predict_caption.setText(
            self.tr("<b>predict</b>: the model after epoch {0}, inference mode").format(
                stats.epoch)
            if looking_back else self.tr("<b>predict</b>: the model now, inference mode"))


class MetricsView(QWidget):
    """The charts, the fit/predict panel and the summary of one epoch (the latest, or the one
    ``set_cursor`` looks back at)."""

    logEpochsChanged = pyqtSignal(bool)  # noqa: N815 - Qt naming; for a checkable QAction
    cursorCleared = pyqtSignal()  # noqa: N815 - the looked-back run was replaced by a new one

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._history = EpochHistory()
        self._latest: EpochStats | None = None
        self._cursor: EpochStats | None = None
        self._stale = False  # the latest fit figures come from before the points changed
        self._log_epochs = False
        self._log_chosen = False  # the person chose the scale: no automatic switch
        self._throttle = Throttle(1000 / CHART_HZ, self.redraw, self)
        self._ranges: dict = {}
        self.setMinimumWidth(MIN_WIDTH)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        graphs = pg.GraphicsLayoutWidget()
        graphs.setBackground("w")
        self._graphs = graphs
        tick_font = QFont(self.font())
        left_width = max(QFontMetricsF(tick_font).horizontalAdvance(s)
                         for s in LEFT_TICK_SAMPLES) + 14
        self._plots = []
        for row in range(3):
            plot = graphs.addPlot(row=row, col=0, axisItems={
                "left": CompactAxis("left"), "bottom": EpochAxis("bottom")})
            self._plots.append(plot)
        self._accuracy_plot, self._loss_plot, self._weights_plot = self._plots
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._cursor_lines: list[pg.InfiniteLine] = []
        self._legends: list[tuple[pg.PlotItem, str, tuple]] = []
        self._legend_lists_test: bool | None = None  # whether the legends list "test" now
        # Each chart's legend is its title row, outside the area the curves are drawn in.
        for plot, title, names in (
            (self._accuracy_plot, self.tr("Accuracy"), (
                ("accuracy", self.tr("fit"), "train"),
                ("eval_accuracy", self.tr("predict"), "predict"),
                ("test_accuracy", self.tr("test"), "test"))),
            (self._loss_plot, self.tr("Loss"), (
                ("loss", self.tr("fit"), "train"),
                ("eval_loss", self.tr("predict"), "predict"),
                ("test_loss", self.tr("test"), "test"))),
            # On separable data the best weights are infinite: this chart shows them grow.
            (self._weights_plot, self.tr("Weights"), (
                ("w1", self.tr("w1 (x)"), "w1"), ("w2", self.tr("w2 (y)"), "w2"),
                ("b", self.tr("b"), "b"))),
        ):
            plot.hideButtons()  # pyqtgraph's auto-range "A": ranges here are always automatic
            # and its right-click menu (English only, and its log axes and transforms would
            # fight the charts' own "log epochs"); File > Export picture saves the charts.
            plot.setMenuEnabled(False)
            self._legends.append((plot, title, names))
            if plot is not self._accuracy_plot:
                plot.setXLink(self._accuracy_plot)
            if plot is not self._weights_plot:  # x is linked: one epoch axis, at the bottom,
                plot.hideAxis("bottom")  # is enough (each costs ~10 ms when ranges change)
            for axis in ("bottom", "left"):
                plot.getAxis(axis).setPen("k")
                plot.getAxis(axis).setTextPen("k")
                plot.getAxis(axis).setStyle(tickFont=tick_font)
            # A fixed width: tick labels that widen as a range grows would otherwise re-layout
            # all three charts (~30 ms) in the middle of training.
            plot.getAxis("left").setWidth(math.ceil(left_width))
            plot.disableAutoRange()  # ranges are set in redraw(): cheaper than autoscaling
            # Added in order: fit first, so predict's dashed pen is drawn on top of it.
            for column, _name, series in names:
                self._curves[column] = plot.plot([], [], pen=style.series_pen(series))
            line = pg.InfiniteLine(angle=90, movable=False,
                                   pen=pg.mkPen(style.CURSOR_COLOR, width=1.5,
                                                style=Qt.PenStyle.DashDotLine))
            line.setZValue(20)
            line.hide()
            plot.addItem(line, ignoreBounds=True)
            self._cursor_lines.append(line)
        self._accuracy_plot.setYRange(0, 1.02)
        layout.addWidget(graphs, stretch=1)
        self._list_test_in_legends(False)

        options = QHBoxLayout()
        options.setContentsMargins(4, 0, 4, 0)
        self._log_box = QCheckBox(self.tr("log epochs"))
        self._log_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space keeps training
        self._log_box.setToolTip(self.tr(
            "A logarithmic epoch axis keeps the first epochs visible in a long run. Epoch 0 "
            "(the untrained model) has no logarithm and is left out. The axis turns "
            "logarithmic by itself past {0} epochs unless you tick or untick this box."
        ).format(AUTO_LOG_EPOCHS))
        self._log_box.toggled.connect(self.set_log_epochs)
        options.addWidget(self._log_box)
        options.addStretch(1)
        layout.addLayout(options)
        self._set_epoch_label()

        self._figures = FitPredictPanel(self)
        self._figures.hide()
        layout.addWidget(self._figures)
        self._summary = QLabel()
        # A fixed height: a label that grows or shrinks with its text would re-layout the
        # charts above it on every frame.
        self._summary.setFixedHeight(
            self._summary.fontMetrics().lineSpacing() * SUMMARY_LINES + 8)
        # Nor may its width follow the text: "epoch 100000" is wider than "epoch 99999", and
        # a label that asked for more room would re-layout the whole window (~25 ms) each time.
        # It wraps within the width it is given instead (spare lines for that).
        self._summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._summary.setWordWrap(True)
        self._summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self._summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._summary.setToolTip(self.tr(
            "fit: what Keras's fit reports — averaged over the epoch's batches while the "
            "weights moved, in training mode (BatchNormalization uses each batch's "
            "statistics).\npredict: the model as it is now, in inference mode, on all "
            "training points. Even without BatchNormalization the two differ while the "
            "model learns (e.g. 52.3% against 64.3% on the question's 2000 points)."))
        layout.addWidget(self._summary)
        self._render_summary()

    def _list_test_in_legends(self, listed: bool) -> None:
        """List the held-out points' curves only while there are some: a "test" entry
        without a test split named a curve that is not there."""
        if listed == self._legend_lists_test:
            return
        self._legend_lists_test = listed
        for plot, title, names in self._legends:
            self._set_legend(plot, title, [n for n in names if listed or n[2] != "test"])

    def _set_legend(self, plot: pg.PlotItem, title: str, names) -> None:
        """The title row as the legend: the chart's name, then each curve's pen and name.
        It spans the axis column too, so it has the chart's whole width."""
        entries = "&nbsp; ".join(f"{style.series_sample(series)}&nbsp;{name}"
                                 for _column, name, series in names)
        plot.setTitle(f"<b>{title}</b>&nbsp;&nbsp; {entries}", color="#202020", size="9pt",
                      justify="left")
        plot.layout.removeItem(plot.titleLabel)
        plot.layout.addItem(plot.titleLabel, 0, 0, 1, 3)

    # --- epoch axis ------------------------------------------------------------------------
    @property
    def log_epochs(self) -> bool:
        return self._log_epochs

    @pyqtSlot(bool)
    def set_log_epochs(self, on: bool) -> None:
        """The person's choice of epoch scale (the box, or a checkable action connected here):
        from now on the axis no longer switches by itself."""
        self._log_chosen = True
        self._apply_log_epochs(on)

    def _apply_log_epochs(self, on: bool) -> None:
        if on == self._log_epochs:
            return
        self._log_epochs = on
        for plot in self._plots:
            plot.setLogMode(x=on)
            plot.disableAutoRange()  # setLogMode turns autoscaling on
        self._accuracy_plot.setYRange(0, 1.02)
        self._ranges.clear()
        self._set_epoch_label()
        if self._log_box.isChecked() != on:
            self._log_box.blockSignals(True)
            self._log_box.setChecked(on)
            self._log_box.blockSignals(False)
        self.logEpochsChanged.emit(on)
        self._throttle.fire()

    def _set_epoch_label(self) -> None:
        axis = self._weights_plot.getAxis("bottom")
        axis.setLabel(self.tr("epoch (log scale)") if self._log_epochs else self.tr("epoch"))
        axis.setToolTip(self._log_box.toolTip() if self._log_epochs else "")

    # --- data ------------------------------------------------------------------------------
    def update_epochs(self, batches: list[EpochBatch]) -> None:
        """Record every epoch now; redraw the charts at most CHART_HZ times a second.

        Autoscaling charts re-layout their axes on every redraw, which costs more than the
        data plot; ten redraws a second reads as live while leaving the frame budget to the
        decision line. An epoch reported again (not a divergence) is the model re-evaluated
        on changed points: its fit figures, kept from training, are then marked as such."""
        for batch in batches:
            if not len(batch):
                continue
            first = int(batch.epoch[0])
            if self._latest is None or first == 0 or first > self._latest.epoch:
                self._stale = False
            elif not batch.diverged:
                self._stale = True
            self._history.add(batch)
            self._latest = batch.last()
        if self._latest is not None:
            self._list_test_in_legends(self._latest.n_test > 0)
        if self._cursor is not None and self._latest is not None \
                and self._cursor.epoch > self._latest.epoch:
            self._cursor = None  # a new model replaced the run looked at
            self._show_cursor()
            self.cursorCleared.emit()
        if self._latest is not None and not self._log_chosen:
            self._apply_log_epochs(self._latest.epoch > AUTO_LOG_EPOCHS)
        self._throttle.request()

    def set_cursor(self, stats: EpochStats | None) -> None:
        """Look back at ``stats``'s epoch (a marker on every chart, the summary shows its
        figures), or with None return to live. Charts keep recording while looking back."""
        self._cursor = stats
        self._show_cursor()
        self._render_summary()

    @property
    def cursor(self) -> EpochStats | None:
        return self._cursor

    def _show_cursor(self) -> None:
        stats = self._cursor
        for line in self._cursor_lines:
            if stats is None or (self._log_epochs and stats.epoch < 1):
                line.hide()  # epoch 0 has no place on a log axis
                continue
            line.setPos(math.log10(stats.epoch) if self._log_epochs else stats.epoch)
            line.show()

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
        x_high = max(1.0 if not self._log_epochs else 10.0, _nice_ceiling(last))
        width = self._accuracy_plot.getViewBox().width()
        if self._log_epochs:  # about one group per pixel the data spans
            share = math.log10(max(last, 1.0)) / math.log10(x_high)
            bins = max(2, int(width * share))
        else:
            bins = max(2, int(width * last / x_high))
        loss_top = 0.0
        weight_low, weight_high = 0.0, 0.0
        for column, curve in self._curves.items():
            if self._log_epochs:
                xs, values = log_envelope(epochs, self._history.column(column), bins)
            else:
                xs, values = self._history.envelope(column, bins)
            curve.setData(xs, values, skipFiniteCheck=True)
            if not len(values):
                continue
            if "loss" in column:
                loss_top = max(loss_top, float(values.max()))
            elif column in ("w1", "w2", "b"):
                weight_low = min(weight_low, float(values.min()))
                weight_high = max(weight_high, float(values.max()))
        if self._log_epochs:
            self._set_range(self._accuracy_plot.setXRange, 0.0, math.log10(x_high))
        else:
            self._set_range(self._accuracy_plot.setXRange, 0.0, x_high)
        self._set_range(self._loss_plot.setYRange, 0.0, _nice_ceiling(loss_top))
        self._set_range(self._weights_plot.setYRange, -_nice_ceiling(-weight_low),
                        _nice_ceiling(weight_high))
        self._show_cursor()
        self._render_summary()

    def _set_range(self, setter, low: float, high: float) -> None:
        if self._ranges.get(setter) != (low, high):
            self._ranges[setter] = (low, high)
            setter(low, high, padding=0.02)

    def history(self, column: str) -> np.ndarray:
        return self._history.column(column).copy()

    @property
    def recorded(self) -> EpochHistory:
        """The run as recorded (read it, do not add to it): the timeline looks epochs up
        with ``epoch_at`` and ``neighbour``."""
        return self._history

    def history_columns_view(self) -> Mapping[str, np.ndarray]:
        """Every recorded column (core.history.COLUMNS) as a read-only view, not a copy: for
        the diagnosis, which runs a few times a second. Valid until the next update."""
        views = {}
        for name in COLUMNS:
            view = self._history.column(name).view()
            view.flags.writeable = False
            views[name] = view
        return views

    @property
    def latest(self) -> EpochStats | None:
        return self._latest

    @property
    def stale(self) -> bool:
        """The latest fit figures come from training on points that have since changed."""
        return self._stale

    # --- summary ---------------------------------------------------------------------------
    def _render_summary(self) -> None:
        s = self._cursor if self._cursor is not None else self._latest
        if s is None:
            self._summary.setText(self.tr("Loading TensorFlow…"))
            return
        latest = self._latest
        stale = self._stale and latest is not None and s.epoch == latest.epoch
        # The panel follows the run: it stays while looking back at a BatchNormalization run
        # even if the looked-back figures carry no training-mode line.
        batchnorm = latest is not None and latest.train_line is not None
        if batchnorm:
            self._figures.show_figures(s, stale, looking_back=self._cursor is not None)
        if self._figures.isVisibleTo(self) != batchnorm:  # a re-layout only when BN switches
            self._figures.setVisible(batchnorm)
            # The panel shows fit and predict: the summary leaves them out and a line of room
            # to the charts, which at 600 pixels of window height need every one.
            lines = SUMMARY_LINES - 1 if batchnorm else SUMMARY_LINES
            self._summary.setFixedHeight(self._summary.fontMetrics().lineSpacing() * lines + 8)
        a, b, c = s.line
        if self._cursor is not None and latest is not None:
            header = self.tr("<b>epoch {0}</b> of {1} (looking back; ] or End returns to "
                             "live)").format(s.epoch, latest.epoch)
        else:
            header = self.tr("<b>epoch {0}</b>").format(s.epoch)
        fit = percent(s.accuracy)
        if stale:
            fit = self.tr("{0} (trained on the earlier points)").format(fit)
        test = "" if s.test_accuracy is None else self.tr("test accuracy {0}").format(
            percent(s.test_accuracy))
        if not batchnorm:
            figures = self.tr("fit accuracy {0} · predict accuracy {1}").format(
                fit, percent(s.eval_accuracy)) + (" · " + test if test else "")
        elif stale:
            figures = self.tr("fit {0}").format(fit) + (" · " + test if test else "")
        else:
            figures = test
        # Three significant digits and no break inside a figure: at 240 pixels "b = -0.8049"
        # wrapped after its "=" and pushed the line's equation out of the label.
        text = self.tr(
            "{0}<br>{1}w1&nbsp;=&nbsp;{2:.3g}, w2&nbsp;=&nbsp;{3:.3g}, b&nbsp;=&nbsp;{4:.3g}<br>"
            "line: {5:+.3g}·x&nbsp;{6:+.3g}·y&nbsp;{7:+.3g}&nbsp;=&nbsp;0"
        ).format(header, figures + "<br>" if figures else "", s.w[0], s.w[1], s.b, a, b, c)
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
