"""The Predict tab: the question's ``model.predict(predict_data)``, asked of the live model.

Rows of (x, y) that the user types, adds, or picks by clicking the plot; beside each, the
number the real ``keras_model.predict`` returns (as Keras prints it), the class ``predict >
0.5`` gives, and the label when the row is a data point. The question's author read
``[[0.4975], [0.5162], [0.7745], [0.7745]]`` as classes: here the number, its class and the
truth stand side by side. The Keras call runs on the trainer's thread (``bridge.ask``, see
``core.predict``); this module only renders and forwards intent.

Why throttled and one at a time: ``predict`` costs tens of milliseconds of the training
thread (Keras builds a data pipeline per call), so while the model trains the panel asks
at most four times a second, only while it is visible, and never before the last answer came.
"""

from __future__ import annotations

import math
import sys
from concurrent.futures import Future
from functools import partial

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtGui import QBrush, QColor, QFontDatabase, QKeySequence, QShortcut
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.predict import (
    MAX_COORDINATE,
    MAX_ROWS,
    QUESTION_ROWS,
    QUESTION_SCENARIOS,
    PredictRow,
    code_text,
    format_coordinate,
    keras_text,
    labels_at,
    parse_coordinate,
    predict_rows,
    predicted_class,
    row_text,
    within_limit,
)
from core.record import EpochBatch
from gui import style
from gui.actions import keep_focus_off
from gui.throttle import Throttle

ASK_MS = 250  # at most 4 questions a second to the training thread
X, Y, OUTPUT, CLASS, LABEL = range(5)
MARK_SIZE = 17  # wider than a point (9), so its arms show around one


def live_prediction(neuron, trainer, xy: tuple[tuple[float, float], ...]):
    """On the training thread: the epoch the live model is at, the rows asked about, and
    ``model.predict`` on them. The epoch is read there, so it is the one the output is of."""
    return trainer.epoch, xy, predict_rows(neuron, np.array(xy, dtype=np.float64).reshape(-1, 2))


class _RowMarks(pg.ScatterPlotItem):
    """Crosses at the rows' places. Clicks pass to the plot (a cross on a point must not hide
    the point from a pick, and the plot decides what a click means)."""

    def mouseClickEvent(self, ev):  # noqa: N802 - pyqtgraph naming
        ev.ignore()


class PredictPanel(QWidget):
    def __init__(self, window) -> None:
        super().__init__()
        self._window = window
        self._bridge = window.bridge
        self._plot = window.plot
        self._rows: list[tuple[float, float]] = []
        self._known: dict[tuple[float, float], float] = {}  # the last answer, by place
        self._epoch: int | None = None  # the live model's epoch the last answer is of
        self._future: Future | None = None
        self._stale = True  # the model or the rows changed since the last question
        self._data_version = -1  # of the labels shown
        self._labels: dict[tuple[float, float], tuple[tuple[int, ...], int]] = {}
        self._points = (np.zeros((0, 2)), np.zeros(0, dtype=np.int8))
        self._labels_queued = False
        self._closed = False
        self._throttle = Throttle(ASK_MS, self._refresh, self)
        self._build()

        self._marks = _RowMarks(size=MARK_SIZE, symbol="x", pen=pg.mkPen("#111111", width=1),
                                brush=pg.mkBrush("#111111"))
        # Under the points (z 10, 11): a row on a point shows the point, the cross around it
        self._marks.setZValue(5)
        self._marks.setVisible(False)
        self._plot.addItem(self._marks)
        self._plot.pointPicked.connect(self._picked)
        self._escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), window)
        self._escape.setEnabled(False)
        self._escape.activated.connect(lambda: self.pick.setChecked(False))
        # Escape also dismisses the welcome: when both want it, picking still ends.
        self._escape.activatedAmbiguously.connect(lambda: self.pick.setChecked(False))
        self._bridge.epochsReady.connect(self._epochs_arrived)
        window.timeline.cursorChanged.connect(lambda _epoch: self._show_note())
        window.scenarioApplied.connect(self._scenario_applied)
        window.dataset.subscribe(self._data_changed)
        window.files.loaded.connect(self._points_loaded)
        self._sync_table()
        self._points_loaded()

    def _build(self) -> None:
        tr = self.tr
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [tr("x"), tr("y"), tr("model.predict"), tr("class (> 0.5)"), tr("label")])
        header = self.table.horizontalHeader()
        for column in (X, Y):  # the numbers predict gives are never cut short; places may be
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        for column in (OUTPUT, CLASS, LABEL):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.itemChanged.connect(self._cell_edited)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)  # not while a cell is edited
        delete.activated.connect(self.remove_rows)
        self.table.setToolTip(tr("Double-click x or y to type a place (marked × on the plot). "
                                 "model.predict returns P(class 1), a probability; the class "
                                 "is predict > 0.5."))

        self.add = QPushButton(tr("Add row"))
        self.add.setToolTip(tr("A new row to type in (a copy of the selected or last row)"))
        self.add.clicked.connect(self.add_row)
        self.remove = QPushButton(tr("Remove row"))
        self.remove.setToolTip(tr("Remove the selected rows (the last one if none is); "
                                  "Delete in the table"))
        self.remove.clicked.connect(self.remove_rows)
        self.clear = QPushButton(tr("Clear"))
        self.clear.setToolTip(tr("Remove every row"))
        self.clear.clicked.connect(lambda: self.set_rows(()))
        self.pick = QPushButton(tr("Pick on plot"))
        self.pick.setCheckable(True)
        self.pick.setToolTip(tr("While on, a click on the plot adds a row there (on a "
                                "point: its exact coordinates) and adds or removes no point. "
                                "Escape ends."))
        self.pick.toggled.connect(self._pick_toggled)
        buttons = QHBoxLayout()
        for button in (self.add, self.remove, self.clear, self.pick):
            keep_focus_off(button)  # Space stays Train / pause after a click
            buttons.addWidget(button)

        self.code = QPlainTextEdit()
        self.code.setReadOnly(True)
        self.code.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.code.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.code.setToolTip(tr("The question's code for these rows, and what it prints"))
        self.copy = QPushButton(tr("Copy code"))
        self.copy.setToolTip(tr("Copy the two lines of Python, to run after your model's code"))
        self.copy.clicked.connect(
            lambda: QApplication.clipboard().setText(code_text(np.array(self._rows))))
        keep_focus_off(self.copy)

        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 3)
        layout.addLayout(buttons)
        layout.addWidget(self.code, 2)
        layout.addWidget(self.copy, 0, Qt.AlignmentFlag.AlignRight)

    # --- rows -----------------------------------------------------------------------------------
    def rows(self) -> list[tuple[float, float]]:
        return list(self._rows)

    def set_rows(self, rows) -> None:
        """Replace every row (the question's four, or none)."""
        self._rows = [(float(x), float(y)) for x, y in list(rows)[:MAX_ROWS]]
        self._rows_changed()

    def add_row(self) -> None:
        """A row to type in: a copy of the selected row, else of the last, else (0, 0)."""
        if not self._room():
            return
        selected = self._selected()
        source = (self._rows[selected[-1]] if selected
                  else self._rows[-1] if self._rows else (0.0, 0.0))
        self._rows.append(source)
        self._rows_changed()
        item = self.table.item(len(self._rows) - 1, X)
        self.table.setCurrentItem(item)
        self.table.editItem(item)

    def remove_rows(self) -> None:
        chosen = self._selected() or ([len(self._rows) - 1] if self._rows else [])
        for index in reversed(chosen):
            del self._rows[index]
        if chosen:
            self._rows_changed()

    def _selected(self) -> list[int]:
        return sorted({index.row() for index in self.table.selectionModel().selectedRows()
                       if index.row() < len(self._rows)})

    def _room(self) -> bool:
        if len(self._rows) < MAX_ROWS:
            return True
        self._window.status.message(self.tr("At most {0} rows").format(MAX_ROWS), 4000)
        return False

    def _picked(self, x: float, y: float) -> None:
        """A click in pick mode: a data point's coordinates as they are; a place rounded to
        the decimals a pixel resolves (0.499 rather than 0.49917…: the same place to within
        a pixel, and a row that reads and copies like a typed one)."""
        if not self._room():
            return
        if not labels_at(x, y, *self._current_points())[1]:
            pixel = max(abs(v) for v in self._plot.getViewBox().viewPixelSize())
            decimals = max(0, math.ceil(-math.log10(pixel))) if pixel > 0 else 6
            x, y = round(x, decimals) + 0.0, round(y, decimals) + 0.0  # + 0.0: no "-0.0"
        self._rows.append((x, y))
        self._rows_changed()
        self.table.scrollToBottom()
        self._window.status.message(self.tr("Row added at ({0}, {1}); Escape ends picking")
                                    .format(f"{x:.4g}", f"{y:.4g}"), 4000)

    def _cell_edited(self, item: QTableWidgetItem) -> None:
        row, column = item.row(), item.column()
        if column not in (X, Y) or row >= len(self._rows):
            return
        value = parse_coordinate(item.text())
        old = self._rows[row][column]
        if value is None or not within_limit(value):
            message = (self.tr("\"{0}\" is not a number: {1} stays {2}") if value is None
                       else self.tr("\"{0}\" is too far out (at most {3:,.0f} either way): "
                                    "{1} stays {2}"))
            self._window.status.message(message.format(
                item.text(), "xy"[column], format_coordinate(old), MAX_COORDINATE), 6000)
            self._set_text(row, column, format_coordinate(old))
            return
        place = list(self._rows[row])
        place[column] = value
        self._rows[row] = (place[0], place[1])
        self._rows_changed()

    def _rows_changed(self) -> None:
        self._stale = True
        self._sync_table()
        self._throttle.request()

    # --- the live model ---------------------------------------------------------------------------
    def _epochs_arrived(self, _batches: list[EpochBatch]) -> None:
        self._stale = True
        if self.isVisible():
            self._throttle.request()

    def _data_changed(self) -> None:
        """Called under the data set's lock: only schedule (labels follow the points)."""
        if not self._labels_queued:
            self._labels_queued = True
            QTimer.singleShot(0, self._refresh_labels)

    def _refresh_labels(self) -> None:
        self._labels_queued = False
        if not self._closed and self.isVisible():
            self._show_outputs()

    def _refresh(self) -> None:
        """Ask the live model about the rows, unless it is busy answering or nobody sees."""
        if self._closed or not self.isVisible() or not self._stale:
            return
        if self._future is not None and not self._future.done():
            return  # the answer re-requests
        if not self._rows:
            self._stale = False
            self._known = {}
            self._show_outputs()
            return
        self._stale = False
        rows = tuple(self._rows)
        self._future = self._bridge.ask(
            partial(live_prediction, trainer=self._bridge.trainer, xy=rows), self._answered)

    def _answered(self, answer, error: BaseException | None) -> None:
        if self._closed:
            return
        if error is not None:  # a bug, not the user's: say it in one line, keep the app going
            print(f"neuron-lab: model.predict failed: {error!r}", file=sys.stderr)
            self._window.status.message(
                self.tr("model.predict failed: {0}").format(str(error) or type(error).__name__),
                8000)
        else:
            epoch, rows, outputs = answer
            self._epoch = int(epoch)
            self._known = {row: float(v) for row, v in zip(rows, np.asarray(outputs)[:, 0])}
            self._show_outputs()
        if self._stale:
            self._throttle.request()

    # --- rendering -----------------------------------------------------------------------------
    def described(self) -> list[PredictRow]:
        """The rows as shown: predict's output where known, the class, the labels.

        A row's labels are looked up once per version of the points (a pass over all of
        them, ~1 ms at 100,000), not at every answer."""
        data = self._current_points()
        rows = []
        for place in self._rows:
            if place not in self._labels:
                self._labels[place] = labels_at(*place, *data)
            labels, points = self._labels[place]
            output = self._known.get(place)
            rows.append(PredictRow(*place, output,
                                   None if output is None else predicted_class(output),
                                   labels, points))
        return rows

    def _current_points(self) -> tuple[np.ndarray, np.ndarray]:
        """The data's points and labels, copied once per version of the data set."""
        dataset = self._window.dataset
        if dataset.version != self._data_version:
            snapshot = dataset.snapshot()
            self._points = (snapshot.xy, snapshot.labels)
            self._labels, self._data_version = {}, snapshot.version
        return self._points

    def _sync_table(self) -> None:
        """Rows added, removed or edited: rebuild the table (only then: an open editor would
        close), the marks and the outputs."""
        self.table.blockSignals(True)
        self.table.setRowCount(len(self._rows))
        for row, (x, y) in enumerate(self._rows):
            for column, value in ((X, x), (Y, y)):
                self._set_text(row, column, format_coordinate(value), editable=True)
            for column in (OUTPUT, CLASS, LABEL):
                self._set_text(row, column, "")
        self.table.blockSignals(False)
        self.remove.setEnabled(bool(self._rows))
        self.clear.setEnabled(bool(self._rows))
        xy = np.array(self._rows).reshape(-1, 2)
        self._marks.setData(x=xy[:, 0], y=xy[:, 1])
        self._show_outputs()

    def _set_text(self, row: int, column: int, text: str, editable: bool = False,
                  tip: str = "", color: str | None = None) -> None:
        item = self.table.item(row, column)
        blocked = self.table.blockSignals(True)
        if item is None:
            item = QTableWidgetItem()
            flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
            if editable:
                flags |= Qt.ItemFlag.ItemIsEditable
            item.setFlags(flags)
            self.table.setItem(row, column, item)
        if item.text() != text:
            item.setText(text)
        item.setToolTip(tip)
        item.setForeground(QBrush(QColor(color)) if color else QBrush())
        self.table.blockSignals(blocked)

    def _show_outputs(self) -> None:
        """The output, class and label columns, the code and its printout, the note."""
        tr = self.tr
        described = self.described()
        for index, row in enumerate(described):
            if row.output is None:
                self._set_text(index, OUTPUT, "…", tip=tr("Asking the model"))
                self._set_text(index, CLASS, "")
            else:
                self._set_text(index, OUTPUT, row_text(row.output), tip=tr(
                    "P(class 1) = {0:.4f}: a probability, not a class").format(row.output))
                wrong = row.label is not None and row.label != row.predicted
                self._set_text(index, CLASS, str(row.predicted),
                               tip=tr("This point's label is {0}: predict gets it wrong")
                               .format(row.label) if wrong else "",
                               color=style.MISCLASSIFIED_COLOR if wrong else None)
            if not row.labels:
                self._set_text(index, LABEL, "—", tip=tr("Not a data point"))
            elif len(row.labels) == 1:
                label = str(row.labels[0])
                if row.points > 1:
                    label = tr("{0} ({1} points)").format(label, row.points)
                self._set_text(index, LABEL, label)
            else:
                self._set_text(index, LABEL, tr("0 and 1 ({0} points)").format(row.points),
                               tip=tr("Points of both classes lie here: no line can get "
                                      "them all right"))
        code = code_text(np.array(self._rows).reshape(-1, 2)) if self._rows else ""
        if described and all(row.output is not None for row in described):
            code += "\n" + keras_text(np.array([[row.output] for row in described], np.float32))
        if self.code.toPlainText() != code:
            self.code.setPlainText(code)
        self.copy.setEnabled(bool(self._rows))
        self._show_note()

    def _show_note(self) -> None:
        tr = self.tr
        if not self._rows:
            text = tr("Add rows, type them, or pick them on the plot: each shows what "
                      "model.predict returns there.")
        elif self._epoch is None:
            text = tr("Asking the model…")
        else:
            text = tr("model.predict is the live model (epoch {0}). It returns P(class 1); "
                      "the class is predict > 0.5.").format(self._epoch)
            shown = self._window.timeline.cursor
            if shown is not None and shown != self._epoch:
                text = tr("The plot shows epoch {0}, looking back; model.predict is the live "
                          "model (epoch {1}).").format(shown, self._epoch)
        if self.note.text() != text:
            self.note.setText(text)

    # --- picking, visibility, teardown ---------------------------------------------------------
    def _pick_toggled(self, on: bool) -> None:
        self._plot.picking = on
        self._escape.setEnabled(on)
        if on:
            self._plot.viewport().setCursor(Qt.CursorShape.CrossCursor)
            self._window.status.message(
                self.tr("Click on the plot to add a predict row (on a point: its coordinates); "
                        "Escape ends"), 6000)
        else:
            self._plot.viewport().unsetCursor()
            if not self._closed:  # the picking hint must not outlive picking (a tab switch)
                self._window.status.message(
                    self.tr("Picking ended: a click on the plot adds a point again"), 3000)

    def _points_loaded(self) -> None:
        """The question's points came (at launch or as a preset): offer its predict_data,
        unless the user has rows of their own."""
        if self._window.document.preset == "seed-4" and not self._rows:
            self.set_rows(QUESTION_ROWS)

    def _scenario_applied(self, scenario) -> None:
        if scenario.name in QUESTION_SCENARIOS:  # the question predicted these four rows
            self.set_rows(QUESTION_ROWS)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        self._marks.setVisible(True)
        self._stale = True
        self._show_outputs()
        self._throttle.request()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt naming
        """Another tab: no marks on the plot and no picking (its toggle is out of sight)."""
        super().hideEvent(event)
        self._marks.setVisible(False)
        self.pick.setChecked(False)

    def close_panel(self) -> None:
        """The window closes: no more questions, no answer lands on a closed panel."""
        self._closed = True
        self.pick.setChecked(False)
        self._window.dataset.unsubscribe(self._data_changed)
        if self._future is not None:
            self._future.cancel()
