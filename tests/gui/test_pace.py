"""The pace a person can follow: measured in epochs per second of wall time, set by the slider,
the keys and the scenarios."""

import time

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication

from core.pacing import PACES
from core.scenarios import SCENARIOS
from core.trainer import TrainerState
from tests.gui.helpers import press_scenario


def epoch_times(window):
    """(wall time, epoch) of every epoch the window is shown, as it arrives."""
    seen = []
    window.bridge.epochsReady.connect(
        lambda batches: seen.extend((time.perf_counter(), int(e)) for b in batches
                                    for e in b.epoch))
    return seen


@pytest.mark.parametrize(("pace", "epochs"), [(5, 8), (60, 60)])
def test_the_window_plays_the_pace_it_shows(qtbot, make_window, pace, epochs):
    """Measured over the run, epochs reach the window at the pace (never faster; on a loaded
    machine a late frame may cost a little, hence the lower bound of 70%)."""
    window = make_window(pace=pace, epochs=epochs)
    assert window.pace.label.text() == f"{pace} epochs/s"
    seen = epoch_times(window)
    window.bridge.start()
    qtbot.waitUntil(lambda: bool(seen) and seen[-1][1] == epochs, timeout=30_000)
    (t0, e0), (t1, e1) = seen[0], seen[-1]
    rate = (e1 - e0) / (t1 - t0)
    assert 0.7 * pace <= rate <= 1.05 * pace
    assert [e for _, e in seen] == list(range(1, epochs + 1))  # each epoch drawn on its own


def test_minus_and_plus_step_the_pace_and_the_trainer_follows(qtbot, make_window):
    window = make_window(pace=60)
    step = PACES.index(60)
    qtbot.keyClick(window.plot, Qt.Key.Key_Minus)
    assert window.pace.pace == PACES[step - 1] == window.bridge.trainer.pace
    qtbot.keyClick(window.plot, Qt.Key.Key_Plus)
    qtbot.keyClick(window.plot, Qt.Key.Key_Plus)
    assert window.pace.pace == PACES[step + 1] == window.bridge.trainer.pace
    for _ in PACES:
        qtbot.keyClick(window.plot, Qt.Key.Key_Plus)
    assert window.pace.pace is None and window.pace.label.text() == "max speed"


def test_the_pace_slider_leaves_space_to_training(qtbot, make_window):
    window = make_window(pace=60)
    slider = window.pace.slider
    qtbot.mouseClick(slider, Qt.MouseButton.LeftButton, pos=slider.rect().center())
    assert QApplication.focusWidget() is not slider
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Space)
    assert window.bridge.running


def test_pause_at_a_slow_pace_stops_between_epochs(qtbot, make_window):
    window = make_window(pace=1)
    seen = epoch_times(window)
    window.bridge.start()
    qtbot.waitUntil(lambda: bool(seen) and seen[-1][1] == 1, timeout=30_000)
    window.toggle_training()  # while the trainer sleeps until epoch 2 is due
    qtbot.waitUntil(lambda: window.bridge.state is TrainerState.PAUSED, timeout=5_000)
    window.bridge.flush()
    assert window.metrics.latest.epoch == 1


@pytest.mark.paced
def test_the_question_plays_at_its_scenarios_pace(qtbot, make_window):
    """Its 20 epochs take seconds, not a fifth of one: the story can be watched."""
    window = make_window(pace=None)
    scenario = SCENARIOS["question-4"]
    assert scenario.pace is not None and scenario.pace <= 10
    seen = epoch_times(window)
    press_scenario(qtbot, window, "Question: 4 points")
    assert window.pace.pace == scenario.pace
    qtbot.waitUntil(lambda: bool(seen) and seen[-1][1] == 20, timeout=60_000)
    first = next(t for t, e in seen if e == 1)
    assert seen[-1][0] - first >= 19 / scenario.pace * 0.95
