"""The Rate finder tab: sweep on a copy of the live model, see the curve, use the suggestion."""

import math
import threading

import numpy as np
import pytest
from PyQt6.QtCore import Qt

import gui.lr_finder_panel as panel_module
from core.lr_finder import END_RATE, START_RATE, STEPS, format_rate
from core.trainer import TrainerState

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


def sweep_now(qtbot, panel):
    with qtbot.waitSignal(panel._worker.finished, timeout=SWEEP_TIMEOUT_MS):
        qtbot.mouseClick(panel.find_button, Qt.MouseButton.LeftButton)
    assert panel.sweep is not None and panel.sweep.suggestion is not None, panel.message.text()
    return panel.sweep


def spans_the_planned_rates(panel) -> bool:
    """The x axis shows the whole planned sweep, 1e-6 to 10 (view x is log10 of the rate)."""
    low, high = panel.plot.getViewBox().viewRange()[0]
    return (low <= math.log10(START_RATE) and high >= math.log10(END_RATE)
            and high - low < 1.2 * (math.log10(END_RATE) - math.log10(START_RATE)))


def dropped(panel) -> bool:
    xs, _ = panel.curve.getData()
    return (panel.sweep is None and not panel.use_button.isEnabled()
            and not panel.marker.isVisible() and (xs is None or len(xs) == 0))


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
    assert panel.sweep is sweep  # a new rate keeps the model: the sweep still describes it


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
    assert panel.progress.isHidden()  # no bar without a sweep
    assert spans_the_planned_rates(panel)  # decades 1e-6 ... 10 before any sweep
    qtbot.mouseClick(panel.find_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.progress.value() == 10, timeout=SWEEP_TIMEOUT_MS)
    assert not panel.progress.isHidden() and panel.progress.text() == f"10 of {STEPS} steps"
    with qtbot.waitSignal(panel._worker.finished, timeout=10_000):
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
        clicked.set()
    sweep = panel.sweep
    assert sweep.cancelled and sweep.steps == 10 and sweep.suggestion is None
    assert panel.message.text() == f"Sweep cancelled after 10 of {STEPS} steps."
    assert not panel.marker.isVisible() and not panel.use_button.isEnabled()
    assert panel.find_button.isEnabled()
    assert panel.progress.isHidden()
    assert spans_the_planned_rates(panel)  # ten steps are not zoomed into overlapping ticks


def test_a_new_model_or_changed_points_drop_the_sweep(qtbot, make_window):
    """The coach and "Use" read ``panel.sweep``: a sweep of a model or points that are gone
    is dropped, and ``sweepChanged`` says so."""
    window = make_window(optimizer="adam", learning_rate=0.001, seed=4)
    panel = finder_tab(window)
    told = []
    panel.sweepChanged.connect(told.append)
    first = sweep_now(qtbot, panel)
    assert told == [first]

    with qtbot.waitSignal(window.bridge.stateChanged, timeout=60_000,
                          check_params_cb=lambda state, _text: state is TrainerState.PAUSED):
        window.controls.batchnorm.setChecked(True)  # a structural setting: a new model
        qtbot.waitUntil(lambda: dropped(panel), timeout=10_000)
    assert told == [first, None]

    second = sweep_now(qtbot, panel)
    assert told == [first, None, second]
    window.dataset.add(0.5, 0.5, 1)  # the points the sweep trained on changed
    qtbot.waitUntil(lambda: dropped(panel), timeout=10_000)
    assert told[-1] is None

    third = sweep_now(qtbot, panel)
    window.new_seed_action.trigger()  # N: other initial weights, a new model
    qtbot.waitUntil(lambda: dropped(panel), timeout=10_000)
    assert told[-2:] == [third, None]


def test_closing_the_window_ends_the_finder_thread(qtbot, make_window):
    window = make_window()
    panel = finder_tab(window)
    qtbot.mouseClick(panel.find_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(t.name == "lr-finder" for t in threading.enumerate()),
                    timeout=SWEEP_TIMEOUT_MS)
    window.close()
    assert not [t for t in threading.enumerate() if t.name == "lr-finder"]
