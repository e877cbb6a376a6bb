"""Making data by hand (issue 11, item 5): spray, rectangle selection, jitter, each one undo
step, driven with real mouse drags and keys on the window."""

import numpy as np
import pyqtgraph as pg
import pytest
from PyQt6.QtCore import QPoint, QSettings, Qt
from PyQt6.QtWidgets import QApplication

from core.config import TrainConfig
from core.dataset import Dataset
from core.document import Document
from core.painting import DEFAULT_DENSITY
from gui.help import keys_html
from gui.main_window import MainWindow
from gui.plot_view import Brush
from tests.gui.helpers import one_pixel

LEFT, RIGHT = Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
START = [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
# pyqtgraph drops mouse moves that come sooner than this after the last one (its
# mouseRateLimit); a test's moves come at once, so a drag started right after another one
# lost its first moves and became a click.
MOVE_GAP_MS = int(1000 / pg.getConfigOption("mouseRateLimit")) + 2


def drag(qtbot, window, start, end, button=LEFT, steps=10):
    """Press at data coordinates ``start``, move in steps to ``end``, release there."""
    plot, viewport = window.plot, window.plot.viewport()
    a, b = plot.to_widget(*start), plot.to_widget(*end)
    qtbot.mousePress(viewport, button, pos=a)
    for i in range(1, steps + 1):
        point = a + (b - a) * (i / steps)
        qtbot.wait(MOVE_GAP_MS)
        qtbot.mouseMove(viewport, QPoint(int(point.x()), int(point.y())))
    qtbot.mouseRelease(viewport, button, pos=b)


def undo(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)


def key_on_plot(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier):
    window.plot.setFocus()
    qtbot.waitUntil(lambda: window.plot.hasFocus())
    qtbot.keyClick(window.plot, key, modifier)


def distance_to_segment(xy, a, b):
    a, b = np.asarray(a), np.asarray(b)
    t = np.clip(((xy - a) @ (b - a)) / ((b - a) @ (b - a)), 0, 1)
    return np.hypot(*(xy - (a + t[:, None] * (b - a))).T)


def test_spray_drag_adds_points_of_the_brush_class_near_the_path_in_one_undo_step(
        qtbot, make_window):
    window = make_window()
    window.set_brush(Brush.CLASS0)  # the last class brush: the spray adds class 0
    window.set_brush(Brush.SPRAY)
    before = window.dataset.snapshot()
    drag(qtbot, window, (0.5, 0.5), (1.5, 0.5))
    after = window.dataset.snapshot()
    added = after.xy[4:]
    assert len(added) >= DEFAULT_DENSITY and len(added) % DEFAULT_DENSITY == 0
    assert set(after.labels[4:].tolist()) == {0}
    assert after.xy[:4].tolist() == START and after.ids[:4].tolist() == [0, 1, 2, 3]
    rx, ry = window.plot.spray_radii()
    assert rx > 0 and np.all(distance_to_segment(added, (0.5, 0.5), (1.5, 0.5))
                             <= max(rx, ry) + 3 * one_pixel(window))
    assert "Sprayed" in window.statusBar().currentMessage()
    undo(qtbot, window)  # the whole stroke is one step
    assert window.dataset.snapshot().xy.tolist() == before.xy.tolist()
    qtbot.waitUntil(lambda: sum(s.count() for s in window.plot._scatters.values()) == 4)


def test_right_drag_sprays_class_0_and_a_click_is_one_puff(qtbot, make_window):
    window = make_window()
    window.set_brush(Brush.SPRAY)  # after the class-1 brush: left sprays class 1
    drag(qtbot, window, (0.5, 1.5), (1.5, 1.5), button=RIGHT)
    labels = window.dataset.snapshot().labels[4:]
    assert len(labels) >= DEFAULT_DENSITY and set(labels.tolist()) == {0}
    count = len(window.dataset)
    window.paint.set_spray_settings(20, 7)
    qtbot.mouseClick(window.plot.viewport(), LEFT, pos=window.plot.to_widget(0.5, -0.5))
    assert len(window.dataset) == count + 7
    assert set(window.dataset.snapshot().labels[count:].tolist()) == {1}


def select_bottom_row(qtbot, window):
    """A rectangle around (0, 0) and (1, 0) only."""
    window.set_brush(Brush.SELECT)
    drag(qtbot, window, (-0.5, -0.5), (1.5, 0.4))
    assert sorted(window.plot.selected_ids().tolist()) == [0, 1]


def test_rectangle_select_then_delete_removes_exactly_those(qtbot, make_window):
    window = make_window()
    select_bottom_row(qtbot, window)
    assert len(window.dataset) == 4  # selecting adds nothing
    assert "2 points selected" in window.statusBar().currentMessage()
    key_on_plot(qtbot, window, Qt.Key.Key_Delete)
    snapshot = window.dataset.snapshot()
    assert snapshot.xy.tolist() == START[2:] and snapshot.ids.tolist() == [2, 3]
    qtbot.waitUntil(lambda: window.plot.selected_count() == 0)
    assert not window.paint.delete_action.isEnabled()
    undo(qtbot, window)
    snapshot = window.dataset.snapshot()
    assert snapshot.xy.tolist() == START and snapshot.ids.tolist() == [0, 1, 2, 3]


def test_relabel_the_selection_keeps_places_and_ids(qtbot, make_window):
    window = make_window()
    select_bottom_row(qtbot, window)
    key_on_plot(qtbot, window, Qt.Key.Key_1, ALT)
    snapshot = window.dataset.snapshot()
    assert snapshot.labels.tolist() == [1, 1, 1, 1]
    assert snapshot.xy.tolist() == START and snapshot.ids.tolist() == [0, 1, 2, 3]
    undo(qtbot, window)
    assert window.dataset.snapshot().labels.tolist() == [0, 0, 1, 1]
    text = keys_html(window.actions())  # Help ▸ Keys and gestures lists them
    for words in ("Spray", "Select all", "Delete selected", "Alt+1", "Jitter", "Spray: drag",
                  "Select: drag on empty space", "Escape on the plot"):
        assert words in text, words


def test_dragging_a_selected_point_moves_the_selection_in_one_undo_step(qtbot, make_window):
    window = make_window()
    select_bottom_row(qtbot, window)
    drag(qtbot, window, (1.0, 0.0), (1.5, 0.5))
    xy = window.dataset.snapshot().xy
    tolerance = 2 * one_pixel(window)
    assert np.allclose(xy[:2], [[0.5, 0.5], [1.5, 0.5]], atol=tolerance)
    assert xy[2:].tolist() == START[2:]
    assert sorted(window.plot.selected_ids().tolist()) == [0, 1]  # still selected
    undo(qtbot, window)
    assert window.dataset.snapshot().xy.tolist() == START


def test_jitter_moves_the_selection_or_else_every_point(qtbot, make_window):
    window = make_window()
    select_bottom_row(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_J)
    snapshot = window.dataset.snapshot()
    assert not np.allclose(snapshot.xy[:2], START[:2])
    assert snapshot.xy[2:].tolist() == START[2:]
    assert snapshot.labels.tolist() == [0, 0, 1, 1] and snapshot.ids.tolist() == [0, 1, 2, 3]
    undo(qtbot, window)
    assert window.dataset.snapshot().xy.tolist() == START
    key_on_plot(qtbot, window, Qt.Key.Key_Escape)  # nothing selected: jitter takes them all
    assert window.plot.selected_count() == 0
    qtbot.keyClick(window, Qt.Key.Key_J)
    moved = window.dataset.snapshot().xy
    assert np.all(np.any(moved != np.asarray(START), axis=1))
    undo(qtbot, window)
    assert window.dataset.snapshot().xy.tolist() == START


def test_the_selection_follows_its_points_through_edits_and_undo(qtbot, make_window):
    window = make_window()
    select_bottom_row(qtbot, window)
    window.dataset.remove(0)  # indices shift; the selection is by id
    qtbot.waitUntil(lambda: window.plot.selected_count() == 1)
    assert window.plot.selected_ids().tolist() == [1]
    window.dataset.undo()
    qtbot.waitUntil(lambda: len(window.plot._ids) == 4)
    assert window.plot.selected_ids().tolist() == [1]  # the gone point dropped out
    window.paint.select_all_action.trigger()
    assert window.plot.selected_count() == 4


def test_with_a_class_brush_a_drag_on_empty_space_pans(qtbot, make_window):
    window = make_window()
    window.set_brush(Brush.CLASS1)
    before = window.plot.view_range()
    drag(qtbot, window, (0.5, 0.5), (1.5, 1.5))
    after = window.plot.view_range()
    assert after[0][0] < before[0][0] - 0.5 and after[1][0] < before[1][0] - 0.5
    assert window.dataset.snapshot().xy.tolist() == START


def test_while_picking_a_spray_drag_adds_nothing(qtbot, make_window):
    window = make_window()
    window.set_brush(Brush.SPRAY)
    window.show_panel(window.predict_panel)
    window.predict_panel.pick.setChecked(True)
    assert window.plot.picking
    drag(qtbot, window, (0.5, 0.5), (1.5, 0.5))
    qtbot.mouseClick(window.plot.viewport(), LEFT, pos=window.plot.to_widget(0.5, 1.5))
    assert window.dataset.snapshot().xy.tolist() == START


def test_space_still_trains_after_setting_the_spray_radius(qtbot, make_window):
    window = make_window()
    assert not window.paint.spray_control.isVisible()  # a tool option: only with the spray
    window.set_brush(Brush.SPRAY)
    box = window.paint.spray_control.radius
    qtbot.waitUntil(box.isVisible)
    qtbot.mouseClick(box.lineEdit(), LEFT)
    qtbot.waitUntil(box.hasFocus)
    typing = QApplication.focusWidget()  # the line edit inside the box
    box.selectAll()
    for key in (Qt.Key.Key_4, Qt.Key.Key_2, Qt.Key.Key_E):  # digits (and E, Erase) stay
        qtbot.keyClick(typing, key)
    box.interpretText()
    assert box.value() == 42 and window.plot.brush == Brush.SPRAY
    assert window.plot.spray_radius == 42
    qtbot.keyClick(typing, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.bridge.running)
    qtbot.keyClick(typing, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not window.bridge.running)
    qtbot.keyClick(typing, Qt.Key.Key_Return)  # Enter: the keys go back to the plot
    qtbot.waitUntil(window.plot.hasFocus)
    qtbot.keyClick(window.plot, Qt.Key.Key_M)  # a painting key works at once
    assert window.plot.brush == Brush.SELECT


@pytest.fixture
def launch(qtbot, answers, tmp_path):
    """Windows as the app opens them with one settings file; they live until the test's end
    (qtbot holds weak references only: a window collected early dies mid-paint)."""
    windows = []

    def make() -> MainWindow:
        window = MainWindow(Document(Dataset(np.array(START), np.array([0, 0, 1, 1]))),
                            TrainConfig(), pace=5.0,
                            settings=QSettings(str(tmp_path / "s.ini"),
                                               QSettings.Format.IniFormat))
        qtbot.addWidget(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()  # its threads end with it


def test_the_spray_and_the_new_brushes_are_remembered(launch):
    first = launch()
    first.set_brush(Brush.CLASS0)
    first.set_brush(Brush.SPRAY)
    first.paint.set_spray_settings(45, 12)
    assert first.close()
    again = launch()
    assert again.plot.brush == Brush.SPRAY and again.brush_actions[Brush.SPRAY].isChecked()
    assert again.plot.spray_class == 0 and again.paint.spray_settings() == (45, 12)
    assert again.plot.spray_radius == 45
    again.set_brush(Brush.SELECT)
    assert again.close()
    assert launch().plot.brush == Brush.SELECT
