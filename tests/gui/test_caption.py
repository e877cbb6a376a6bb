"""The caption above the plot: what the run shows (a scenario's explanation, then a measured
diagnosis with a one-click next fix), and errors that stay until dismissed or replaced."""

from dataclasses import dataclass

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication

from core.scenarios import SCENARIOS
from core.trainer import TrainerState
from gui.controls import scenario_explanation
from tests.gui.helpers import click, press_scenario


@dataclass(frozen=True)
class Caption:
    """What core.diagnosis.diagnose returns (the caption reads only these fields)."""

    template: str
    values: dict
    verdict: str
    next_fix: str | None


def bad_file(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y,label\n0,0,0\n1,1,9\n")
    return bad


def good_file(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("x,y,label\n0,0,0\n2,2,1\n")
    return good


def shows_error(window, text) -> bool:
    return window.caption.isVisible() and window.caption.has_error() \
        and text in window.caption.error_text()


def test_a_file_error_stays_through_messages_and_epochs_until_a_file_loads(
        qtbot, make_window, tmp_path):
    window = make_window()
    assert not window.files.load_file(bad_file(tmp_path))
    assert shows_error(window, "bad.csv:3: label must be 0 or 1")
    # Life goes on: passing messages, a click, epochs (the status bar's message was gone
    # after 15 s or at the next message).
    window.status.message("something else", 1)
    click(qtbot, window, 0.5, 0.5)
    for _ in range(3):
        with qtbot.waitSignal(window.bridge.epochsReady, timeout=30_000):
            qtbot.keyClick(window.plot, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: window.metrics.latest.epoch == 3, timeout=30_000)
    window.bridge.flush()
    qtbot.wait(300)  # a throttled caption update comes and goes
    assert shows_error(window, "bad.csv:3: label must be 0 or 1")
    assert window.files.load_file(good_file(tmp_path))  # a new success
    assert not window.caption.has_error()
    assert "Loaded good.csv" in window.statusBar().currentMessage()


def test_the_cross_and_escape_dismiss_an_error(qtbot, make_window, tmp_path):
    window = make_window()
    window.files.load_file(bad_file(tmp_path))
    qtbot.mouseClick(window.caption.dismiss_button, Qt.MouseButton.LeftButton)
    assert not window.caption.has_error() and not window.caption.error_text()
    window.files.load_file(bad_file(tmp_path))
    assert window.caption.has_error()
    qtbot.keyClick(window.plot, Qt.Key.Key_Escape)
    assert not window.caption.has_error()


def test_a_failed_save_is_an_error_and_a_save_clears_it(make_window, tmp_path):
    window = make_window()
    assert not window.files.save_to(tmp_path / "no such folder" / "points.csv")
    assert shows_error(window, "Could not save")
    assert window.files.save_to(tmp_path / "points.csv")
    assert not window.caption.has_error()
    assert "Saved 4 points" in window.statusBar().currentMessage()


def test_a_divergence_is_an_error_until_the_model_is_reset(qtbot, make_window):
    window = make_window()
    message = "loss became NaN or infinite in epoch 3; kept the weights of epoch 2"
    window.bridge.stateChanged.emit(TrainerState.DIVERGED, message)
    assert shows_error(window, message)
    with qtbot.waitSignal(window.bridge.epochsReady, timeout=30_000):
        qtbot.keyClick(window.plot, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: not window.caption.has_error(), timeout=30_000)


def test_a_scenario_is_explained_then_measured_and_the_limit_is_only_in_passing(
        qtbot, make_window):
    window = make_window()
    states = []
    window.bridge.stateChanged.connect(lambda state, message: states.append(message))
    scenario = SCENARIOS["question-2000"]
    press_scenario(qtbot, window, scenario.title)
    assert window.caption.text() == scenario_explanation(scenario)
    qtbot.waitUntil(lambda: "epoch limit reached" in states, timeout=60_000)
    assert "epoch limit reached" in window.statusBar().currentMessage()  # in passing
    # The run ended: the caption says what it measured, never the trainer's passing message.
    qtbot.waitUntil(lambda: window.caption.text() != scenario_explanation(scenario),
                    timeout=10_000)
    text = window.caption.text()
    assert "epoch limit" not in text and any(c.isdigit() for c in text)
    assert window.caption.verdict() in ("works", "fails")
    assert not window.caption.has_error()
    # A reset starts something new: the passing news is over (it stayed into the next run).
    qtbot.keyClick(window.plot, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: "epoch limit" not in window.statusBar().currentMessage(),
                    timeout=10_000)


def test_after_the_points_change_the_caption_does_not_set_old_fit_beside_new_predict(
        qtbot, make_window):
    """The question's run ends at fit 100%, predict 75%; a point added while paused is
    predicted anew, but fit is the trained epoch's: "Fit says 100% but predict says 60%"
    compared two model states (a review under Xvfb)."""
    window = make_window()
    press_scenario(qtbot, window, "Question: 4 points")
    qtbot.waitUntil(lambda: window.caption.next_fix() == "fix-remove-batchnorm",
                    timeout=60_000)
    assert "Fit says 100%" in window.caption.text()
    click(qtbot, window, 0.5, 0.5)  # a fifth point, class 1, while paused
    qtbot.waitUntil(lambda: window.metrics.stale and window.metrics.latest.n_train == 5,
                    timeout=30_000)
    qtbot.waitUntil(lambda: "Fit says" not in window.caption.text(), timeout=5_000)


def test_the_next_fix_button_applies_its_scenario_and_leaves_space_to_train(
        qtbot, make_window):
    window = make_window()
    window.caption.show_caption(Caption(
        "x spans {low}–{high} while y spans 0–1: the sigmoid saturates", {"low": 0,
                                                                          "high": 999},
        "fails", "fix-normalize"))
    assert window.caption.text() == "x spans 0–999 while y spans 0–1: the sigmoid saturates"
    button = window.caption.fix_button
    assert button.isVisible() and button.text() == "Fix: normalize inputs"
    assert window.caption.verdict() == "fails"
    before = window.bridge.config
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.bridge.config == SCENARIOS["fix-normalize"].config_from(before)
    assert window.bridge.config.normalize and window.controls.normalize.isChecked()
    assert QApplication.focusWidget() is not button  # Space keeps training, not re-fixing
    window.caption.show_caption(Caption("fit and predict agree", {}, "works", None))
    assert not button.isVisible()


def test_the_caption_never_resizes_the_window_at_its_smallest(qtbot, make_window, tmp_path):
    window = make_window()
    window.resize(900, 600)
    qtbot.waitUntil(lambda: window.width() == 900)
    QApplication.processEvents()
    plot, caption = window.plot.geometry(), window.caption.height()
    long = "a measured sentence " * 30
    window.caption.show_caption(Caption(long, {}, "fails", "fix-sgd"))
    window.files.load_file(bad_file(tmp_path))
    QApplication.processEvents()
    assert window.caption.height() == caption and window.plot.geometry() == plot
    assert window.width() == 900
