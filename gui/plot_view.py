"""The data plot: points, the decision line and the probability map behind them.

Renders what it is given (``show_points``, ``show_model``) and reports gestures as signals in
data coordinates; it never edits the data itself.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QPointF, QRectF, Qt, pyqtSignal
from PyQt6.QtWidgets import QGraphicsItem

from core.dataset import DataSnapshot
from core.geometry import clip_line, logit, probability_grid
from core.record import EpochStats
from gui import style

MAP_RESOLUTION = 160  # cells per side of the probability map
GRAB_PIXELS = 10  # how close a press must be to a point to drag it
ERASE_PIXELS = 30  # erasing takes the point nearest on screen only if it is this close
MAX_RINGS = 5000  # misclassified points ringed at most


class Brush:
    CLASS1 = "class1"
    CLASS0 = "class0"
    ERASE = "erase"


class _Markers(pg.ScatterPlotItem):
    """A scatter item that leaves every click to the plot.

    pyqtgraph's ScatterPlotItem accepts a left click that lands on a marker (to emit its own
    ``sigClicked``); the scene then reports the click as accepted and ``PlotView._clicked``
    must ignore it, so adding, Ctrl+click and the Erase brush silently did nothing on a point.
    The plot decides what a click means, so markers never take one."""

    def mouseClickEvent(self, ev):  # noqa: N802 - pyqtgraph naming
        ev.ignore()


class _DataViewBox(pg.ViewBox):
    """A ViewBox where dragging starting on a point moves the point instead of panning."""

    def __init__(self, plot: PlotView) -> None:
        super().__init__(enableMenu=False)
        self._plot = plot
        self._dragging: int | None = None

    def mouseDragEvent(self, ev, axis=None):  # noqa: N802 - Qt naming
        if ev.button() != Qt.MouseButton.LeftButton:
            return super().mouseDragEvent(ev, axis)
        if ev.isStart():
            self._dragging = self._plot.point_near(ev.buttonDownScenePos())
            self._first_move = True
        if self._dragging is None:
            return super().mouseDragEvent(ev, axis)
        ev.accept()
        where = self.mapSceneToView(ev.scenePos())
        self._plot.pointMoved.emit(self._dragging, where.x(), where.y(), not self._first_move)
        self._first_move = False
        if ev.isFinish():
            self._dragging = None


def _entry_widths(legend: pg.LegendItem) -> list[float]:
    """Each legend entry's width (sample, text, spacing), widest first."""
    return sorted((sample.boundingRect().width() + label.item.boundingRect().width() + 25
                   for sample, label in legend.items), reverse=True)


class PlotView(pg.PlotWidget):
    pointAdded = pyqtSignal(float, float, int)  # x, y, label
    pointRemoved = pyqtSignal(int)  # index of the point under the cursor
    pointMoved = pyqtSignal(int, float, float, bool)  # index, x, y, part of the same drag
    hint = pyqtSignal(str)  # a one-line explanation for the status bar

    def __init__(self, parent=None) -> None:
        self._view_box = _DataViewBox(self)
        super().__init__(parent, viewBox=self._view_box)
        self.brush = Brush.CLASS1
        self._xy = np.empty((0, 2))
        self._labels = np.empty(0, dtype=np.int8)
        self._stats: EpochStats | None = None
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()  # pyqtgraph's "A": the F key and Fit view do this, and say so

        item.setLabel("bottom", "x")
        item.setLabel("left", "y")
        self.setBackground("w")
        for axis in ("bottom", "left"):
            item.getAxis(axis).setPen("k")
            item.getAxis(axis).setTextPen("k")

        colormap = style.probability_colormap()
        self._image = pg.ImageItem(axisOrder="col-major")
        self._image.setLookupTable(colormap.getLookupTable(nPts=256))
        self._image.setLevels((0.0, 1.0))
        self._image.setZValue(-10)
        self.addItem(self._image)
        self._colorbar = pg.ColorBarItem(
            values=(0, 1), colorMap=colormap, interactive=False, width=14, pen="k",
        )
        self._colorbar.setImageItem(self._image, insert_in=item)
        self._colorbar.axis.setTextPen("k")
        self._colorbar.axis.setPen("k")
        self._colorbar.axis.setLabel(self.tr("P(class 1)"), color="#202020")

        self._scatters = {}
        for label in (0, 1):
            scatter = _Markers(
                size=9, symbol=style.CLASS_SYMBOLS[label],
                pen=pg.mkPen("#222222", width=0.8), brush=pg.mkBrush(style.CLASS_COLORS[label]),
            )
            scatter.setZValue(10 + label)
            # Points rarely change while the line moves every frame: Qt keeps their rendering
            # in a pixmap and repaints it only when they or the view change (100,000 points
            # cost ~20 ms a frame to draw afresh).
            scatter.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            self.addItem(scatter)
            self._scatters[label] = scatter
        self._wrong = _Markers(size=16, symbol="o", brush=None,
                               pen=pg.mkPen(style.MISCLASSIFIED_COLOR, width=2))
        self._wrong.setZValue(20)
        self.addItem(self._wrong)
        self._line = pg.PlotCurveItem(pen=pg.mkPen(style.LINE_COLOR, width=2.5))
        self._line.setZValue(30)
        self.addItem(self._line)
        self._train_line = pg.PlotCurveItem(
            pen=pg.mkPen(style.TRAIN_LINE_COLOR, width=2, style=Qt.PenStyle.DashLine))
        self._train_line.setZValue(29)
        self.addItem(self._train_line)
        self._reference_line = pg.PlotCurveItem(
            pen=pg.mkPen(style.REFERENCE_COLOR, width=2, style=Qt.PenStyle.DotLine))
        self._reference_line.setZValue(28)
        self.addItem(self._reference_line)
        self._reference: tuple[float, float, float] | None = None

        # The legend sits above the plot, in the title row, so it never hides points.
        self._legend = pg.LegendItem(colCount=2, labelTextColor="k", labelTextSize="8pt")
        item.layout.removeItem(item.titleLabel)
        item.titleLabel.setVisible(False)
        item.layout.addItem(self._legend, 0, 1, 1, 2)
        item.layout.setRowMinimumHeight(0, 0)
        item.layout.setRowMaximumHeight(0, 200)
        for entry, text in (
            (self._scatters[1], self.tr("class 1")),
            (self._scatters[0], self.tr("class 0")),
            (self._wrong, self.tr("misclassified by predict")),
            (self._line, self.tr("decision line (predict > 0.5)")),
        ):
            self._legend.addItem(entry, text)
        # Listed only while there is one: with BatchNormalization on.
        self._train_line_text = self.tr("training-mode line (BatchNorm)")
        self._train_line_listed = False
        self._reference_text = self.tr("scikit-learn LogisticRegression")
        self.scene().sigMouseClicked.connect(self._clicked)
        self._view_box.sigRangeChanged.connect(self._redraw_model)
        self._view_box.disableAutoRange()
        self.setRange(QRectF(-0.5, -0.5, 2.0, 2.0), padding=0)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        """Lay the legend out in two columns only where they fit. The plot item's minimum
        width is its legend's, and a view narrower than that minimum would be cut off on the
        right rather than shrunk; so the widget's minimum is the one-column layout's."""
        if "_legend" in self.__dict__:  # pyqtgraph resizes once while constructing
            self._fit_legend()  # first: the plot item below is then sized with its new minimum
        super().resizeEvent(event)

    def _fit_legend(self, settle: bool = True) -> bool:
        """Choose the legend's columns for the current width, and keep the plot at least as
        wide as its one-column layout needs; True when the columns changed.

        ``settle=False`` is for a changed text (the misclassified count, every frame while
        training): then room is only ever added, never given back, so a count that shrinks
        never re-lays out the window (with 100,000 points a re-layout repaints them all)."""
        legend = self._legend
        widths = _entry_widths(legend)
        overhead = self._legend_overhead()
        needed = int(overhead + widths[0]) + 2
        if settle or needed > self.minimumWidth():
            self.setMinimumWidth(needed)
        columns = 2 if self.viewport().width() - overhead >= sum(widths[:2]) else 1
        if not settle:
            columns = min(columns, legend.columnCount)
        if legend.columnCount == columns:
            return False
        legend.setColumnCount(columns)
        return True

    def _legend_changed(self, settle: bool = True) -> None:
        """An entry came, went or changed its text: re-fit, and re-size the plot item when
        the legend's columns changed (a layout costs milliseconds, so only then)."""
        if self._fit_legend(settle):
            super().resizeEvent(None)

    def _legend_overhead(self) -> float:
        """Width the plot item needs beside its legend: the y axis, the colour bar (read from
        their geometry, which the legend's text does not change) and the layout's spacing."""
        item = self.getPlotItem()
        spacing = 2 * max(item.layout.horizontalSpacing(), 0) + 8  # between columns, margins
        return item.getAxis("left").width() + self._colorbar.width() + spacing

    # --- rendering ---------------------------------------------------------------------------
    def show_points(self, snapshot: DataSnapshot) -> None:
        self._xy, self._labels = snapshot.xy, snapshot.labels
        for label, scatter in self._scatters.items():
            chosen = snapshot.xy[snapshot.labels == label]
            scatter.setData(x=chosen[:, 0], y=chosen[:, 1])
        self._redraw_wrong()

    def show_model(self, stats: EpochStats | None) -> None:
        self._stats = stats
        self._redraw_model()

    def show_reference(self, line: tuple[float, float, float] | None, accuracy: float = 0.0
                       ) -> None:
        """Draw (or hide, with None) scikit-learn's boundary for the same points."""
        had = self._reference is not None
        self._reference = line
        if line is not None and not had:
            self._legend.addItem(self._reference_line, self._reference_text)
        elif line is None and had:
            self._legend.removeItem(self._reference_line)
        if line is not None:
            label = self._legend.getLabel(self._reference_line)
            if label is not None:
                label.setText(self.tr("{0} ({1:.1f}%)").format(self._reference_text,
                                                                100 * accuracy))
        self._legend_changed()
        self._set_line(self._reference_line, line, *self.view_range())

    def reference_line(self) -> tuple[np.ndarray, np.ndarray]:
        return self._reference_line.getData()

    def fit_to_data(self) -> None:
        if not len(self._xy):
            self.setRange(QRectF(-0.5, -0.5, 2.0, 2.0), padding=0)
            return
        low, high = self._xy.min(axis=0), self._xy.max(axis=0)
        span = np.maximum(high - low, 1e-6)
        self.setRange(QRectF(*(low - 0.1 * span), *(1.2 * span)), padding=0)

    def view_range(self) -> tuple[tuple[float, float], tuple[float, float]]:
        (x0, x1), (y0, y1) = self._view_box.viewRange()
        return (x0, x1), (y0, y1)

    def drawn_line(self) -> tuple[np.ndarray, np.ndarray]:
        """The decision line's end points as drawn (for tests and screenshots)."""
        return self._line.getData()

    # --- geometry helpers for gestures ----------------------------------------------------
    def to_view(self, scene_pos: QPointF) -> QPointF:
        return self._view_box.mapSceneToView(scene_pos)

    def to_widget(self, x: float, y: float):
        """Widget pixel position of data point (x, y) (tests click there)."""
        return self.mapFromScene(self._view_box.mapViewToScene(QPointF(x, y)))

    def point_near(self, scene_pos: QPointF, pixels: float = GRAB_PIXELS) -> int | None:
        """Index of the nearest point within ``pixels`` of a scene position, if any."""
        if not len(self._xy):
            return None
        where = self.to_view(scene_pos)
        pixel = self._view_box.viewPixelSize()
        d2 = ((self._xy[:, 0] - where.x()) / pixel[0]) ** 2 + (
            (self._xy[:, 1] - where.y()) / pixel[1]) ** 2
        index = int(np.argmin(d2))
        return index if d2[index] <= pixels**2 else None

    # --- internals -----------------------------------------------------------------------
    def _clicked(self, event) -> None:
        if event.isAccepted() or event.double():
            return
        where = self.to_view(event.scenePos())
        if not self._view_box.sceneBoundingRect().contains(event.scenePos()):
            return
        x, y = where.x(), where.y()
        button = event.button()
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if button == Qt.MouseButton.LeftButton and (ctrl or self.brush == Brush.ERASE):
            # By index, measured in pixels: with stretched axes the nearest point in data
            # units can be far away on screen.
            index = self.point_near(event.scenePos(), ERASE_PIXELS)
            if index is None:
                self.hint.emit(self.tr("No point near the click to remove"))
            else:
                self.pointRemoved.emit(index)
        elif button == Qt.MouseButton.LeftButton:
            self.pointAdded.emit(x, y, 0 if self.brush == Brush.CLASS0 else 1)
        elif button == Qt.MouseButton.RightButton:
            self.pointAdded.emit(x, y, 0)
        else:
            return
        event.accept()

    def _redraw_model(self) -> None:
        stats = self._stats
        x_range, y_range = self.view_range()
        self._set_line(self._reference_line, self._reference, x_range, y_range)
        if stats is None:
            self._image.clear()
            self._line.setData([], [])
            self._train_line.setData([], [])
            return
        grid = probability_grid(stats.line, x_range, y_range, (MAP_RESOLUTION, MAP_RESOLUTION))
        self._image.setImage(grid, autoLevels=False, levels=(0.0, 1.0))
        self._image.setRect(QRectF(x_range[0], y_range[0], x_range[1] - x_range[0],
                                   y_range[1] - y_range[0]))
        self._set_line(self._line, stats.line, x_range, y_range)
        self._set_line(self._train_line, stats.train_line, x_range, y_range)
        if (stats.train_line is not None) != self._train_line_listed:
            self._train_line_listed = not self._train_line_listed
            if self._train_line_listed:
                self._legend.addItem(self._train_line, self._train_line_text)
            else:
                self._legend.removeItem(self._train_line)
            self._legend_changed()
        self._redraw_wrong()

    @staticmethod
    def _set_line(item, line, x_range, y_range) -> None:
        ends = clip_line(line, x_range, y_range) if line is not None else None
        if ends is None:
            item.setData([], [])
        else:
            (x0, y0), (x1, y1) = ends
            item.setData([x0, x1], [y0, y1])

    def _redraw_wrong(self) -> None:
        """Ring the misclassified points and count them in the legend.

        Past MAX_RINGS the rings would cover the plot and cost a frame each to draw, so only
        the count is shown."""
        wrong = np.empty((0, 2))
        if self._stats is not None and len(self._xy):
            predicted = logit(self._stats.line, self._xy) > 0
            wrong = self._xy[predicted != (self._labels == 1)]
        shown = wrong if len(wrong) <= MAX_RINGS else wrong[:0]
        self._wrong.setData(x=shown[:, 0], y=shown[:, 1])
        # The count padded to the digits of the point count with figure spaces (a digit's
        # width): the legend keeps its width while the count changes every frame, so the
        # plot's minimum width, and with it the window's layout, stays put.
        digits = len(str(len(self._xy)))
        count = f"{len(wrong):{digits}d}".replace(" ", "\u2007")
        text = self.tr("misclassified by predict: {0}").format(count)
        if len(wrong) > MAX_RINGS:
            text += self.tr(" (too many to ring)")
        label = self._legend.getLabel(self._wrong)
        if label is not None and label.text != text:
            label.setText(text)
            self._legend_changed(settle=False)
