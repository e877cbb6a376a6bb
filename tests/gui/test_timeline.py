"""Looking back: any recorded epoch's line, map and figures, without retraining; then live."""

import numpy as np
from PyQt6.QtCore import Qt

from core.geometry import clip_line
from core.trainer import TrainerState


def trained(qtbot, make_window, epochs=30):
    """A window that trained ``epochs`` epochs, with every reported epoch kept by number."""
    window = make_window(optimizer="sgd", learning_rate=0.5, epochs=epochs)
    reported = {0: window.metrics.latest}  # the untrained model, shown when the window opened
    window.bridge.epochsReady.connect(
        lambda batches: reported.update((s.epoch, s) for b in batches for s in b))
    window.bridge.start()
    qtbot.waitUntil(lambda: window.bridge.state is TrainerState.PAUSED
                    and window.metrics.latest.epoch == epochs, timeout=60_000)
    return window, reported


def drawn_line_is(window, line) -> bool:
    """Whether the plot's decision line is ``line`` (a*x + b*y + c = 0) as the view clips it."""
    ends = clip_line(line, *window.plot.view_range())
    xs, ys = window.plot.drawn_line()
    return ends is not None and np.allclose([xs[0], ys[0], xs[1], ys[1]],
                                            [ends[0][0], ends[0][1], ends[1][0], ends[1][1]])


def key(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(window.plot, key, modifier)


def test_bracket_and_shift_left_step_back_through_recorded_epochs(qtbot, make_window):
    window, reported = trained(qtbot, make_window)
    for _ in range(3):
        key(qtbot, window, Qt.Key.Key_BracketLeft)
    key(qtbot, window, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    key(qtbot, window, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert window.timeline.cursor == 25
    assert drawn_line_is(window, reported[25].line)  # epoch 25's line, not the latest
    assert not drawn_line_is(window, reported[30].line)
    assert "25" in window.timeline.label.text()
    key(qtbot, window, Qt.Key.Key_BracketRight)
    assert window.timeline.cursor == 26 and drawn_line_is(window, reported[26].line)
    qtbot.mouseClick(window.timeline.back, Qt.MouseButton.LeftButton)  # ◀ does what [ does
    assert window.timeline.cursor == 25
    # Nothing trained meanwhile: the model is still at epoch 30.
    assert window.bridge.trainer.epoch == 30 and not window.bridge.running
    assert window.timeline.slider.pageStep() == 30 // 20  # a click in the groove: a 20th


def test_the_figures_shown_are_the_epochs_own(qtbot, make_window):
    window, reported = trained(qtbot, make_window)
    window.timeline.slider.setValue(12)
    shown = window.metrics.recorded.epoch_at(window.timeline.cursor)
    assert shown.epoch == 12
    assert shown.w == reported[12].w and shown.eval_accuracy == reported[12].eval_accuracy
    window.timeline.slider.setValue(0)  # the seed's initial weights
    assert drawn_line_is(window, reported[0].line)
    # The caption speaks of that epoch too, and does not say "press Space to train".
    qtbot.waitUntil(lambda: "Epoch 0" in window.caption.text(), timeout=5_000)


def test_end_returns_to_live_and_train_goes_on_from_the_latest_epoch(qtbot, make_window):
    window, reported = trained(qtbot, make_window, epochs=20)
    window.timeline.slider.setValue(5)
    key(qtbot, window, Qt.Key.Key_End)
    assert window.timeline.cursor is None and drawn_line_is(window, reported[20].line)

    window.timeline.slider.setValue(5)
    window.bridge.set_config(window.bridge.config.with_changes(epochs=25))
    key(qtbot, window, Qt.Key.Key_Space)  # Train while looking back: live again, from 20
    assert window.timeline.cursor is None
    qtbot.waitUntil(lambda: window.bridge.state is TrainerState.PAUSED
                    and window.metrics.latest.epoch == 25, timeout=60_000)
    assert sorted(e for e in reported if e > 20) == [21, 22, 23, 24, 25]  # no retraining
    assert drawn_line_is(window, reported[25].line)


def test_a_reset_while_looking_back_returns_to_live(qtbot, make_window):
    window, reported = trained(qtbot, make_window, epochs=20)
    window.timeline.slider.setValue(10)
    with qtbot.waitSignal(window.bridge.epochsReady, timeout=60_000):
        key(qtbot, window, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: window.metrics.latest.epoch == 0)
    assert window.timeline.cursor is None
    assert drawn_line_is(window, window.metrics.latest.line)
