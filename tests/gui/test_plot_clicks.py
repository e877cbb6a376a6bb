"""Clicks exactly on a marker reach the plot (issue 8, bug 3).

The older tests clicked 0.1 away from every point and so never hit a marker; these click on
the points themselves, where pyqtgraph's ScatterPlotItem used to accept the left click and the
plot never heard of it. Erasing picks the point under the cursor in pixels, so stretched axes
(where data units and pixels disagree by orders of magnitude) cannot pick another point.
"""

import numpy as np
import pytest
from PyQt6.QtCore import QRectF, Qt

from gui.plot_view import Brush
from tests.gui.helpers import click, one_pixel

CTRL = Qt.KeyboardModifier.ControlModifier


def points(window) -> list[list[float]]:
    return window.dataset.snapshot().xy.tolist()


@pytest.mark.parametrize(
    ("button", "brush", "label"),
    [(Qt.MouseButton.LeftButton, Brush.CLASS1, 1), (Qt.MouseButton.RightButton, Brush.CLASS1, 0),
     (Qt.MouseButton.LeftButton, Brush.CLASS0, 0)],
)
@pytest.mark.parametrize("where", [(1.0, 1.0), (0.5, 1.5)], ids=["on-a-point", "between"])
def test_a_click_adds_a_point_where_clicked(qtbot, make_window, button, brush, label, where):
    """On the class-1 marker at (1, 1), and between points."""
    window = make_window()
    window.set_brush(brush)
    click(qtbot, window, *where, button)
    assert len(window.dataset) == 5
    x, y, got = window.dataset.point(4)
    pixel = one_pixel(window)
    assert got == label and abs(x - where[0]) <= pixel and abs(y - where[1]) <= pixel
    qtbot.waitUntil(lambda: sum(s.count() for s in window.plot._scatters.values()) == 5)


def test_ctrl_click_on_a_point_removes_that_point(qtbot, make_window):
    window = make_window()
    click(qtbot, window, 1.0, 0.0, modifier=CTRL)
    assert points(window) == [[0, 0], [0, 1], [1, 1]]


def test_erase_brush_on_a_point_removes_that_point(qtbot, make_window):
    window = make_window()
    window.set_brush(Brush.ERASE)
    click(qtbot, window, 0.0, 1.0)
    assert points(window) == [[0, 0], [1, 0], [1, 1]]
    qtbot.waitUntil(lambda: sum(s.count() for s in window.plot._scatters.values()) == 3)
    click(qtbot, window, 0.0, 0.0)
    assert points(window) == [[1, 0], [1, 1]]


def test_erase_takes_the_point_nearest_in_pixels_on_stretched_axes(qtbot, make_window):
    """x spans 1000 units and y 4 across similar widths: a pixel is ~300 times more x than y.

    B sits 13 px right of the click and A 64 px above it; in data units A is much nearer
    (0.4 against ~20), so choosing in data units would remove A."""
    window = make_window()  # four points, two per class
    window.plot.setRange(QRectF(-1.0, -1.0, 1001.0, 4.0), padding=0)
    px, py = (abs(v) for v in window.plot.getViewBox().viewPixelSize())
    a = (500.0, 1.0 + 64 * py)
    b = (500.0 + 13 * px, 1.0)
    window.dataset.replace(np.array([a, b]), np.array([0, 1]))
    qtbot.waitUntil(lambda: [s.count() for s in window.plot._scatters.values()] == [1, 1])
    assert np.hypot(a[0] - 500, a[1] - 1) < np.hypot(b[0] - 500, b[1] - 1)  # A nearer in data
    window.set_brush(Brush.ERASE)
    click(qtbot, window, 500.0, 1.0)
    assert points(window) == [list(a)]


def test_erase_on_empty_space_removes_nothing_and_says_so(qtbot, make_window):
    window = make_window()
    window.set_brush(Brush.ERASE)
    click(qtbot, window, 0.5, 0.5)  # about 100 px from every point
    assert len(window.dataset) == 4
    assert "No point near" in window.statusBar().currentMessage()
