"""The Landscape tab: the loss over (w1, w2) with the optimizer's path, and a click that
picks the weights the next run starts from."""

import threading

import numpy as np
import pytest
from PyQt6.QtCore import Qt

from core.trainer import TrainerState


def show_landscape(qtbot, window):
    """Open the Landscape tab and wait for its first map."""
    panel = window.landscape_panel
    window.show_panel(panel)
    qtbot.waitUntil(lambda: panel.landscape is not None, timeout=30_000)
    return panel


def path_length(panel) -> int:
    x, _ = panel.path_item.getData()
    return 0 if x is None else len(x)


def click_map(qtbot, panel, w1, w2):
    qtbot.mouseClick(panel.plot.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.plot.to_widget(w1, w2))


def one_pixel(panel) -> float:
    return max(abs(v) for v in panel.plot.getViewBox().viewPixelSize())


def at_epoch_0_from(window, weights) -> bool:
    latest = window.metrics.latest
    return (latest is not None and latest.epoch == 0
            and np.allclose(latest.w, weights, rtol=1e-6, atol=1e-7) and latest.b == 0.0)


def test_the_map_is_the_loss_around_the_weights_and_the_path_grows(qtbot, make_window):
    window = make_window(optimizer="sgd", learning_rate=0.5, epochs=5, pace=5.0)
    panel = show_landscape(qtbot, window)
    landscape = panel.landscape
    start = window.metrics.latest.w
    assert landscape.centre == pytest.approx(start)
    assert panel.image.image.shape == landscape.loss.shape
    middle = len(landscape.w1) // 2  # the current weights: the charts' loss now
    assert landscape.loss[middle, middle] == pytest.approx(window.metrics.latest.eval_loss,
                                                           rel=1e-4)
    assert path_length(panel) == 1
    window.bridge.start()  # at 5 epochs a second the path is seen growing epoch by epoch
    for epochs in range(2, 7):
        qtbot.waitUntil(lambda n=epochs: path_length(panel) == n, timeout=10_000)
    x, y = panel.path_item.getData()
    w1, w2 = window.metrics.history("w1"), window.metrics.history("w2")
    np.testing.assert_allclose(x, w1)
    np.testing.assert_allclose(y, w2)
    current = panel.current_item.getData()
    assert (current[0][0], current[1][0]) == pytest.approx(window.metrics.latest.w)


def test_a_click_on_the_map_sets_the_start_weights_for_sgd_and_adam(qtbot, make_window):
    window = make_window(optimizer="sgd", learning_rate=0.5, epochs=4)
    panel = show_landscape(qtbot, window)
    c1, c2 = panel.landscape.centre
    half = panel.landscape.half_width
    target = (c1 + 0.6 * half, c2 - 0.4 * half)
    click_map(qtbot, panel, *target)
    qtbot.waitUntil(lambda: window.bridge.config.start_weights is not None, timeout=5_000)
    picked = window.bridge.config.start_weights
    assert picked == pytest.approx(target, abs=2 * one_pixel(panel))
    qtbot.waitUntil(lambda: at_epoch_0_from(window, picked), timeout=30_000)
    assert panel.seed_button.isEnabled() and "picked" in panel.start_label.text()
    window.bridge.start()
    qtbot.waitUntil(lambda: window.bridge.state is TrainerState.PAUSED
                    and window.metrics.latest.epoch == 4, timeout=60_000)
    sgd_end = window.metrics.latest.w

    window.controls.optimizer.setCurrentText("adam")  # a new model, from the same point
    assert window.bridge.config.start_weights == picked
    qtbot.waitUntil(lambda: at_epoch_0_from(window, picked), timeout=60_000)
    window.bridge.start()
    qtbot.waitUntil(lambda: window.bridge.state is TrainerState.PAUSED
                    and window.metrics.latest.epoch == 4, timeout=60_000)
    assert window.metrics.history("w1")[0] == pytest.approx(picked[0], rel=1e-6)
    assert window.metrics.latest.w != pytest.approx(sgd_end)  # another path from there


def test_seeds_weights_and_a_new_seed_forget_the_picked_start(qtbot, make_window):
    window = make_window(optimizer="sgd", learning_rate=0.5)
    seeds = window.metrics.latest.w
    panel = show_landscape(qtbot, window)
    c1, c2 = panel.landscape.centre
    click_map(qtbot, panel, c1 + 0.5, c2 + 0.5)
    qtbot.waitUntil(lambda: window.bridge.config.start_weights is not None, timeout=5_000)
    picked = window.bridge.config.start_weights
    qtbot.waitUntil(lambda: at_epoch_0_from(window, picked), timeout=30_000)
    qtbot.mouseClick(panel.seed_button, Qt.MouseButton.LeftButton)
    assert window.bridge.config.start_weights is None
    qtbot.waitUntil(lambda: at_epoch_0_from(window, seeds), timeout=30_000)
    assert not panel.seed_button.isEnabled()

    click_map(qtbot, panel, c1 - 0.5, c2 + 0.5)
    qtbot.waitUntil(lambda: window.bridge.config.start_weights is not None, timeout=5_000)
    window.new_seed_action.trigger()  # N: other initial weights
    assert window.bridge.config.start_weights is None


def test_the_hidden_tab_computes_nothing(qtbot, make_window):
    window = make_window(optimizer="sgd", learning_rate=0.5, epochs=30)
    window.bridge.start()
    qtbot.waitUntil(lambda: window.bridge.state is TrainerState.PAUSED
                    and window.metrics.latest.epoch == 30, timeout=60_000)
    assert window.landscape_panel.landscape is None
    assert not [t for t in threading.enumerate() if t.name == "landscape"]
    show_landscape(qtbot, window)


def test_closing_the_window_ends_the_landscape_worker(qtbot, make_window):
    window = make_window()
    show_landscape(qtbot, window)
    assert [t for t in threading.enumerate() if t.name == "landscape"]
    window.close()
    assert not [t for t in threading.enumerate() if t.name == "landscape"]


def test_the_colour_bar_shows_plain_log_losses_without_a_scale_factor(qtbot, make_window):
    """Small losses (log10 between about -0.6 and 0) are ticked as they are, not as
    "(x0.001)" with ticks -700 ... 0."""
    window = make_window(optimizer="sgd", learning_rate=0.5)
    panel = show_landscape(qtbot, window)
    axis = panel._colorbar.axis
    low, high = panel._colorbar.levels()
    assert -3 < low < high < 3  # a loss range where pyqtgraph would pick the prefix
    axis.update()
    assert axis.autoSIPrefixScale == 1.0
    assert "x0" not in axis.labelString()
    ticks = [value for _spacing, values in axis.tickValues(low, high, 200) for value in values]
    assert ticks and all(low - 1 <= t <= high + 1 for t in ticks)


def test_clearing_the_points_clears_the_map_and_says_why(qtbot, make_window):
    window = make_window(optimizer="sgd", learning_rate=0.5)
    panel = show_landscape(qtbot, window)
    assert "mean over 4 points" in panel.summary.text()
    window.clear_action.trigger()
    qtbot.waitUntil(lambda: panel.landscape is None, timeout=10_000)
    assert panel.image.image is None
    assert panel.summary.text() == "No points: nothing to draw a loss over."
    assert path_length(panel) == 0 and not len(panel.current_item.getData()[0])


def test_seeds_weights_redraw_the_map_for_the_new_model(qtbot, make_window):
    """The seed's weights lie inside the map drawn for the picked start, bias 0 both: the map
    and its text must still be computed again, around the new model's weights."""
    window = make_window(optimizer="sgd", learning_rate=0.5)
    seeds = window.metrics.latest.w
    panel = show_landscape(qtbot, window)
    c1, c2 = panel.landscape.centre
    click_map(qtbot, panel, c1 + 0.1, c2 + 0.1)  # a start inside the map's central half
    qtbot.waitUntil(lambda: window.bridge.config.start_weights is not None, timeout=5_000)
    picked = window.bridge.config.start_weights
    qtbot.waitUntil(lambda: at_epoch_0_from(window, picked), timeout=30_000)
    qtbot.waitUntil(lambda: panel.landscape.centre == pytest.approx(picked, abs=1e-6),
                    timeout=30_000)
    picked_map = panel.landscape
    assert picked_map.inner(seeds, 0.5)  # the old map would still have "fitted" the seed's
    qtbot.mouseClick(panel.seed_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: at_epoch_0_from(window, seeds), timeout=30_000)
    qtbot.waitUntil(lambda: panel.landscape is not picked_map
                    and panel.landscape.centre == pytest.approx(seeds, abs=1e-6),
                    timeout=30_000)
    assert panel.landscape.bias == 0.0
    assert panel.summary.text().startswith("Bias held at 0;")
