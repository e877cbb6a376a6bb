"""The real window driven like a person would: clicks at data coordinates, keys, drags."""

import struct
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from PyQt6.QtCore import QPoint, Qt
from PyQt6.QtGui import QImage

from core.trainer import TrainerState
from gui.plot_view import Brush
from tests.gui.helpers import click, epochs_of, one_pixel, scenario_button

ROOT = Path(__file__).resolve().parents[2]


def test_opens_titled_with_points_and_a_line(make_window):
    window = make_window()
    assert window.windowTitle() == "Neuron Lab"
    assert not window.windowIcon().isNull()  # the app icon from resources/icons
    xs, ys = window.plot.drawn_line()
    assert len(xs) == 2  # the untrained model's boundary is drawn before any training
    assert window.metrics.latest.epoch == 0


def test_ctrl_click_and_erase_brush_remove_the_nearest(qtbot, make_window):
    window = make_window()
    click(qtbot, window, 0.9, 0.1, modifier=Qt.KeyboardModifier.ControlModifier)
    assert window.dataset.snapshot().xy.tolist() == [[0, 0], [0, 1], [1, 1]]
    window.set_brush(Brush.ERASE)
    click(qtbot, window, 0.1, 0.9)
    assert window.dataset.snapshot().xy.tolist() == [[0, 0], [1, 1]]
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(window.dataset) == 3


def test_drag_moves_one_point(qtbot, make_window):
    window = make_window()
    viewport = window.plot.viewport()
    start, end = window.plot.to_widget(1.0, 1.0), window.plot.to_widget(1.5, 1.6)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for i in range(1, 11):
        point = start + (end - start) * (i / 10)
        qtbot.mouseMove(viewport, QPoint(int(point.x()), int(point.y())))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)
    xy = window.dataset.snapshot().xy
    assert len(xy) == 4
    tolerance = 2 * one_pixel(window)
    assert abs(xy[3, 0] - 1.5) <= tolerance and abs(xy[3, 1] - 1.6) <= tolerance
    assert xy[:3].tolist() == [[0, 0], [1, 0], [0, 1]]
    window.dataset.undo()  # the whole drag is one undo step
    assert window.dataset.snapshot().xy[3].tolist() == [1, 1]


def test_space_trains_and_the_drawn_line_is_the_models(qtbot, make_window):
    window = make_window(learning_rate=0.5)
    seen = []
    window.bridge.epochsReady.connect(lambda batches: seen.extend(epochs_of(batches)))
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: len(seen) > 20 and seen[-1] > 50, timeout=30_000)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: paused(window), timeout=10_000)
    window.bridge.flush()
    assert seen == sorted(seen) and seen[0] >= 1
    latest = window.metrics.latest
    (x0, x1), (y0, y1) = window.plot.drawn_line()[0], window.plot.drawn_line()[1]
    a, b, c = latest.line
    for x, y in ((x0, y0), (x1, y1)):  # both drawn end points lie on the core's line
        assert abs(a * x + b * y + c) / np.hypot(a, b) < 1e-6


def test_s_steps_exactly_one_epoch(qtbot, make_window):
    window = make_window()
    for expected in (1, 2):
        with qtbot.waitSignal(window.bridge.epochsReady, timeout=10_000) as blocker:
            qtbot.keyClick(window, Qt.Key.Key_S)
        assert epochs_of(blocker.args[0]) == [expected]
    with qtbot.waitSignal(window.bridge.epochsReady, timeout=10_000) as blocker:
        qtbot.keyClick(window, Qt.Key.Key_Right)
    assert epochs_of(blocker.args[0]) == [3]


def test_points_added_while_training_are_shown_and_used(qtbot, make_window):
    window = make_window()
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.metrics.latest.epoch > 10, timeout=30_000)
    click(qtbot, window, 1.5, 1.5)
    click(qtbot, window, -0.5, -0.5, Qt.MouseButton.RightButton)
    assert len(window.dataset) == 6
    qtbot.waitUntil(lambda: sum(s.count() for s in window.plot._scatters.values()) == 6,
                    timeout=1000)
    qtbot.waitUntil(lambda: window.metrics.latest.n_train == 6, timeout=10_000)
    assert window.bridge.running  # training never stopped
    epochs = window.metrics.history("epoch")
    assert np.all(np.diff(epochs) == 1)  # and never restarted


def test_learning_rate_change_applies_live_without_reset(qtbot, make_window):
    window = make_window(learning_rate=0.01)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.metrics.latest.epoch > 5, timeout=30_000)
    window.controls.learning_rate.setValue(0.3)
    assert window.bridge.config.learning_rate == 0.3
    mark = window.metrics.latest.epoch
    qtbot.waitUntil(lambda: window.metrics.latest.epoch > mark + 20, timeout=30_000)
    assert window.metrics.history("epoch")[0] == 0
    assert np.all(np.diff(window.metrics.history("epoch")) == 1)  # no reset happened


def test_changing_batchnorm_rebuilds_and_says_so(qtbot, make_window):
    window = make_window()
    qtbot.keyClick(window, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: window.metrics.latest.epoch == 1, timeout=10_000)
    window.controls.batchnorm.setChecked(True)
    assert "New model" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: window.metrics.latest.epoch == 0, timeout=30_000)


def test_closing_while_training_stops_cleanly(qtbot, make_window):
    window = make_window()
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.metrics.latest.epoch > 5, timeout=30_000)
    window.close()
    assert not [t for t in threading.enumerate() if t.name == "trainer"]


def test_headless_screenshot_is_a_png_of_the_window(tmp_path):
    out = tmp_path / "shot.png"
    done = subprocess.run(
        [sys.executable, "main.py", "--headless", "--quiet", "--preset", "seed-4", "--epochs",
         "3", "--screenshot", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    header = out.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    assert (width, height) == (1280, 820)
    image = QImage(str(out))
    colors = {image.pixelColor(x, y).name() for x in range(0, width, 2)
              for y in range(0, height, 2)}
    assert "#e69f00" in colors and "#0072b2" in colors  # both classes' markers are drawn


def test_closing_with_edited_points_asks_and_can_cancel(qtbot, make_window, answers, tmp_path):
    from PyQt6.QtWidgets import QMessageBox

    replies, asked = answers
    window = make_window()
    window.close()
    assert asked == []  # untouched points: nothing to lose, no question
    window = make_window()
    click(qtbot, window, 0.5, 0.5)
    replies.append(QMessageBox.StandardButton.Cancel)
    window.close()
    assert window.isVisible() and len(asked) == 1  # cancelled: still open, points kept
    assert window.files.save_to(tmp_path / "kept.csv")
    window.close()
    assert not window.isVisible() and len(asked) == 1  # saved: closes without asking


def test_bad_file_is_one_line_in_the_caption_and_keeps_points(make_window, tmp_path):
    window = make_window()
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y,label\n0,0,0\n1,1,9\n")
    before = window.dataset.snapshot()
    assert not window.files.load_file(bad)
    assert "bad.csv:3: label must be 0 or 1" in window.caption.error_text()
    assert np.array_equal(window.dataset.snapshot().xy, before.xy)
    good = tmp_path / "good.csv"
    good.write_text("x,y,label\n0,0,0\n2,2,1\n")
    assert window.files.load_file(good)
    assert len(window.dataset) == 2 and window.windowTitle() == "Neuron Lab — good.csv"


def test_scikit_learn_reference_is_one_key_away_and_follows_edits(qtbot, make_window):
    window = make_window()
    qtbot.keyClick(window, Qt.Key.Key_L)
    qtbot.waitUntil(lambda: len(window.plot.reference_line()[0]) == 2, timeout=30_000)
    (x0, x1), (y0, y1) = window.plot.reference_line()
    # LogisticRegression separates the question's points by y alone: a nearly flat line
    # between y = 0 and y = 1.
    assert 0 < (y0 + y1) / 2 < 1 and abs(y1 - y0) < abs(x1 - x0)
    before = window.plot.reference_line()[1].copy()
    click(qtbot, window, 0.5, 0.6)  # a class-1 point just above the middle

    def moved() -> bool:
        ys = window.plot.reference_line()[1]
        return len(ys) == 2 and not np.allclose(ys, before)

    qtbot.waitUntil(moved, timeout=30_000)
    qtbot.keyClick(window, Qt.Key.Key_L)
    assert len(window.plot.reference_line()[0]) == 0


def paused(window) -> bool:
    """The status bar says the trainer is paused (the last state the bridge delivered)."""
    return window.status.state == TrainerState.PAUSED


def test_question_scenarios_and_fixes_are_one_click(qtbot, make_window):
    window = make_window()
    qtbot.mouseClick(scenario_button(window, "Question: 2000 points"), Qt.MouseButton.LeftButton)
    assert len(window.dataset) == 2000 and window.bridge.config.optimizer == "adam"
    qtbot.waitUntil(lambda: paused(window) and window.metrics.latest.epoch == 5,
                    timeout=60_000)
    assert window.metrics.latest.accuracy < 0.6  # the question's failure, reproduced
    after_fix = []
    window.bridge.epochsReady.connect(lambda batches: after_fix.extend(epochs_of(batches)))
    qtbot.mouseClick(scenario_button(window, "Fix: normalize inputs"), Qt.MouseButton.LeftButton)
    assert window.bridge.config.normalize and window.controls.normalize.isChecked()
    # A new model: epochs start again from 0 and run to the fix's limit of 20.
    qtbot.waitUntil(lambda: 0 in after_fix and after_fix[-1] == 20 and paused(window),
                    timeout=60_000)
    assert window.metrics.latest.eval_accuracy > 0.9  # and the answer's fix working


def test_every_action_says_its_key_in_its_tooltip(make_window):
    window = make_window()
    actions = [a for a in window.actions() if a.shortcuts()]
    assert len(actions) >= 14  # train, step, reset, clear, undo, redo, fit, brushes, files...
    for action in actions:
        key = action.shortcuts()[0].toString()
        assert f"{key})" in action.toolTip() or f"{key} /" in action.toolTip(), action.text()


def test_a_focused_control_keeps_plain_keys(qtbot, make_window):
    """Right on the learning-rate slider moves it; it does not step an epoch."""
    window = make_window()
    slider = window.controls.lr_slider
    slider.setFocus()
    before = slider.value()
    qtbot.keyClick(slider, Qt.Key.Key_Right)
    assert slider.value() == before + 1
    assert window.bridge.trainer.epoch == 0
    window.plot.setFocus()  # with the plot focused, the same key is the step shortcut again
    with qtbot.waitSignal(window.bridge.epochsReady, timeout=10_000):
        qtbot.keyClick(window.plot, Qt.Key.Key_Right)


def test_typing_an_epoch_limit_applies_it_on_enter_not_per_keystroke(qtbot, make_window):
    window = make_window()
    box = window.controls.epochs
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, "5000")
    assert window.bridge.config.epochs == 0  # "5", "50", "500" were never applied
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert window.bridge.config.epochs == 5000


def test_cancelling_the_unsaved_question_changes_nothing(qtbot, make_window, answers):
    from PyQt6.QtWidgets import QMessageBox

    replies, asked = answers
    window = make_window(epochs=7)
    click(qtbot, window, 0.5, 0.5)
    points = window.dataset.snapshot().xy.tolist()
    replies.append(QMessageBox.StandardButton.Cancel)
    window.controls.preset.activated.emit(window.controls.preset.findData("xor"))
    assert window.controls.preset.currentData() == "seed-4"  # the chooser went back
    replies.append(QMessageBox.StandardButton.Cancel)
    qtbot.mouseClick(scenario_button(window, "Question: 2000 points"), Qt.MouseButton.LeftButton)
    assert len(asked) == 2 and window.dataset.snapshot().xy.tolist() == points
    assert window.bridge.config.optimizer == "sgd" and window.bridge.config.epochs == 7
    assert not window.bridge.running


def test_erasing_far_from_every_point_removes_nothing_and_says_so(qtbot, make_window):
    window = make_window()
    window.set_brush(Brush.ERASE)
    click(qtbot, window, 1.9, 1.9)  # ~0.9 from the nearest point: far on a 3-unit view
    assert len(window.dataset) == 4
    assert "No point near" in window.statusBar().currentMessage()


def test_undo_back_to_the_loaded_points_closes_without_asking(qtbot, make_window, answers):
    """Bug 5: the window compared change counters, so add-then-undo still asked to save."""
    from PyQt6.QtWidgets import QMessageBox

    replies, asked = answers
    window = make_window()
    click(qtbot, window, 0.5, 0.5)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(window.dataset) == 4
    qtbot.keyClick(window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)  # redo: edited
    replies.append(QMessageBox.StandardButton.Cancel)
    window.close()
    assert len(asked) == 1 and window.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # back again
    window.close()
    assert len(asked) == 1 and not window.isVisible()  # the loaded points: nothing to ask


def x_range(window) -> tuple[float, float]:
    return window.plot.view_range()[0]


def shows_unit_square(window) -> bool:
    """The view was fitted to points in 0..1 (with a margin), not to 0..999."""
    (x0, x1), (y0, y1) = window.plot.view_range()
    return -0.5 < x0 < 0 and 1 < x1 < 1.5 and -0.5 < y0 < 0 and 1 < y1 < 1.5


def test_choosing_a_preset_fits_the_view_to_its_points(make_window):
    """Bug 2: the view was fitted before the new points were drawn, so it framed the old ones:
    the question's 4 points after its 2000 sat squashed on a 0..1000 axis."""
    window = make_window()
    presets = window.controls.preset
    presets.activated.emit(presets.findData("seed-2000"))
    x0, x1 = x_range(window)
    assert x0 < 0 and 999 < x1 < 1200  # all 2000 points in view
    presets.activated.emit(presets.findData("seed-4"))
    assert len(window.dataset) == 4 and shows_unit_square(window)


def test_opening_a_file_fits_the_view_to_its_points(make_window, tmp_path):
    window = make_window()
    wide, small = tmp_path / "wide.csv", tmp_path / "small.csv"
    wide.write_text("x,y,label\n0,0,0\n999,1,1\n")
    small.write_text("x,y,label\n0,0,0\n1,0,0\n0,1,1\n1,1,1\n")
    assert window.files.load_file(wide)
    assert x_range(window)[1] > 999
    assert window.files.load_file(small)
    assert shows_unit_square(window)


def test_scenario_buttons_fit_the_view_to_their_points(qtbot, make_window):
    window = make_window()
    qtbot.mouseClick(scenario_button(window, "Question: 2000 points"), Qt.MouseButton.LeftButton)
    assert x_range(window)[1] > 999
    qtbot.mouseClick(scenario_button(window, "Question: 4 points"), Qt.MouseButton.LeftButton)
    assert len(window.dataset) == 4 and shows_unit_square(window)
    assert "inference mode" in window.caption.text()  # the scenario's explanation


def test_open_starts_among_the_question_samples_and_loads_one(qtbot, make_window, monkeypatch):
    from PyQt6.QtWidgets import QFileDialog

    from resources import sample_paths

    sample = next(p for p in sample_paths() if p.name == "question-2000.csv")
    asked_in = []

    def get_open_file_name(parent, caption, folder, filters):
        asked_in.append(folder)
        return str(sample), filters

    monkeypatch.setattr(QFileDialog, "getOpenFileName", get_open_file_name)
    window = make_window()
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert asked_in == [str(sample.parent)]
    assert len(window.dataset) == 2000 and window.windowTitle() == "Neuron Lab — question-2000.csv"
    assert x_range(window)[1] > 999
    assert window.controls.preset.currentIndex() == -1  # the points are a file's, not a preset


def test_scenario_on_the_command_line_opens_the_window_training_it(qtbot, answers):
    from core.cli import parse
    from gui.app import open_window

    window = open_window(parse(["--scenario", "question-2000"]))
    qtbot.addWidget(window)
    try:
        assert len(window.dataset) == 2000 and window.controls.preset.currentData() == "seed-2000"
        assert window.bridge.config.epochs == 5 and window.controls.epochs.value() == 5
        assert "saturates" in window.caption.text()
        qtbot.waitUntil(lambda: paused(window) and window.metrics.latest.epoch == 5,
                        timeout=60_000)
        assert not window.document.has_unsaved_points()
    finally:
        window.close()


@pytest.mark.parametrize("how", ["file", "preset"])
def test_new_points_from_a_file_or_a_preset_start_a_fresh_run(qtbot, make_window, monkeypatch,
                                                            tmp_path, how):
    """The old run's 20 epochs, trained on other points, stayed on screen after Open: the
    charts, "trained on the earlier points" and a caption about the old run."""
    from PyQt6.QtWidgets import QFileDialog

    window = make_window(optimizer="sgd", learning_rate=0.5, epochs=20)
    window.bridge.start()
    qtbot.waitUntil(lambda: paused(window) and window.metrics.latest.epoch == 20,
                    timeout=60_000)
    if how == "file":
        path = tmp_path / "mine.csv"
        path.write_text("x,y,label\n0.1,0.1,0\n0.9,0.2,0\n0.2,0.9,1\n0.8,0.8,1\n")
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(path), ""))
        qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    else:
        assert window.load_preset("blobs")
    qtbot.waitUntil(lambda: window.metrics.latest.epoch == 0, timeout=60_000)
    window.metrics.redraw()
    assert list(window.metrics.history("epoch")) == [0.0]  # the old run's epochs are gone
    assert window.metrics.latest.n_train == len(window.dataset)
