"""What the model says under the cursor: the numbers behind the map, and a point's own."""

import math

import numpy as np
from PyQt6.QtCore import QEvent, Qt
from PyQt6.QtGui import QMouseEvent
from PyQt6.QtWidgets import QApplication

from core.readout import read_at
from core.trainer import TrainerState


def hover(qtbot, window, x, y):
    """The mouse over data coordinates (x, y), as a person moves it."""
    qtbot.mouseMove(window.plot.viewport(), window.plot.to_widget(x, y))


def trained(qtbot, make_window, **config):
    window = make_window(optimizer="sgd", learning_rate=0.5, epochs=10, **config)
    window.bridge.start()
    qtbot.waitUntil(lambda: window.bridge.state is TrainerState.PAUSED
                    and window.metrics.latest.epoch == 10, timeout=60_000)
    return window


def test_between_points_it_gives_the_probability_and_the_class_there(qtbot, make_window):
    window = trained(qtbot, make_window)
    hover(qtbot, window, 0.5, 0.75)
    qtbot.waitUntil(window.plot.readout.isVisible, timeout=5_000)
    line = window.metrics.latest.line
    here = window.plot.to_view(window.plot.mapToScene(window.plot.to_widget(0.5, 0.75)))
    z = line[0] * here.x() + line[1] * here.y() + line[2]
    p = 1 / (1 + math.exp(-z))
    text = window.plot.readout.text()
    assert text.startswith("at (")
    assert f"P(class 1) = {p:.3f}" in text and f"predict says class {int(p > 0.5)}" in text


def test_on_a_point_it_gives_its_label_set_output_and_loss(qtbot, make_window):
    window = trained(qtbot, make_window)
    hover(qtbot, window, 1.0, 0.0)  # class 0
    qtbot.waitUntil(lambda: window.plot.readout.text().startswith("point"), timeout=5_000)
    expected = read_at(window.metrics.latest.line, 1.0, 0.0, label=0)
    text = window.plot.readout.text()
    assert "class 0, training" in text
    assert f"z = {expected.z:.3g}" in text and f"its loss {expected.loss:.3g}" in text
    # The loss is Keras's binary cross-entropy for this one point.
    assert np.isclose(expected.loss, -math.log(1 - expected.probability))


def test_a_held_out_point_says_so(qtbot, make_window):
    xy = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.5, 0.2], [0.5, 0.8]])
    window = make_window(xy, np.array([0, 0, 1, 1, 0, 1]), test_split=0.5, seed=3)
    mask = window.plot.held_out()
    assert mask.any()
    x, y = xy[np.flatnonzero(mask)[0]]
    hover(qtbot, window, x, y)
    qtbot.waitUntil(lambda: "held out" in window.plot.readout.text(), timeout=5_000)


def test_leaving_the_plot_hides_it(qtbot, make_window):
    window = trained(qtbot, make_window)
    hover(qtbot, window, 0.5, 0.5)
    qtbot.waitUntil(window.plot.readout.isVisible, timeout=5_000)
    QApplication.sendEvent(window.plot, QEvent(QEvent.Type.Leave))  # the mouse went away
    assert not window.plot.readout.isVisible()


def test_under_a_still_cursor_it_follows_the_training(qtbot, make_window):
    window = make_window(optimizer="sgd", learning_rate=0.5, epochs=0)
    hover(qtbot, window, 1.0, 0.0)
    qtbot.waitUntil(lambda: window.plot.readout.text().startswith("point"), timeout=5_000)
    before = window.plot.readout.text()
    window.bridge.start()
    qtbot.waitUntil(lambda: window.metrics.latest.epoch > 20, timeout=60_000)
    window.bridge.pause()
    qtbot.waitUntil(lambda: window.bridge.state is TrainerState.PAUSED, timeout=10_000)
    window.bridge.flush()
    expected = read_at(window.metrics.latest.line, 1.0, 0.0, label=0)
    assert window.plot.readout.text() != before
    assert f"its loss {expected.loss:.3g}" in window.plot.readout.text()


def test_it_covers_neither_the_axes_tick_labels_nor_the_cursor(qtbot, make_window):
    """Painted over the x axis it hid the tick labels; it sits inside the data area, and
    leaves the bottom for the top while the cursor is down there."""
    window = trained(qtbot, make_window)
    plot = window.plot
    for x, y in ((0.5, 1.5), (0.5, -0.95), (0.4, 1.5)):  # high, at the bottom edge, high again
        # The mouse held still at (x, y): pyqtgraph passes on at most 60 moves a second and
        # drops the rest, so the move is repeated until one gets through.
        where = plot.to_widget(x, y).toPointF()
        move = QMouseEvent(QEvent.Type.MouseMove, where, plot.viewport().mapToGlobal(where),
                           Qt.MouseButton.NoButton, Qt.MouseButton.NoButton,
                           Qt.KeyboardModifier.NoModifier)
        before = plot.readout.text()
        qtbot.waitUntil(lambda move=move, before=before:
                        QApplication.sendEvent(plot.viewport(), move) is not None
                        and plot.readout.isVisible() and plot.readout.text() != before,
                        timeout=5_000)
        box = plot.readout.geometry().toRectF()
        assert plot.data_area().contains(box)  # not over an axis
        assert not box.contains(plot.to_widget(x, y).toPointF())
        assert plot.readout.fits()  # the whole reading is shown
    assert plot.readout.geometry().bottom() > plot.data_area().center().y()
