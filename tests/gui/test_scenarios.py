"""The scenario buttons, pressed as a newcomer presses them: again and again, and compared
with the command line that claims to run the same thing."""

import json

import numpy as np
import pytest

from core.cli import parse
from core.headless import run
from core.trainer import TrainerState
from tests.gui.helpers import epochs_of, press_scenario


def test_pressing_a_scenario_again_after_it_finished_trains_it_again(qtbot, make_window):
    """It used to stay at "epoch 0 · paused" (or "epoch limit reached" at epoch 0) in a third
    to a half of the presses after the first run had reached its limit."""
    window = make_window()
    for attempt in range(6):
        seen = []
        window.bridge.epochsReady.connect(
            lambda batches, seen=seen: seen.extend(epochs_of(batches)))
        press_scenario(qtbot, window, "Question: 4 points")
        qtbot.waitUntil(lambda seen=seen: 0 in seen and seen[-1] == 20
                        and window.bridge.state is TrainerState.PAUSED
                        and not window.bridge.running, timeout=60_000)
        assert seen[seen.index(0):] == list(range(21)), attempt
        assert window.metrics.latest.epoch == 20


@pytest.mark.parametrize(("title", "flags", "test_split"), [
    ("Question: 4 points", ["--scenario", "question-4"], 0.0),
    # A fix keeps the points and the split: 2 of the 4 points held out, really exercised.
    ("Fix: SGD, rate 0.5", ["--scenario", "fix-sgd", "--preset", "seed-4"], 0.5),
])
def test_a_scenario_button_and_its_command_line_give_the_same_figures(
        qtbot, make_window, tmp_path, title, flags, test_split):
    """`--scenario NAME --seed 0` and the button at seed 0: the same data, the same initial
    weights, the same shuffles, so the same numbers (the engine's chunking by frame time does
    not change them: tests/core/test_engine_matches_fit.py)."""
    out = tmp_path / "run.json"
    assert run(parse(["--headless", "--quiet", *flags, "--seed", "0",
                      "--test-split", str(test_split), "--json", str(out)])) == 0
    epochs = json.loads(out.read_text())["epochs"]
    assert (epochs[-1]["n_test"] > 0) == (test_split > 0)  # the split is really exercised
    window = make_window(seed=0, test_split=test_split)
    if title.startswith("Question"):
        window.dataset.add(0.5, 0.5, 1)  # the window held other points before the press
    press_scenario(qtbot, window, title)
    qtbot.waitUntil(lambda: window.metrics.latest.epoch == 20 and not window.bridge.running,
                    timeout=60_000)
    window.metrics.redraw()
    history = {name: window.metrics.history(name)[-20:] for name in
               ("epoch", "loss", "accuracy", "eval_accuracy", "test_accuracy", "w1", "w2",
                "b")}
    np.testing.assert_array_equal(history["epoch"], [e["epoch"] for e in epochs])
    for name in ("loss", "accuracy", "eval_accuracy", "test_accuracy", "b"):
        expected = [np.nan if e[name] is None else e[name] for e in epochs]
        np.testing.assert_array_equal(history[name], expected, err_msg=name)
    np.testing.assert_array_equal(np.column_stack([history["w1"], history["w2"]]),
                                  [e["w"] for e in epochs])


def test_the_question_shows_the_batchnorm_gap_at_the_default_seed(qtbot, make_window):
    """Right after launch (the Seed box at its default, 0) "Question: 4 points" showed fit
    50% = predict 50% in 7 of 7 launches: the lesson was not on screen. Now every epoch of the
    run shows the gap, in large type and in the caption's words."""
    window = make_window()
    assert window.controls.seed.value() == 0
    press_scenario(qtbot, window, "Question: 4 points")
    qtbot.waitUntil(lambda: window.metrics.latest.epoch == 20 and not window.bridge.running,
                    timeout=60_000)
    window.metrics.redraw()
    fit = window.metrics.history("accuracy")[1:]
    predict = window.metrics.history("eval_accuracy")[1:]
    assert len(fit) == 20 and np.all(fit != predict)  # at every epoch, not just the last
    assert (fit[-1], predict[-1]) == (1.0, 0.75)
    figures = window.metrics._figures
    qtbot.waitUntil(lambda: (figures.fit.text(), figures.predict.text()) == ("100%", "75%"))
    # The run over, the caption turns from the scenario's explanation to what was measured,
    # and offers the answers' first fix.
    qtbot.waitUntil(lambda: window.caption.next_fix() == "fix-remove-batchnorm", timeout=5_000)
    assert "Fit says 100%" in window.caption.text() and "predict says 75%" in window.caption.text()
