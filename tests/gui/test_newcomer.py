"""What a newcomer does that the first tests missed: press Space right after clicking a control,
and use the window at a laptop's size."""

import pytest
from PyQt6.QtCore import QPoint, QRectF, Qt
from PyQt6.QtWidgets import QApplication, QToolBar

from core.trainer import TrainerState
from gui.status_bar import RateMeter
from tests.gui.helpers import press_scenario


def space(qtbot, window):
    """Space as the keyboard sends it: to whatever has the focus."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)


@pytest.mark.paced  # the scenario plays at its pace (5 epochs/s): Space comes mid-run
def test_space_after_a_scenario_button_pauses_instead_of_running_it_again(qtbot, make_window):
    window = make_window()
    press_scenario(qtbot, window, "Fix: SGD, rate 0.5")
    qtbot.waitUntil(lambda: 2 <= window.metrics.latest.epoch < 20, timeout=30_000)
    space(qtbot, window)
    qtbot.waitUntil(lambda: window.bridge.state is TrainerState.PAUSED, timeout=10_000)
    window.bridge.flush()
    epoch = window.metrics.latest.epoch
    assert not window.bridge.running and 2 <= epoch < 20  # paused mid-run: no new run


def test_space_after_ticking_a_box_trains_and_leaves_the_box_ticked(qtbot, make_window):
    window = make_window()
    box = window.controls.normalize
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert box.isChecked() and window.bridge.config.normalize
    space(qtbot, window)
    assert box.isChecked() and window.bridge.config.normalize  # Space did not untick it
    qtbot.waitUntil(lambda: window.metrics.latest.epoch > 3, timeout=30_000)
    window.plot.setRange(QRectF(-50.0, -50.0, 100.0, 100.0), padding=0)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F)  # F fits the view, too
    (x0, x1), _ = window.plot.view_range()
    assert -1 < x0 < 0 and 1 < x1 < 2  # the four points span 0..1


def test_space_on_the_rate_slider_trains(qtbot, make_window):
    window = make_window()
    slider = window.controls.lr_slider
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_Space)
    assert window.bridge.running


@pytest.mark.parametrize("size", [(900, 600), (1100, 700), (1280, 820)])
def test_at_a_small_size_the_plot_shrinks_instead_of_being_cut_off(qtbot, make_window, size):
    """The plot's legend set its minimum width: below 1280 pixels the plot (its right part,
    the colour bar) was cut off, at 900 it kept 180 pixels. Every legend entry listed."""
    window = make_window(batchnorm=True)  # lists the training-mode line too
    qtbot.keyClick(window.plot, Qt.Key.Key_L)  # and scikit-learn's line
    qtbot.waitUntil(lambda: len(window.plot.reference_line()[0]) == 2, timeout=30_000)
    window.resize(*size)
    qtbot.waitUntil(lambda: window.width() == size[0])
    window.plot.setRange(QRectF(-1.0, -1.0, 3.0, 3.0), padding=0)
    item = window.plot.getPlotItem()
    # Nothing cut off: the plot item (axes, legend, colour bar) fits the widget.
    qtbot.waitUntil(lambda: item.geometry().width() <= window.plot.viewport().width() + 1)
    assert window.plot.viewport().width() >= 0.3 * size[0]


def test_the_rate_meter_starts_over_with_a_new_model():
    """A new run restarts at epoch 0: a rate measured across it was negative."""
    meter = RateMeter()
    meter.record(5000, now=0.0)
    meter.record(9000, now=0.5)
    meter.record(0, now=0.6)
    meter.record(400, now=0.8)
    assert meter.rate(now=0.8) == pytest.approx(2000)


def test_the_rate_meter_reads_a_slow_pace():
    """At 1 epoch a second there is one report a second: the meter read 0 between them."""
    meter = RateMeter()
    for second in range(5):
        meter.record(second, now=float(second))
    assert meter.rate(now=4.0) == pytest.approx(1.0)
    assert meter.rate(now=4.5) == pytest.approx(1.0)
    assert meter.rate(now=30.0) == 0.0  # long after the last report: stopped


def test_the_toolbar_does_not_shift_when_train_becomes_pause(qtbot, make_window):
    window = make_window()
    toolbar = window.findChild(QToolBar, "main-toolbar")
    step = toolbar.widgetForAction(window.step_action)
    before = step.x()
    qtbot.keyClick(window.plot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.train_action.text() == "Pause")
    qtbot.waitUntil(lambda: toolbar.widgetForAction(window.train_action).text() == "Pause")
    toolbar.layout().activate()  # lay the toolbar out for the new text now
    assert step.x() == before
    qtbot.keyClick(window.plot, Qt.Key.Key_Space)
