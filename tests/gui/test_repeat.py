"""Runs that repeat (issue 9, item 4): Reset gives the seed's start again, N draws a new seed."""

import numpy as np
from PyQt6.QtCore import Qt

from core.trainer import TrainerState


def run_five_epochs(qtbot, window):
    """Reset, then train 5 epochs with S; the figures of epochs 0-5."""
    qtbot.keyClick(window.plot, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: window.metrics.latest.epoch == 0
                    and window.bridge.state is not TrainerState.BUILDING, timeout=30_000)
    for epoch in range(1, 6):
        qtbot.keyClick(window.plot, Qt.Key.Key_S)
        qtbot.waitUntil(lambda epoch=epoch: window.metrics.latest.epoch == epoch,
                        timeout=30_000)
    window.metrics.redraw()
    return {name: window.metrics.history(name).copy() for name in ("loss", "w1", "w2", "b")}


def test_reset_repeats_the_run_and_a_new_seed_gives_another(qtbot, make_window):
    window = make_window(learning_rate=0.3)
    window.plot.setFocus()
    first = run_five_epochs(qtbot, window)
    again = run_five_epochs(qtbot, window)
    for name in first:  # the same seed: the same start and the same shuffles, exactly
        np.testing.assert_array_equal(again[name], first[name], err_msg=name)
    seed = window.controls.seed.value()
    qtbot.keyClick(window.plot, Qt.Key.Key_N)
    assert window.controls.seed.value() != seed  # shown in the box ...
    assert window.bridge.config.seed == window.controls.seed.value()  # ... and in force
    other = run_five_epochs(qtbot, window)
    assert not np.array_equal(other["w1"], first["w1"])
