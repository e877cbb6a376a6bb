"""Making data by hand (issue 11, as Orange's Paint Data does): the spray's size, the actions
on a selection (delete, relabel, jitter, select all or none) and the wiring from the plot's
painting gestures to the data set's batch edits.

Kept out of the main window so it stays a few lines there. Every gesture here is one undo
step (the data set's ``add_many``/``remove_many``/``move_many``/``relabel``), and says in the
status bar what it did, so nothing happens silently and nothing is lost for good.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PyQt6.QtCore import QEvent, QObject, QPointF, QRectF, Qt
from PyQt6.QtGui import QAction, QColor, QIcon, QPainter, QPen, QPixmap
from PyQt6.QtWidgets import (
    QHBoxLayout,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from core.painting import (
    DEFAULT_DENSITY,
    DEFAULT_JITTER,
    DEFAULT_RADIUS_PIXELS,
    jitter,
    spray,
    spread,
)
from gui import style
from gui.actions import keep_focus_off, keep_keys_in, window_action
from gui.plot_view import SELECTION_COLOR, Brush

if TYPE_CHECKING:
    from gui.main_window import MainWindow

RADIUS_RANGE = (3, 300)  # pixels
DENSITY_RANGE = (1, 100)  # points per puff


def spray_icon(label: int, size: int = 16) -> QIcon:
    """A puff of the class's colour in a dashed circle: the Spray brush and its class."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("#444444"), 1, Qt.PenStyle.DotLine))
    painter.drawEllipse(QRectF(1, 1, size - 2, size - 2))
    painter.setPen(QPen(QColor("#222222"), 0.6))
    painter.setBrush(QColor(style.CLASS_COLORS[label]))
    for x, y in ((0.5, 0.3), (0.3, 0.55), (0.68, 0.62), (0.45, 0.78), (0.25, 0.3)):
        painter.drawEllipse(QPointF(x * size, y * size), size / 9, size / 9)
    painter.end()
    return QIcon(pixmap)


def select_icon(size: int = 16) -> QIcon:
    """A dashed rectangle, as the selection band is drawn."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setPen(QPen(QColor(SELECTION_COLOR), 1.5, Qt.PenStyle.DashLine))
    painter.drawRect(QRectF(2, 3, size - 4, size - 6))
    painter.end()
    return QIcon(pixmap)


class _SpaceTrains(QObject):
    """Space typed into a number box trains, as everywhere else. ``keep_keys_in`` lets Space
    go on to the box, but the box hands it to its line edit, which claims it (a printable
    key); a number box has no use for Space, so it is refused before it gets there."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if (event.type() == QEvent.Type.ShortcutOverride and event.key() == Qt.Key.Key_Space
                and not event.modifiers()):
            event.ignore()
            return True  # not accepted: the window's Space shortcut runs
        return False


class SprayControl(QWidget):
    """The spray's radius (screen pixels) and density (points per puff), in the toolbar.

    Number boxes keep the digits typed into them, but never Space: a user who has just set
    the radius presses Space to train."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(3)
        self.radius = QSpinBox()
        self.radius.setRange(*RADIUS_RANGE)
        self.radius.setValue(DEFAULT_RADIUS_PIXELS)
        self.radius.setSuffix(self.tr("px"))
        self.radius.setToolTip(self.tr("The spray's radius on screen, in pixels (the dashed "
                                       "circle around the cursor)"))
        self.density = QSpinBox()
        self.density.setRange(*DENSITY_RANGE)
        self.density.setValue(DEFAULT_DENSITY)
        self.density.setSuffix(self.tr("pts"))
        self.density.setToolTip(self.tr("Points the spray adds at each puff: a puff every "
                                        "half radius the cursor moves, and while it is held "
                                        "still"))
        self._space = _SpaceTrains(self)
        for box in (self.radius, self.density):
            box.setAccelerated(True)
            keep_keys_in(box)
            box.installEventFilter(self._space)  # after keep_keys_in's: asked first
        layout.addWidget(self.radius)
        layout.addWidget(self.density)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)


class PaintActions(QObject):
    """The painting actions of one window, and what they do to its data set."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._plot = window.plot
        self._dataset = window.dataset
        self._puffs = 0  # seeds: the n-th puff and the n-th jitter are the same every run
        self._jitters = 0
        self._stroke = 0  # points the current spray stroke has added
        tr = self.tr
        make = window_action
        self.delete_action = make(window, tr("Delete selected"), ["Del", "Backspace"],
                                  self.delete_selected, tr("Remove the selected points"))
        self.class1_action = make(window, tr("Selected to class 1"), "Alt+1",
                                  lambda: self.relabel_selected(1),
                                  tr("Make the selected points class 1"))
        self.class0_action = make(window, tr("Selected to class 0"), "Alt+0",
                                  lambda: self.relabel_selected(0),
                                  tr("Make the selected points class 0"))
        self.select_all_action = make(window, tr("Select all"), "Ctrl+A", self.select_all,
                                      tr("Select every point"))
        self.select_none_action = make(window, tr("Select none"), ["Ctrl+Shift+A"],
                                       self.select_none,
                                       tr("Clear the selection (also Escape on the plot)"))
        # The selection's keys belong to the plot: Delete in the Predict table removes its
        # rows, Ctrl+A in a text box selects its text.
        for action in (self.delete_action, self.class1_action, self.class0_action,
                       self.select_all_action, self.select_none_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            self._plot.addAction(action)
        self.jitter_action = make(window, tr("Jitter"), "J", self.jitter,
                                  tr("Add a little noise to the selected points, or to all "
                                     "points when none is selected"))
        self.spray_control = SprayControl()
        for box in (self.spray_control.radius, self.spray_control.density):
            # Enter sets the value and hands the keys back to the plot: the next key (M, J,
            # 1) is a painting key again and the next click paints, not only takes the focus.
            box.lineEdit().returnPressed.connect(window.plot.setFocus)
        self.spray_control.radius.valueChanged.connect(self._radius_changed)
        # In the toolbar as an action, beside the brushes; shown only with the Spray brush,
        # as a paint program shows a tool's options (the toolbar is full at 1280 pixels).
        self.spray_size = QWidgetAction(window)
        self.spray_size.setDefaultWidget(self.spray_control)
        self.spray_size.setVisible(False)
        self.menu_actions: tuple[QAction, ...] = (
            self.select_all_action, self.select_none_action, self.delete_action,
            self.class1_action, self.class0_action, self.jitter_action)
        self._plot.sprayed.connect(self._sprayed)
        self._plot.selectionMoved.connect(self._selection_moved)
        self._plot.selectionChanged.connect(self._selection_changed)
        self._plot.brushChanged.connect(self._brush_changed)
        self._brush_actions: dict[str, QAction] = {}
        self._selection_changed(0)

    def decorate(self, brush_actions: dict[str, QAction]) -> None:
        """Give the Spray and Select brushes their icons (Spray's shows the class it adds)
        and their toolbar buttons, ``tools``."""
        self._brush_actions = brush_actions
        brush_actions[Brush.SELECT].setIcon(select_icon())
        self._show_spray_class()
        # Icons only (the tooltip names them and their keys): the toolbar was full at 1280
        # pixels before these two brushes came.
        tools = QWidget()
        layout = QHBoxLayout(tools)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        for brush in (Brush.SPRAY, Brush.SELECT):
            button = QToolButton()
            button.setDefaultAction(brush_actions[brush])
            button.setAutoRaise(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
            keep_focus_off(button)
            layout.addWidget(button)
        tools.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.tools = QWidgetAction(self._window)
        self.tools.setDefaultWidget(tools)

    # --- spray ---------------------------------------------------------------------------------
    def spray_settings(self) -> tuple[int, int]:
        """(radius in pixels, points per puff)."""
        return self.spray_control.radius.value(), self.spray_control.density.value()

    def set_spray_settings(self, radius: int, density: int) -> None:
        """Out-of-range values are clamped by the boxes (a remembered value may be old)."""
        self.spray_control.radius.setValue(int(radius))
        self.spray_control.density.setValue(int(density))

    def _radius_changed(self, radius: int) -> None:
        self._plot.spray_radius = radius

    def _brush_changed(self, brush: str) -> None:
        self.spray_size.setVisible(brush == Brush.SPRAY)
        self._show_spray_class()

    def _show_spray_class(self) -> None:
        action = self._brush_actions.get(Brush.SPRAY)
        if action is not None:
            action.setIcon(spray_icon(self._plot.spray_class))

    def _sprayed(self, x: float, y: float, rx: float, ry: float, label: int,
                 merge: bool) -> None:
        self._puffs += 1
        xy = spray(x, y, (rx, ry), self.spray_control.density.value(), seed=self._puffs)
        self._dataset.add_many(xy, label, merge=merge)
        self._stroke = (self._stroke if merge else 0) + len(xy)
        self._plot.hint.emit(self.tr("Sprayed {0} class-{1} points: one undo step "
                                     "(Ctrl+Z)").format(self._stroke, label))

    # --- the selection -------------------------------------------------------------------------
    def _selected_now(self) -> np.ndarray:
        """Indices of the selected points in the data set as it is now (the plot may not
        have redrawn the latest edit yet, so map its ids, not its indices)."""
        ids = self._plot.selected_ids()
        if not len(ids):
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(np.isin(self._dataset.snapshot().ids, ids))

    def _selection_changed(self, count: int) -> None:
        for action in (self.delete_action, self.class1_action, self.class0_action,
                       self.select_none_action):
            action.setEnabled(count > 0)

    def _selection_moved(self, indices: np.ndarray, xy: np.ndarray, merge: bool) -> None:
        self._dataset.move_many(indices, xy, merge=merge)

    def select_all(self) -> None:
        self._window._render_queued_points()  # select what the data set holds now
        self._plot.select_all()
        self._plot._say_selected()

    def select_none(self) -> None:
        self._plot.clear_selection()
        self._plot.hint.emit(self.tr("Selection cleared"))

    def delete_selected(self) -> None:
        indices = self._selected_now()
        if not len(indices):
            return
        self._dataset.remove_many(indices)
        self._plot.hint.emit(self.tr("Deleted {0} points (Ctrl+Z brings them back)").format(
            len(indices)))

    def relabel_selected(self, label: int) -> None:
        indices = self._selected_now()
        if not len(indices):
            return
        self._dataset.relabel(indices, label)
        self._plot.hint.emit(self.tr("{0} points are class {1} now (Ctrl+Z undoes)").format(
            len(indices), label))

    def jitter(self) -> None:
        """Noise of DEFAULT_JITTER times the whole data set's spread, so a few selected
        points move as far as all of them would."""
        snapshot = self._dataset.snapshot()
        if not len(snapshot):
            self._plot.hint.emit(self.tr("No points to jitter"))
            return
        indices = self._selected_now() if self._plot.selected_count() else np.arange(
            len(snapshot))
        self._jitters += 1
        moved = jitter(snapshot.xy[indices], spread(snapshot.xy), DEFAULT_JITTER,
                       seed=self._jitters)
        self._dataset.move_many(indices, moved)
        self._plot.hint.emit(self.tr("Jittered {0} points (Ctrl+Z undoes)").format(
            len(indices)))
