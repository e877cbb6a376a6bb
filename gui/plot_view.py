"""The data plot: points, the decision line and the probability map behind them.

Renders what it is given (``show_points``, ``show_model``) and reports gestures as signals in
data coordinates; it never edits the data itself.
"""

from __future__ import annotations

import re

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QPointF, QRectF, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QColor, QKeyEvent, QMouseEvent
from PyQt6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QGraphicsEllipseItem,
    QGraphicsItem,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
)

from core.dataset import Change, DataSnapshot
from core.geometry import clip_line, logit, probability_grid
from core.painting import DEFAULT_RADIUS_PIXELS
from core.readout import Reading, read_at
from core.record import EpochStats
from gui import style
from gui.painted_text import PaintedText
from gui.point_cloud import PointCloud

MAP_RESOLUTION = 160  # cells per side of the probability map
GRAB_PIXELS = 10  # how close a press must be to a point to drag it
ERASE_PIXELS = 30  # erasing takes the point nearest on screen only if it is this close
MAX_RINGS = 5000  # misclassified points ringed at most
# An edit of at most this many rows is drawn by changing those rows alone (see _follow).
_FOLLOWED_ROWS = 2000
POINT_SIZE = 9
RIGHT_MARGIN = 4  # pixels beside the colour bar's label
READOUT_PAD = 3  # pixels of box around the hover readout's text
READOUT_OPACITY = 225  # of its white box: the text reads, the map still shows through a little
HELD_OUT_SIZE = 11  # hollow markers read smaller than filled ones of the same size
# Widgets that keep the keys typed into them (a chooser too: a letter picks an entry): a
# click on the plot while one has the focus only takes the focus (and so commits what was
# typed), it adds no point.
TEXT_ENTRY = (QAbstractSpinBox, QLineEdit, QTextEdit, QPlainTextEdit, QComboBox)
SELECTION_COLOR = "#5E2CA5"  # dark purple squares: unlike the misclassified (round) rings
SELECTION_SIZE = 13
SPRAY_TICK_MS = 120  # a spray held still keeps adding puffs this often
SPRAY_STEP = 0.5  # a moving spray puffs again after this fraction of its radius


class Brush:
    CLASS1 = "class1"
    CLASS0 = "class0"
    ERASE = "erase"
    SPRAY = "spray"  # dragging adds points of the last class brush's class around the cursor
    SELECT = "select"  # dragging on empty space selects the points in a rectangle
    CLASSES = {CLASS0: 0, CLASS1: 1}


class _Drag:
    """What a drag on the plot does, decided when it starts (see ``PlotView._start_drag``)."""

    PAN = "pan"  # pyqtgraph's own: pan with the left or middle button, zoom with the right
    POINT = "point"  # move the point under the press
    SELECTION = "selection"  # move every selected point
    SPRAY = "spray"
    BAND = "band"  # a rubber-band rectangle that selects what it encloses
    ENDED = "ended"  # the points changed under a drag (an undo): the rest of it does nothing


class _DataViewBox(pg.ViewBox):
    """A ViewBox where dragging starting on a point moves the point instead of panning."""

    def __init__(self, plot: PlotView) -> None:
        super().__init__(enableMenu=False)
        self._plot = plot
        self._drag = _Drag.PAN
        # pyqtgraph's zoom rectangle draws the selection band: dashed, a light veil.
        self.rbScaleBox.setPen(pg.mkPen("#333333", width=1, style=Qt.PenStyle.DashLine))
        self.rbScaleBox.setBrush(pg.mkBrush(60, 60, 60, 35))

    def mouseDragEvent(self, ev, axis=None):  # noqa: N802 - Qt naming
        if ev.isStart():
            self._drag = self._plot._start_drag(ev)
        if self._drag == _Drag.PAN:
            return super().mouseDragEvent(ev, axis)
        ev.accept()
        if self._drag == _Drag.ENDED:
            pass
        elif self._drag == _Drag.BAND:
            self._band(ev)
        else:
            self._plot._continue_drag(ev)
        if ev.isFinish():
            self._drag = _Drag.PAN

    def end_point_drag(self) -> bool:
        """End a drag that moves points, if one is going on (True then): the rows it names
        are no longer those points."""
        if self._drag not in (_Drag.POINT, _Drag.SELECTION):
            return False
        self._drag = _Drag.ENDED
        return True

    def _band(self, ev) -> None:
        """Draw the rectangle while dragging; on release select what it encloses."""
        if not ev.isFinish():
            self.updateScaleBox(ev.buttonDownPos(), ev.pos())
            return
        self.rbScaleBox.hide()
        rect = self.childGroup.mapRectFromParent(QRectF(ev.buttonDownPos(), ev.pos()))
        add = bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        self._plot.select_rect(rect.normalized(), add)


def _entry_widths(legend: pg.LegendItem) -> list[float]:
    """Each legend entry's width (sample, text, spacing), widest first."""
    return sorted((sample.boundingRect().width() + label.item.boundingRect().width() + 25
                   for sample, label in legend.items), reverse=True)


class PlotView(pg.PlotWidget):
    pointAdded = pyqtSignal(float, float, int)  # x, y, label
    pointRemoved = pyqtSignal(int)  # index of the point under the cursor
    pointMoved = pyqtSignal(int, float, float, bool)  # index, x, y, part of the same drag
    # A spray puff: its centre and radii (data units, x and y: a circle on screen) and class,
    # and whether it goes on the same stroke (one undo step).
    sprayed = pyqtSignal(float, float, float, float, int, bool)
    selectionMoved = pyqtSignal(object, object, bool)  # indices, their new xy, same drag
    selectionChanged = pyqtSignal(int)  # how many points are selected now
    brushChanged = pyqtSignal(str)
    hint = pyqtSignal(str)  # a one-line explanation for the status bar
    # Pick mode (``picking``, the Predict panel's): a click (any button) names a place (a
    # point's own coordinates when on one) instead of adding or removing a point.
    pointPicked = pyqtSignal(float, float)

    def __init__(self, parent=None) -> None:
        self._view_box = _DataViewBox(self)
        super().__init__(parent, viewBox=self._view_box)
        self._brush = Brush.CLASS1
        self.spray_class = 1  # the last class brush's: the class the spray adds
        self.spray_radius = DEFAULT_RADIUS_PIXELS  # on screen, so the brush keeps its size
        self._hover_pos = QPointF()  # scene position of the cursor, last seen
        self.picking = False
        self._xy = np.empty((0, 2))
        self._labels = np.empty(0, dtype=np.int8)
        self._ids = np.empty(0, dtype=np.int64)
        # The selection is kept as point ids: undo, redo and other edits change the points'
        # indices, never their ids, so the same points stay selected (those gone drop out).
        self._selected_ids = np.empty(0, dtype=np.int64)
        self._selected = np.zeros(0, dtype=bool)
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
            # Data coordinates as they are: with an automatic SI prefix, points at 0.1..0.9
            # were labelled 100..900 "(x0.001)", which a newcomer reads as 900.
            item.getAxis(axis).enableAutoSIPrefix(False)

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
        # pyqtgraph sizes an axis to 80% of its label's box, so the label's last pixels met
        # the widget's right edge: a margin keeps "P(class 1)" whole.
        item.layout.setContentsMargins(1, 1, 1 + RIGHT_MARGIN, 1)

        # Training points filled, held-out (test) points hollow in their class's colour: the
        # same marker says the class, the fill says whether the model learns from it.
        self._scatters: dict[int, PointCloud] = {}
        self._held_out_scatters: dict[int, PointCloud] = {}
        for label in (0, 1):
            filled = PointCloud(
                size=POINT_SIZE, symbol=style.CLASS_SYMBOLS[label],
                pen=pg.mkPen("#222222", width=0.8), brush=pg.mkBrush(style.CLASS_COLORS[label]),
            )
            hollow = PointCloud(size=HELD_OUT_SIZE, symbol=style.CLASS_SYMBOLS[label],
                              pen=pg.mkPen(style.CLASS_COLORS[label], width=2), brush=None)
            for scatter, group in ((filled, self._scatters), (hollow, self._held_out_scatters)):
                scatter.setZValue(10 + label)
                # Points rarely change while the line moves every frame: Qt keeps their
                # rendering in a pixmap and repaints it only when they or the view change
                # (100,000 points cost ~20 ms a frame to draw afresh).
                scatter.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
                self.addItem(scatter)
                group[label] = scatter
        self._held_out = np.zeros(0, dtype=bool)
        self._wrong_drawn_for: tuple | None = None  # (points, held-out mask, line) ringed
        self._wrong_mask = np.zeros(0, dtype=bool)  # the misclassified points, as ringed
        self._points_version = -1  # the data set's version drawn (-1: none, or not one)
        # The legend's sample for held-out points of either class: a hollow neutral circle.
        # Clicking a legend sample hides its item; this one hides both hollow scatters.
        self._held_out_sample = pg.ScatterPlotItem(
            size=HELD_OUT_SIZE, symbol="o", pen=pg.mkPen("#444444", width=2), brush=None)
        self._held_out_sample.visibleChanged.connect(self._held_out_visibility)
        self._held_out_text = self.tr("held out (test)")
        self._held_out_listed = False
        self._wrong = PointCloud(size=16, symbol="o", brush=None,
                               pen=pg.mkPen(style.MISCLASSIFIED_COLOR, width=2))
        self._wrong.setZValue(20)
        self.addItem(self._wrong)
        self._selection_marks = PointCloud(size=SELECTION_SIZE, symbol="s", brush=None,
                                         pen=pg.mkPen(SELECTION_COLOR, width=1.5))
        self._selection_marks.setZValue(25)
        self._selection_marks.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.addItem(self._selection_marks)
        # The spray's reach, following the cursor while the Spray brush is chosen.
        self._spray_ring = QGraphicsEllipseItem()
        self._spray_ring.setPen(pg.mkPen("#202020", width=1, style=Qt.PenStyle.DashLine))
        self._spray_ring.setZValue(40)
        self._spray_ring.hide()
        self.addItem(self._spray_ring, ignoreBounds=True)
        self._spray_timer = QTimer(self)
        self._spray_timer.setInterval(SPRAY_TICK_MS)
        self._spray_timer.timeout.connect(self._spray_held)
        self._spray_at = QPointF()  # scene position of the cursor while spraying
        self._spray_last = QPointF()  # where the last puff was
        self._spray_label = 1
        self._spray_button = Qt.MouseButton.LeftButton
        self._drag_indices = np.zeros(0, dtype=np.int64)
        self._drag_origin = np.empty((0, 2))
        self._drag_start = QPointF()
        self._dragged_point: int | None = None
        self._first_move = True
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
        self._reference_figures: tuple[str, float] = ("", 0.0)  # its name and accuracy

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
        self._reference_text = self.tr("scikit-learn's line")  # short: the legend sets the width
        self.scene().sigMouseClicked.connect(self._clicked)
        # Not ClickFocus: Qt would move the focus before the press arrives, and the press
        # must know whether a text field had it (see mousePressEvent).
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._focus_press = False  # the button now down only took the focus
        self._after_focus_click = False  # the last click only took the focus
        self._view_box.sigRangeChanged.connect(self._redraw_model)
        # Zooming with the wheel moves no mouse: the spray's circle keeps its size on screen.
        self._view_box.sigRangeChanged.connect(
            lambda *_: self._place_spray_ring(self._hover_pos))
        self._view_box.disableAutoRange()
        self.setRange(QRectF(-0.5, -0.5, 2.0, 2.0), padding=0)
        # What the model says under the cursor, painted in a corner of the data area (a text
        # that changes with every mouse move must never lay the window out again). Over the
        # x axis it hid the tick labels; inside the data area, on a box just as large as the
        # text, it hides a strip of the map only, and moves to the top corner while the
        # cursor is in the bottom one, so it never covers what is pointed at.
        self.readout = PaintedText(wrap=True, parent=self.viewport())
        self.readout.set_box(QColor(255, 255, 255, READOUT_OPACITY), READOUT_PAD)
        # Clicks pass through it to the plot, so it takes none from the points below.
        self.readout.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.readout.hide()
        self._readout_top = False  # in the data area's top corner (the cursor is at the bottom)
        self.scene().sigMouseMoved.connect(self._hovered)
        self._view_box.sigResized.connect(lambda _box: self._place_readout())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        """Lay the legend out in two columns only where they fit. The plot item's minimum
        width is its legend's, and a view narrower than that minimum would be cut off on the
        right rather than shrunk; so the widget's minimum is the one-column layout's."""
        if "_legend" in self.__dict__:  # pyqtgraph resizes once while constructing
            self._fit_legend()  # first: the plot item below is then sized with its new minimum
        super().resizeEvent(event)
        if "readout" in self.__dict__:
            self._place_readout()

    def data_area(self) -> QRectF:
        """The view box (where points are drawn, inside the axes) in viewport pixels."""
        return self.mapFromScene(self._view_box.sceneBoundingRect()).boundingRect().toRectF()

    def _place_readout(self) -> None:
        """Two lines across the data area's bottom (or, ``_readout_top``, top) edge. Only on
        a resize or a change of corner: moving a widget costs a repaint of what it uncovers."""
        area = self.data_area()
        height = 2 * self.readout.fontMetrics().lineSpacing() + 2 * READOUT_PAD
        top = area.top() + 2 if self._readout_top else area.bottom() - 2 - height
        self.readout.setGeometry(int(area.left()) + 2, int(top),
                                 max(int(area.width()) - 4, 1), int(height))
        vertical = Qt.AlignmentFlag.AlignTop if self._readout_top else Qt.AlignmentFlag.AlignBottom
        self.readout.setAlignment(Qt.AlignmentFlag.AlignLeft | vertical)

    def leaveEvent(self, event) -> None:  # noqa: N802 - Qt naming
        self.readout.hide()
        self._spray_ring.hide()
        super().leaveEvent(event)

    def reading_under(self, scene_pos: QPointF) -> Reading | None:
        """What the model shown says at a scene position: of the point there (within
        ``GRAB_PIXELS``), else of the place; None outside the data area or without a model."""
        if self._stats is None or not self._view_box.sceneBoundingRect().contains(scene_pos):
            return None
        index = self.point_near(scene_pos)
        if index is None:
            where = self.to_view(scene_pos)
            return read_at(self._stats.line, where.x(), where.y())
        x, y = self._xy[index]
        held_out = bool(len(self._held_out) == len(self._xy) and self._held_out[index])
        return read_at(self._stats.line, float(x), float(y), int(self._labels[index]), held_out)

    def _hovered(self, scene_pos: QPointF) -> None:
        self._hover_pos = scene_pos
        self._place_spray_ring(scene_pos)
        reading = self.reading_under(scene_pos)
        if reading is None:
            self.readout.hide()
            return
        # The cursor in the readout's bottom strip (plus a margin): to the top, and back.
        strip = self.readout.height() + 8
        y = self.mapFromScene(scene_pos).y()
        top = y > self.data_area().bottom() - strip
        if top != self._readout_top:
            self._readout_top = top
            self._place_readout()
        self.readout.setText(self.reading_text(reading))
        self.readout.show()

    def reading_text(self, r: Reading) -> str:
        """One or two lines: the point's (or place's) figures as predict computes them."""
        model = self.tr("z = {0:.3g}, P(class 1) = {1:.3f}, so predict says class {2}").format(
            r.z, r.probability, r.predicted)
        if r.label is None:
            return self.tr("at ({0:.3g}, {1:.3g}): {2}").format(r.x, r.y, model)
        where = self.tr("held out") if r.held_out else self.tr("training")
        return self.tr("point ({0:.3g}, {1:.3g}), class {2}, {3}: {4}; its loss {5:.3g}").format(
            r.x, r.y, r.label, where, model, r.loss)

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
        spacing = 2 * max(item.layout.horizontalSpacing(), 0) + 8 + RIGHT_MARGIN
        return item.getAxis("left").width() + self._colorbar.width() + spacing

    # --- brushes -------------------------------------------------------------------------------
    @property
    def brush(self) -> str:
        return self._brush

    @brush.setter
    def brush(self, brush: str) -> None:
        """Choose what a click or drag does; a class brush also becomes the spray's class."""
        self._brush = brush
        if brush in Brush.CLASSES:
            self.spray_class = Brush.CLASSES[brush]
        painting = brush in (Brush.SPRAY, Brush.SELECT)
        cursor = Qt.CursorShape.CrossCursor if painting else Qt.CursorShape.ArrowCursor
        self.viewport().setCursor(cursor)
        self._place_spray_ring(self._hover_pos)
        self.brushChanged.emit(brush)

    def spray_radii(self) -> tuple[float, float]:
        """The spray's radius in data units along x and y: ``spray_radius`` pixels each."""
        pixel = self._view_box.viewPixelSize()
        return self.spray_radius * abs(pixel[0]), self.spray_radius * abs(pixel[1])

    def _place_spray_ring(self, scene_pos: QPointF) -> None:
        inside = self._view_box.sceneBoundingRect().contains(scene_pos)
        if self._brush != Brush.SPRAY or self.picking or not inside:
            self._spray_ring.hide()
            return
        where = self.to_view(scene_pos)
        rx, ry = self.spray_radii()
        self._spray_ring.setRect(QRectF(where.x() - rx, where.y() - ry, 2 * rx, 2 * ry))
        self._spray_ring.show()

    # --- the selection ---------------------------------------------------------------------
    def selected_indices(self) -> np.ndarray:
        """Indices (in the points drawn) of the selected points, in order."""
        return np.flatnonzero(self._selected)

    def selected_ids(self) -> np.ndarray:
        """The ids of the selected points: they name the same points after any edit."""
        return self._selected_ids.copy()

    def selected_count(self) -> int:
        return int(np.count_nonzero(self._selected))

    def select_indices(self, indices: np.ndarray, add: bool = False) -> None:
        """Select these points (``add``: as well as those already selected)."""
        ids = self._ids[np.asarray(indices, dtype=np.int64)]
        if add:
            ids = np.union1d(self._selected_ids, ids)
        self._update_selection(ids)

    def select_all(self) -> None:
        self._update_selection(self._ids)

    def clear_selection(self) -> None:
        self._update_selection(np.empty(0, dtype=np.int64))

    def select_rect(self, rect: QRectF, add: bool = False) -> None:
        """Select the points inside ``rect`` (data units); say how many and what next."""
        x, y = self._xy[:, 0], self._xy[:, 1]
        inside = (x >= rect.left()) & (x <= rect.right()) & (y >= rect.top()) & (
            y <= rect.bottom())
        self.select_indices(np.flatnonzero(inside), add)
        self._say_selected()

    def _say_selected(self) -> None:
        count = self.selected_count()
        if count == 1:
            self.hint.emit(self.tr(
                "1 point selected: drag it to move it; Delete, Alt+0 / Alt+1 to relabel, J "
                "to jitter"))
        elif count:
            self.hint.emit(self.tr(
                "{0} points selected: drag one to move them; Delete, Alt+0 / Alt+1 to "
                "relabel, J to jitter").format(count))
        else:
            self.hint.emit(self.tr("Nothing selected: drag a rectangle around points"))

    def _update_selection(self, ids: np.ndarray) -> None:
        """Select the points with these ids (those no longer there drop out) and draw them."""
        before = self.selected_count()
        self._selected = np.isin(self._ids, ids) if len(ids) else np.zeros(len(self._ids), bool)
        self._selected_ids = self._ids[self._selected] if len(ids) else self._ids[:0]
        self._selection_marks.setData(pos=self._xy[self._selected] if len(ids) else self._xy[:0])
        count = len(self._selected_ids)
        if count or before:
            self.selectionChanged.emit(count)

    def keyPressEvent(self, ev: QKeyEvent) -> None:  # noqa: N802 - Qt naming
        """Escape on the plot clears the selection. (It reaches the plot only when no window
        action wants it: dismissing the welcome or an error, ending picking, come first.)"""
        if ev.key() == Qt.Key.Key_Escape and self.selected_count():
            self.clear_selection()
            self.hint.emit(self.tr("Selection cleared"))
            ev.accept()
            return
        super().keyPressEvent(ev)

    # --- drags ---------------------------------------------------------------------------------
    def _start_drag(self, ev) -> str:
        """Decide what a drag does from where and with which button it starts. Picking wins
        over everything (it only pans); class brushes pan from empty space."""
        button = ev.button()
        if self.picking or button == Qt.MouseButton.MiddleButton:
            return _Drag.PAN
        pressed = ev.buttonDownScenePos(button)
        if self._brush == Brush.SPRAY:
            self._spray_label = self.spray_class if button == Qt.MouseButton.LeftButton else 0
            self._spray_button = button
            self._spray_at = self._spray_last = pressed
            self._puff(pressed, merge=False)
            self._spray_timer.start()
            return _Drag.SPRAY
        if button != Qt.MouseButton.LeftButton:
            return _Drag.PAN
        index = self.point_near(pressed)
        if index is None:
            return _Drag.BAND if self._brush == Brush.SELECT else _Drag.PAN
        self._first_move = True
        if self._brush == Brush.SELECT and not self._selected[index]:
            add = bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self.select_indices([index], add)
        if self._selected[index]:
            self._drag_indices = self.selected_indices()
            self._drag_origin = self._xy[self._drag_indices].copy()
            self._drag_start = self.to_view(pressed)
            return _Drag.SELECTION
        self._dragged_point = index
        return _Drag.POINT

    def _continue_drag(self, ev) -> None:
        drag = self._view_box._drag
        where = self.to_view(ev.scenePos())
        if drag == _Drag.POINT:
            self.pointMoved.emit(self._dragged_point, where.x(), where.y(), not self._first_move)
        elif drag == _Drag.SELECTION:
            shift = np.array([where.x() - self._drag_start.x(), where.y() - self._drag_start.y()])
            self.selectionMoved.emit(self._drag_indices, self._drag_origin + shift,
                                     not self._first_move)
            if ev.isFinish():
                self.hint.emit(self.tr("Moved {0} points: one undo step (Ctrl+Z)").format(
                    len(self._drag_indices)))
        elif drag == _Drag.SPRAY:
            self._spray_at = ev.scenePos()
            self._place_spray_ring(ev.scenePos())
            step = max(SPRAY_STEP * self.spray_radius, 3.0)
            travelled = self.mapFromScene(ev.scenePos()) - self.mapFromScene(self._spray_last)
            if np.hypot(travelled.x(), travelled.y()) >= step:
                self._spray_last = ev.scenePos()
                self._puff(ev.scenePos(), merge=True)
            if ev.isFinish():
                self._spray_timer.stop()
        self._first_move = False

    def _spray_held(self) -> None:
        """The spray is held still (or moves slowly): another puff where the cursor is."""
        if not QApplication.mouseButtons() & self._spray_button:
            self._spray_timer.stop()  # the release went elsewhere: the stroke is over
            return
        self._puff(self._spray_at, merge=True)

    def _puff(self, scene_pos: QPointF, merge: bool) -> None:
        where = self.to_view(scene_pos)
        self.sprayed.emit(where.x(), where.y(), *self.spray_radii(), self._spray_label, merge)

    # --- focus -------------------------------------------------------------------------------
    def mousePressEvent(self, ev: QMouseEvent) -> None:  # noqa: N802 - Qt naming
        """A press while a text field or number box has the keys only takes them (which
        commits the typed value, as leaving the box does): the user clicked to get the keys
        to the plot, not to add a point. Any other focus (a slider, a button, the plot) and
        the press goes on as a gesture, so clicking point after point never loses one."""
        focus = QApplication.focusWidget()
        self._focus_press = focus is not self and isinstance(focus, TEXT_ENTRY)
        self._after_focus_click = False
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if self._focus_press:
            ev.accept()
            self.hint.emit(self.tr("The plot has the keys now: click again to add a point"))
            return
        super().mousePressEvent(ev)

    def mouseMoveEvent(self, ev: QMouseEvent) -> None:  # noqa: N802 - Qt naming
        if not self._focus_press:
            super().mouseMoveEvent(ev)

    def mouseReleaseEvent(self, ev: QMouseEvent) -> None:  # noqa: N802 - Qt naming
        if self._focus_press:
            self._focus_press = False
            self._after_focus_click = True
            ev.accept()
            return
        super().mouseReleaseEvent(ev)

    def mouseDoubleClickEvent(self, ev: QMouseEvent) -> None:  # noqa: N802 - Qt naming
        """Clicking again soon after a focus-only click makes Qt report a double click, which
        adds nothing; it is the user's first real click, so it goes on as a press."""
        if self._after_focus_click:
            self._after_focus_click = False
            super().mousePressEvent(ev)
            return
        super().mouseDoubleClickEvent(ev)

    # --- rendering ---------------------------------------------------------------------------
    def show_points(self, snapshot: DataSnapshot, held_out: np.ndarray | None = None,
                    change: Change | None = None) -> None:
        """Draw the points; ``held_out`` (a mask over them, as core.split gives the trainer)
        marks the test points, drawn hollow and listed in the legend. ``change``: the one
        edit since the version drawn (``points_version()``), when the caller knows it: a
        small one is drawn by changing only the rows it touched, so a click, an undo or a
        drag step among 1,000,000 points costs a few milliseconds, not a pass over all."""
        if held_out is None or len(held_out) != len(snapshot.labels):
            held_out = np.zeros(len(snapshot.labels), dtype=bool)
        held_out = np.asarray(held_out, dtype=bool)
        if (change is None or change.kind != "update") and self._view_box.end_point_drag():
            # Rows came or went under a drag (Ctrl+Z while dragging): the row it moves may now
            # be another point, or none. A drag's own moves, and undoing them, are updates.
            self.hint.emit(self.tr("Drag ended: the points changed under it"))
        if change is None or not self._follow(change, snapshot, held_out):
            self._show_all_points(snapshot, held_out)
            change = None
        self._points_version = snapshot.version
        self._xy, self._labels, self._ids = snapshot.xy, snapshot.labels, snapshot.ids
        self._held_out = held_out
        self._update_selection(self._selected_ids)
        listed = bool(held_out.any())
        if listed != self._held_out_listed:
            self._held_out_listed = listed
            if listed:
                self._legend.addItem(self._held_out_sample, self._held_out_text)
            else:
                self._legend.removeItem(self._held_out_sample)
            self._legend_changed()
        self._redraw_wrong(change)

    def points_version(self) -> int:
        """The data set's version whose points are drawn (-1 when none is)."""
        return self._points_version

    def _groups(self, held_out: np.ndarray) -> list[tuple[PointCloud, int, bool | None]]:
        """Each item with the points it draws: (item, class, held out or not; None: either,
        when nothing is held out and the hollow items stay empty)."""
        if not held_out.any():
            return [(self._scatters[label], label, None) for label in (0, 1)]
        return [(items[label], label, held) for label in (0, 1)
                for items, held in ((self._scatters, False), (self._held_out_scatters, True))]

    def _show_all_points(self, snapshot: DataSnapshot, held_out: np.ndarray) -> None:
        groups = self._groups(held_out)
        if len(groups) == 2:  # no test split: the hollow items are empty
            for scatter in self._held_out_scatters.values():
                scatter.setData(pos=snapshot.xy[:0])
        for scatter, label, held in groups:
            chosen = snapshot.labels == label
            if held is not None:
                chosen &= held_out if held else ~held_out
            # (np.compress: six times faster than a boolean index at 1,000,000 points)
            scatter.setData(pos=np.compress(chosen, snapshot.xy, axis=0))

    def _follow(self, change: Change, snapshot: DataSnapshot, held_out: np.ndarray) -> bool:
        """Draw one edit of a few rows on top of what is drawn; False when it cannot be
        followed (not drawn from the version before, a relabel, too many rows, the test
        split's legend entry comes or goes)."""
        old_labels, old_held = self._labels, self._held_out
        if (self._points_version < 0 or change.size > _FOLLOWED_ROWS
                or snapshot.version != self._points_version + 1
                or len(old_held) != len(old_labels)
                or bool(held_out.any()) != bool(old_held.any())):
            return False
        if change.kind == "update":
            rows = change.indices
            if (len(snapshot.labels) != len(old_labels)
                    or not np.array_equal(snapshot.labels[rows], old_labels[rows])
                    or not np.array_equal(held_out[rows], old_held[rows])):
                return False  # a point changed class or set: it changes item
        for scatter, label, held in self._groups(held_out):
            if change.kind == "update":
                rows = change.indices
                ours = rows[_members(snapshot.labels[rows], held_out[rows], label, held)]
                if len(ours):  # each row's place among its item's points
                    places = np.searchsorted(
                        np.flatnonzero(_members(old_labels, old_held, label, held)), ours)
                    scatter.put(places, snapshot.xy[ours])
                continue
            start, stop = change.index, change.index + change.count
            place = int(np.count_nonzero(
                _members(old_labels[:start], old_held[:start], label, held)))
            if change.kind == "insert":
                new = _members(snapshot.labels[start:stop], held_out[start:stop], label, held)
                if new.any():
                    scatter.splice(place, place, snapshot.xy[start:stop][new])
            else:  # "delete"
                gone = int(np.count_nonzero(
                    _members(old_labels[start:stop], old_held[start:stop], label, held)))
                if gone:
                    scatter.splice(place, place + gone, np.empty((0, 2)))
        return True

    def held_out(self) -> np.ndarray:
        """The mask of held-out points as drawn (hollow)."""
        return self._held_out

    def _held_out_visibility(self) -> None:
        for scatter in self._held_out_scatters.values():
            scatter.setVisible(self._held_out_sample.isVisible())

    def show_model(self, stats: EpochStats | None) -> None:
        self._stats = stats
        self._redraw_model()
        if self._reference is not None and self._label_reference():
            self._legend_changed()  # the neuron's accuracy beside the reference's changed
        if self.readout.isVisible():  # the model moved under a still cursor: read it again
            self._hovered(self._hover_pos)

    def show_reference(self, line: tuple[float, float, float] | None, accuracy: float = 0.0,
                       name: str = "") -> None:
        """Draw (or hide, with None) scikit-learn's boundary for the same points; the legend
        names the model (``name``, e.g. "LogisticRegression (C=1)") and its accuracy beside
        the neuron's."""
        had = self._reference is not None
        self._reference = line
        self._reference_figures = (name or self._reference_text, accuracy)
        if line is not None and not had:
            self._legend.addItem(self._reference_line, self._reference_text)
        elif line is None and had:
            self._legend.removeItem(self._reference_line)
        if line is not None:
            self._label_reference()
        self._legend_changed()
        self._set_line(self._reference_line, line, *self.view_range())

    def reference_line(self) -> tuple[np.ndarray, np.ndarray]:
        return self._reference_line.getData()

    def reference_label(self) -> str:
        """The reference's legend entry as plain text, on one line ("" while there is none)."""
        label = self._legend.getLabel(self._reference_line)
        if label is None or self._reference is None:
            return ""
        text = label.text.replace("<br>", " ").replace("\u2007", "")
        return re.sub(r"<[^>]+>", "", text)

    def _label_reference(self) -> bool:
        """Name the reference and its accuracy, and the neuron's (predict's) beside it; True
        when the text changed."""
        label = self._legend.getLabel(self._reference_line)
        if label is None:
            return False
        name, accuracy = self._reference_figures
        # Two lines: the legend's widest entry sets the plot's minimum width.
        figures = self.tr("{0}%").format(_percent(accuracy))
        neuron = self._stats.eval_accuracy if self._stats is not None else None
        if neuron is not None and np.isfinite(neuron):
            figures = self.tr("{0}% (neuron {1}%)").format(_percent(accuracy), _percent(neuron))
        text = f"{name}:<br><span style='white-space:pre'>\u2007{figures}</span>"
        if text == label.text:
            return False
        label.setText(text)
        return True

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
        if self.picking:
            # Any button, with or without Ctrl, under any brush: while picking a click only
            # names a place, it never adds or removes a point.
            index = self.point_near(event.scenePos())
            if index is not None:  # on a point: its coordinates exactly, not the pixel's
                x, y = (float(v) for v in self._xy[index])
            self.pointPicked.emit(x, y)
        elif button == Qt.MouseButton.LeftButton and (ctrl or self.brush == Brush.ERASE):
            # By index, measured in pixels: with stretched axes the nearest point in data
            # units can be far away on screen.
            index = self.point_near(event.scenePos(), ERASE_PIXELS)
            if index is None:
                self.hint.emit(self.tr("No point near the click to remove"))
            else:
                self.pointRemoved.emit(index)
        elif self._brush == Brush.SELECT:
            if button != Qt.MouseButton.LeftButton:
                return
            self._click_select(event)
        elif self._brush == Brush.SPRAY and button in (Qt.MouseButton.LeftButton,
                                                      Qt.MouseButton.RightButton):
            # A click is one puff (a drag, a stroke of puffs): each its own undo step.
            self._spray_label = self.spray_class if button == Qt.MouseButton.LeftButton else 0
            self._puff(event.scenePos(), merge=False)
        elif button == Qt.MouseButton.LeftButton:
            self.pointAdded.emit(x, y, 0 if self._brush == Brush.CLASS0 else 1)
        elif button == Qt.MouseButton.RightButton:
            self.pointAdded.emit(x, y, 0)
        else:
            return
        event.accept()

    def _click_select(self, event) -> None:
        """With the Select brush a click selects the point under it (Shift: adds it, or
        takes it out again); on empty space it clears the selection. It never adds a point."""
        index = self.point_near(event.scenePos())
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if index is None:
            if not shift:
                self.clear_selection()
        elif shift and self._selected[index]:
            self._update_selection(np.setdiff1d(self._selected_ids, self._ids[[index]]))
        else:
            self.select_indices([index], add=shift)
        self._say_selected()

    def _redraw_model(self) -> None:
        stats = self._stats
        x_range, y_range = self.view_range()
        self._set_line(self._reference_line, self._reference, x_range, y_range)
        if stats is None:
            self._image.clear()
            self._line.setData([], [])
            self._train_line.setData([], [])
            self._redraw_wrong()  # no rings, no count
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

    def _redraw_wrong(self, change: Change | None = None) -> None:
        """Ring the misclassified points and count them in the legend, per set when some
        points are held out.

        Past MAX_RINGS the rings would cover the plot and cost a frame each to draw, so only
        the count is shown. Nothing is done when neither the points nor the line changed
        since last time (a re-evaluation after an edit reports the same line again), and
        ``change``, the one edit since the points last ringed, is followed row by row: at
        1,000,000 points a pass over all of them costs milliseconds a user waits for."""
        line = self._stats.line if self._stats is not None else None
        drawn = self._wrong_drawn_for
        if (drawn is not None and drawn[0] is self._xy and drawn[1] is self._held_out
                and drawn[2] == line):
            return
        follows = (change is not None and drawn is not None and drawn[2] == line
                   and len(self._wrong_mask) == len(drawn[0]))
        self._wrong_drawn_for = (self._xy, self._held_out, line)
        self._wrong_mask = wrong = self._wrong_points(change if follows else None)
        count = int(np.count_nonzero(wrong))
        ringed = self._xy[np.flatnonzero(wrong)] if count <= MAX_RINGS else self._xy[:0]
        self._wrong.setData(pos=ringed)
        text = self.tr("misclassified by predict:")
        if self._stats is None:  # no model yet (TensorFlow loading): nothing is counted
            text += " \u2013"
        elif self._held_out_listed:
            held = self._held_out
            # Padding at the start of a line would be dropped as HTML whitespace but for "pre".
            in_held = int(np.count_nonzero(wrong & held))
            counts = self.tr("{0} of {1} training, {2} of {3} held out").format(
                *_count(count - in_held, len(held) - int(np.count_nonzero(held))),
                *_count(in_held, int(np.count_nonzero(held))))
            text += f"<br><span style='white-space:pre'>{counts}</span>"
        else:
            text += " " + self.tr("{0} of {1}").format(*_count(count, len(wrong)))
        if count > MAX_RINGS:
            text += self.tr(" (too many to ring)")
        label = self._legend.getLabel(self._wrong)
        if label is not None and label.text != text:
            label.setText(text)
            self._legend_changed(settle=False)

    def _wrong_points(self, change: Change | None) -> np.ndarray:
        """Which points the line misclassifies: all computed afresh, or the mask as last
        ringed with ``change`` (one edit, the line the same) applied to it."""
        if self._stats is None or not len(self._xy):
            return np.zeros(len(self._xy), dtype=bool)
        line = self._stats.line

        def wrong_at(rows: np.ndarray | slice) -> np.ndarray:
            return (logit(line, self._xy[rows]) > 0) != (self._labels[rows] == 1)

        if change is None:
            return wrong_at(slice(None))
        wrong = self._wrong_mask
        if change.kind == "insert":
            start = change.index
            return np.insert(wrong, start, wrong_at(slice(start, start + change.count)))
        if change.kind == "delete":
            return np.delete(wrong, slice(change.index, change.index + change.count))
        wrong = wrong.copy()
        wrong[change.indices] = wrong_at(change.indices)
        return wrong


def _members(labels: np.ndarray, held_out: np.ndarray, label: int,
             held: bool | None) -> np.ndarray:
    """Which of these rows one item draws: its class, and held out or not (None: either)."""
    mine = labels == label
    return mine if held is None else mine & (held_out == held)


def _count(wrong: int, total: int) -> tuple[str, int]:
    """How many of a set of ``total`` are wrong, padded to the digits of the set's size with
    figure spaces (a digit's width): the legend keeps its width while the count changes every
    frame, so the plot's minimum width, and with it the window's layout, stays put."""
    digits = len(str(total))
    return f"{wrong:{digits}d}".replace(" ", "\u2007"), total


def _percent(value: float) -> str:
    """100 or 83.6: whole percents without a decimal, so the legend stays short."""
    text = f"{100 * value:.1f}"
    return text[:-2] if text.endswith(".0") else text
