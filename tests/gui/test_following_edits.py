"""One small edit among many points is drawn by changing only the rows it touched
(``PlotView._follow``, the rings and the held-out marks likewise). What is drawn must be
exactly what drawing every point afresh gives, after clicks, undo, redo, drags and removals,
with and without a test split; and the edits must really be followed (the speed at 1,000,000
points depends on it)."""

import numpy as np
import pytest
from PyQt6.QtCore import Qt

from core.geometry import logit
from core.split import held_out_mask
from tests.gui.helpers import click

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def assert_drawn_as_afresh(window):
    """Every item holds the points a full redraw would give it, in the document's order."""
    plot, config = window.plot, window.bridge.config
    snapshot = window.dataset.snapshot()
    assert plot.points_version() == snapshot.version
    held = held_out_mask(snapshot.ids, config.seed, config.test_split)
    for label in (0, 1):
        mine = snapshot.labels == label
        for scatter, chosen in ((plot._scatters[label], mine & ~held),
                                (plot._held_out_scatters[label], mine & held)):
            np.testing.assert_array_equal(np.column_stack(scatter.getData()),
                                          snapshot.xy[chosen])
    wrong = (logit(plot._stats.line, snapshot.xy) > 0) != (snapshot.labels == 1)
    np.testing.assert_array_equal(np.column_stack(plot._wrong.getData()), snapshot.xy[wrong])
    legend = plot._legend.getLabel(plot._wrong).text.replace("\u2007", "")
    assert f"{np.count_nonzero(wrong & ~held)} of {np.count_nonzero(~held)}" in legend


@pytest.mark.parametrize("test_split", [0.0, 0.3])
def test_clicks_undo_redo_drags_and_removals_draw_what_a_full_redraw_would(
        qtbot, make_window, monkeypatch, test_split):
    rng = np.random.default_rng(11)
    xy = rng.uniform(0.0, 1.0, size=(3000, 2))
    window = make_window(xy, (xy[:, 0] > xy[:, 1]).astype(int), test_split=test_split)
    plot = window.plot
    qtbot.waitUntil(lambda: plot.points_version() == window.dataset.version)
    redrawn = []
    original = plot._show_all_points
    monkeypatch.setattr(plot, "_show_all_points",
                        lambda *args: (redrawn.append(1), original(*args)))

    def settled():
        qtbot.waitUntil(lambda: plot.points_version() == window.dataset.version)
        assert_drawn_as_afresh(window)

    for x, y in rng.uniform(-0.8, 1.8, size=(6, 2)):
        click(qtbot, window, x, y, button=rng.choice([Qt.MouseButton.LeftButton,
                                                      Qt.MouseButton.RightButton]))
        settled()
    for _ in range(3):
        qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
        settled()
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL | SHIFT)
    settled()
    start = plot.to_widget(*window.dataset.point(len(window.dataset) - 1)[:2])
    qtbot.mousePress(plot.viewport(), Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 5):  # a drag of the newest point: each step one move
        qtbot.mouseMove(plot.viewport(), plot.to_widget(-0.5 + 0.1 * step, 1.5))
        settled()
    qtbot.mouseRelease(plot.viewport(), Qt.MouseButton.LeftButton,
                       pos=plot.to_widget(-0.1, 1.5))
    settled()
    x, y, _ = window.dataset.point(1234)  # Ctrl+click on a point among the others removes it
    click(qtbot, window, x, y, modifier=CTRL)
    settled()
    assert len(window.dataset) == 3000 + 6 - 3 + 1 - 1
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)  # it comes back in its place
    settled()
    assert not redrawn  # every one of those edits was followed, none redrawn in full


def test_an_undo_during_a_drag_ends_it_instead_of_moving_another_point(qtbot, make_window):
    """The drag names its point by row; Ctrl+Z while the button is held can bring a removed
    point back in front of it (rows shift) or take the dragged point away: the rest of the
    drag must then move nothing, not the point that now has that row (or fail on a row
    that no longer exists)."""
    xy = np.array([[0.1, 0.1], [0.9, 0.1], [0.1, 0.9], [0.9, 0.9], [0.5, 0.5]])
    window = make_window(xy, np.array([0, 0, 1, 1, 0]))
    plot, dataset = window.plot, window.dataset
    click(qtbot, window, 0.1, 0.1, modifier=CTRL)  # removes row 0
    qtbot.waitUntil(lambda: len(dataset) == 4)
    qtbot.mousePress(plot.viewport(), Qt.MouseButton.LeftButton, pos=plot.to_widget(0.9, 0.9))
    qtbot.mouseMove(plot.viewport(), plot.to_widget(0.8, 0.8))
    qtbot.mouseMove(plot.viewport(), plot.to_widget(0.7, 0.8))
    qtbot.waitUntil(lambda: dataset.point(2)[:2] != (0.9, 0.9))  # row 2 is (0.9, 0.9) now
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)  # the move undone: the drag may go on
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)  # the removal undone: every row shifts
    for step in range(4):
        qtbot.mouseMove(plot.viewport(), plot.to_widget(0.5 - 0.05 * step, 0.9))
    qtbot.mouseRelease(plot.viewport(), Qt.MouseButton.LeftButton,
                       pos=plot.to_widget(0.3, 0.9))
    qtbot.waitUntil(lambda: plot.points_version() == dataset.version)
    np.testing.assert_array_equal(dataset.snapshot().xy, xy)  # nothing else moved
    assert "Drag ended" in window.statusBar().currentMessage()


def test_undoing_the_dragged_point_away_mid_drag_raises_nothing(qtbot, make_window):
    window = make_window()
    plot, dataset = window.plot, window.dataset
    click(qtbot, window, 1.5, 1.5)
    qtbot.waitUntil(lambda: len(dataset) == 5)
    qtbot.mousePress(plot.viewport(), Qt.MouseButton.LeftButton, pos=plot.to_widget(1.5, 1.5))
    qtbot.mouseMove(plot.viewport(), plot.to_widget(1.4, 1.5))
    qtbot.mouseMove(plot.viewport(), plot.to_widget(1.3, 1.5))
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)  # the point itself is gone
    for step in range(4):  # an IndexError here, once per move, before the fix
        qtbot.mouseMove(plot.viewport(), plot.to_widget(1.2 - 0.1 * step, 1.5))
    qtbot.mouseRelease(plot.viewport(), Qt.MouseButton.LeftButton, pos=plot.to_widget(0.8, 1.5))
    qtbot.waitUntil(lambda: plot.points_version() == dataset.version)
    assert len(dataset) == 4
