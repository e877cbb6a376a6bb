"""The Rate finder tab: sweep on a copy of the live model, see the curve, use the suggestion."""

import math
import threading

import numpy as np
import pytest
from PyQt6.QtCore import Qt

import gui.lr_finder_panel as panel_module
from core.lr_finder import STEPS, format_rate

SWEEP_TIMEOUT_MS = 60_000  # the first sweep traces its step function on a loaded machine


def live_weights(qtbot, window):
    """The live model's weights, read on the training thread as the panel reads them."""
    answers = []
    window.bridge.ask(lambda neuron: neuron.keras_model.get_weights(),
                      lambda answer, error: answers.append((answer, error)))
    qtbot.waitUntil(lambda: bool(answers), timeout=10_000)
    weights, error = answers[0]
    assert error is None
    return weights


def finder_tab(window):
    panel = window.lr_finder_panel
    window.show_panel(panel)
    return panel


def test_find_draws_the_curve_marks_the_rate_and_use_applies_it(qtbot, make_window):
    window = make_window(optimizer="adam", learning_rate=0.001, seed=4)  # the question's rate
    panel = finder_tab(window)
    before = live_weights(qtbot, window)
    with qtbot.waitSignal(panel._worker.finished, timeout=SWEEP_TIMEOUT_MS):
        qtbot.mouseClick(panel.find_button, Qt.MouseButton.LeftButton)
        assert not panel.find_button.isEnabled() and panel.cancel_button.isEnabled()
    sweep = panel.sweep
    assert sweep is not None and sweep.suggestion is not None, panel.message.text()
    assert panel.find_button.isEnabled() and not panel.cancel_button.isEnabled()
    # The curve is drawn against the rate on a log axis (pyqtgraph plots log10 of x).
    xs, ys = panel.curve.getData()
    np.testing.assert_allclose(xs, np.log10(sweep.rates))
    np.testing.assert_allclose(ys, sweep.smoothed)
    assert ys[-1] < 0.5 * ys[0]  # the loss visibly falls over the sweep
    # The suggestion is marked where it is, with its value, and offered on the Use button.
    shown = format_rate(sweep.suggestion)
    assert panel.marker.isVisible()
    assert panel.marker.value() == pytest.approx(math.log10(sweep.suggestion))
    assert shown in panel.marker.label.toPlainText()
    assert panel.use_button.text() == f"Use {shown}" and panel.use_button.isEnabled()
    assert panel.message.text().startswith(f"suggested learning rate: {shown}")
    # The sweep ran on a copy: the live model's weights are as they were.
    for old, new in zip(before, live_weights(qtbot, window)):
        np.testing.assert_array_equal(old, new)

    qtbot.mouseClick(panel.use_button, Qt.MouseButton.LeftButton)
    rate = float(shown)  # what the button says is what is set
    assert rate == pytest.approx(sweep.suggestion, rel=0.05)
    assert window.bridge.config.learning_rate == rate
    assert window.controls.learning_rate.value() == pytest.approx(rate, abs=1e-6)
    assert window.bridge.config.optimizer == "adam"  # nothing else changed


def test_the_keyboard_reaches_find(qtbot, make_window):
    """Tab reaches the button and Space presses it (rather than training)."""
    window = make_window()
    panel = finder_tab(window)
    assert panel.find_button.focusPolicy() & Qt.FocusPolicy.TabFocus
    panel.find_button.setFocus(Qt.FocusReason.TabFocusReason)
    with qtbot.waitSignal(panel._worker.finished, timeout=SWEEP_TIMEOUT_MS):
        qtbot.keyClick(panel.find_button, Qt.Key.Key_Space)
    assert panel.sweep is not None and panel.sweep.steps > 0
    assert not window.bridge.running  # Space pressed the button, it did not start training
    assert panel.find_button.toolTip() and panel.plot.toolTip()


def test_cancel_stops_the_sweep_within_a_step(qtbot, make_window, monkeypatch):
    """The sweep is held after its 10th step until Cancel has been clicked, so the click
    lands mid-sweep on any machine; the sweep must then end before its 11th step."""
    clicked = threading.Event()
    real = panel_module.find_learning_rate

    def held(config, weights, xy, labels, should_stop, on_progress):
        def progress(done, total):
            on_progress(done, total)
            if done == 10:
                assert clicked.wait(30)
        return real(config, weights, xy, labels, should_stop, progress)

    monkeypatch.setattr(panel_module, "find_learning_rate", held)
    window = make_window()
    panel = finder_tab(window)
    qtbot.mouseClick(panel.find_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.progress.value() == 10, timeout=SWEEP_TIMEOUT_MS)
    with qtbot.waitSignal(panel._worker.finished, timeout=10_000):
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
        clicked.set()
    sweep = panel.sweep
    assert sweep.cancelled and sweep.steps == 10 and sweep.suggestion is None
    assert panel.message.text() == f"Sweep cancelled after 10 of {STEPS} steps."
    assert not panel.marker.isVisible() and not panel.use_button.isEnabled()
    assert panel.find_button.isEnabled()


def test_closing_the_window_ends_the_finder_thread(qtbot, make_window):
    window = make_window()
    panel = finder_tab(window)
    qtbot.mouseClick(panel.find_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(t.name == "lr-finder" for t in threading.enumerate()),
                    timeout=SWEEP_TIMEOUT_MS)
    window.close()
    assert not [t for t in threading.enumerate() if t.name == "lr-finder"]
