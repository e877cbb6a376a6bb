"""The points as the user sees them when only a few change among many (``gui/point_cloud.py``).

A click, an undo or a drag repaints only the changed points' spot in Qt's cached picture of
the others; these tests read the pixels on screen to check that the spot really shows the
change, and that everything else is still drawn (a wrong repaint area shows as a missing or a
ghost marker, which the document's own state would never reveal).
"""

import numpy as np
import pytest
from PyQt6.QtCore import QRectF, Qt

from gui import style
from gui.point_cloud import _changed_points
from tests.gui.helpers import click

ORANGE = style.CLASS_COLORS[1].lower()
BLUE = style.CLASS_COLORS[0].lower()


def colors_near(window, x, y, radius=3) -> set[str]:
    """The colours on screen within ``radius`` pixels of data point (x, y)."""
    plot = window.plot
    image = plot.viewport().grab().toImage()
    centre = plot.to_widget(x, y)
    return {image.pixelColor(int(centre.x()) + dx, int(centre.y()) + dy).name()
            for dx in range(-radius, radius + 1) for dy in range(-radius, radius + 1)}


@pytest.fixture
def crowded(make_window, qtbot):
    """12,000 points of random classes in the middle of the view, the corners empty (half
    are misclassified, too many to ring: the markers themselves show)."""
    rng = np.random.default_rng(3)
    labels = rng.integers(0, 2, 12_000)
    xy = 0.5 + 0.25 * rng.normal(size=(12_000, 2))
    window = make_window(xy, labels)
    qtbot.waitUntil(lambda: window.plot._scatters[1].count() == int(labels.sum()))
    return window


def test_a_click_among_many_points_shows_its_marker_and_undo_takes_it_away(qtbot, crowded):
    window = crowded
    assert ORANGE not in colors_near(window, 1.7, 1.7)
    crowd = colors_near(window, 0.5, 0.5, radius=10)
    assert len(crowd) > 3  # markers, rings, their outlines
    click(qtbot, window, 1.7, 1.7)  # Class 1 is the brush
    qtbot.waitUntil(lambda: len(window.dataset) == 12_001)
    qtbot.waitUntil(lambda: ORANGE in colors_near(window, 1.7, 1.7))
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: ORANGE not in colors_near(window, 1.7, 1.7))
    assert colors_near(window, 0.5, 0.5, radius=10) == crowd  # the others as they were
    qtbot.keyClick(window, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: ORANGE in colors_near(window, 1.7, 1.7))


def test_a_point_beyond_all_others_is_drawn_and_follows_the_view(qtbot, crowded):
    window = crowded
    click(qtbot, window, -0.8, 1.8, button=Qt.MouseButton.RightButton)  # class 0, a far corner
    qtbot.waitUntil(lambda: len(window.dataset) == 12_001)
    qtbot.waitUntil(lambda: BLUE in colors_near(window, -0.8, 1.8))
    window.plot.setRange(QRectF(-1.5, 0.5, 2.0, 2.0), padding=0)  # pan: it moves on screen
    qtbot.waitUntil(lambda: BLUE in colors_near(window, -0.8, 1.8))
    assert BLUE not in colors_near(window, -1.3, 2.3)


def test_a_dragged_point_leaves_no_ghost(qtbot, crowded):
    window = crowded
    click(qtbot, window, 1.7, -0.7)
    qtbot.waitUntil(lambda: ORANGE in colors_near(window, 1.7, -0.7))
    plot = window.plot
    qtbot.mousePress(plot.viewport(), Qt.MouseButton.LeftButton, pos=plot.to_widget(1.7, -0.7))
    for step in range(1, 6):
        qtbot.mouseMove(plot.viewport(), plot.to_widget(1.7, -0.7 + 0.2 * step))
    qtbot.mouseRelease(plot.viewport(), Qt.MouseButton.LeftButton,
                       pos=plot.to_widget(1.7, 0.3))
    qtbot.waitUntil(lambda: ORANGE in colors_near(window, 1.7, 0.3))
    assert ORANGE not in colors_near(window, 1.7, -0.7)


def test_what_changed_is_found_for_the_edits_a_user_makes():
    rng = np.random.default_rng(0)
    old = rng.normal(size=(5000, 2))
    assert _changed_points(old, old).shape == (0, 2)
    assert _changed_points(old, old.copy()).shape == (0, 2)
    appended = np.vstack([old, [[9.0, 9.0]]])
    assert _changed_points(old, appended).tolist() == [[9.0, 9.0]]
    removed = np.delete(old, 500, axis=0)
    assert _changed_points(old, removed).tolist() == [old[500].tolist()]
    moved = old.copy()
    moved[7] = [5.0, 5.0]
    assert sorted(_changed_points(old, moved).tolist()) == sorted([old[7].tolist(), [5.0, 5.0]])
    assert _changed_points(old, rng.normal(size=(5000, 2))) is None  # all new: draw all
    assert _changed_points(old, old[::2]) is None  # many removed, here and there
