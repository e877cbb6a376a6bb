"""The learning-rate finder on the real Keras model, and ``--headless --find-lr``."""

import json
import math

import numpy as np
import pytest

import core.cli as cli
import core.lr_finder as finder
import core.split as split
import main
from core.config import TrainConfig
from core.dataset import Dataset
from core.lr_finder import STEPS, find_learning_rate, smooth, suggest, sweep_rates
from core.presets import make_preset

EPOCHS = 20  # the question's 20 epochs


def train_predict_accuracy(config, xy, labels, epochs=EPOCHS):
    """Predict (inference-mode) accuracy after ``epochs`` epochs with the app's real engine."""
    from core.engine import Engine, EngineData
    from core.model import build_model

    neuron = build_model(config)
    neuron.adapt(xy)
    batch = Engine(neuron).run(EngineData.from_arrays(xy, labels), epochs, config.batch_size,
                               seed=config.seed)
    return float(batch.eval_accuracy[-1])


def sweep_of(preset, **config):
    config = TrainConfig(**config)
    xy, labels = make_preset(preset, config.seed)
    return config, xy, labels, find_learning_rate(config, None, xy, labels)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_suggestion_trains_the_four_points_where_adams_default_does_not(optimizer):
    config, xy, labels, sweep = sweep_of("seed-4", optimizer=optimizer, seed=4)
    assert sweep.suggestion is not None, sweep.text()
    adam_default = config.with_changes(optimizer="adam", learning_rate=0.001)
    assert train_predict_accuracy(adam_default, xy, labels) < 1.0  # the question's failure
    suggested = config.with_changes(learning_rate=sweep.suggestion)
    assert train_predict_accuracy(suggested, xy, labels) == 1.0, sweep.suggestion


def test_unscaled_points_get_a_small_rate_for_sgd():
    """x runs to 999: SGD's steps scale with it, so the loss explodes at rates the four points
    need. The suggestion is well below Keras's default 0.01 and the sweep stopped early."""
    _, _, _, unscaled = sweep_of("seed-2000", optimizer="sgd")
    _, _, _, four = sweep_of("seed-4", optimizer="sgd")
    assert unscaled.stopped_early and not unscaled.cancelled
    assert unscaled.suggestion is not None and unscaled.suggestion < 1e-3
    assert four.suggestion > 100 * unscaled.suggestion  # at least two decades apart


def test_curve_and_its_json():
    _, _, _, sweep = sweep_of("noisy-corners", optimizer="sgd")
    assert sweep.template == finder.SUGGESTED and sweep.steps == STEPS and not sweep.stopped_early
    assert sweep.rates[0] == pytest.approx(finder.START_RATE)
    np.testing.assert_allclose(sweep.rates, sweep_rates())
    np.testing.assert_allclose(sweep.smoothed, smooth(sweep.losses))
    # a real fall: the smoothed loss ends well below where the sweep began
    assert sweep.smoothed[-1] < 0.5 * sweep.smoothed[0]
    report = json.loads(json.dumps(sweep.to_dict(), allow_nan=False))
    assert report["suggestion"] == sweep.suggestion and len(report["losses"]) == sweep.steps
    assert report["message"].startswith("suggested learning rate: ")


def test_sweep_starts_from_the_given_weights_and_leaves_the_model_alone():
    from core.model import build_model

    config = TrainConfig(optimizer="sgd", learning_rate=1.0, seed=4)
    xy, labels = make_preset("seed-4", 4)
    live = build_model(config)
    live.keras_model.fit(xy, labels, epochs=30, batch_size=32, verbose=0)
    before = live.keras_model.get_weights()
    trained_loss = float(live.keras_model.evaluate(xy, labels, verbose=0)[0])
    sweep = find_learning_rate(config, before, xy, labels, steps=40)
    for old, new in zip(before, live.keras_model.get_weights()):
        np.testing.assert_array_equal(old, new)
    # batch 32 > 4 points: the first step's loss is the whole set's, before any update
    assert sweep.losses[0] == pytest.approx(trained_loss, rel=1e-5)
    untrained = find_learning_rate(config, None, xy, labels, steps=40)
    assert sweep.losses[0] < 0.7 * untrained.losses[0]


def test_no_rate_to_find_gives_one_line_not_an_error():
    config = TrainConfig()
    empty = find_learning_rate(config, None, np.zeros((0, 2)), np.zeros(0))
    assert empty.template == finder.NO_POINTS and empty.suggestion is None and empty.steps == 0
    ones = find_learning_rate(config, None, np.array([[0.0, 1.0], [1.0, 1.0]]), np.array([1, 1]))
    assert ones.template == finder.ONE_CLASS and ones.suggestion is None
    assert ones.text() == ("All 2 training points are class 1: the loss falls at any rate, so "
                           "there is no rate to find. Add a class-0 point.")
    wrong = find_learning_rate(config.with_changes(normalize=True),
                               [np.zeros((2, 1)), np.zeros(1)], *make_preset("seed-4"))
    assert wrong.template == finder.MISMATCH and wrong.suggestion is None


def test_cancel_stops_at_once_and_progress_counts_steps():
    progress = []
    sweep = find_learning_rate(TrainConfig(), None, *make_preset("seed-4"),
                               should_stop=lambda: len(progress) >= 20,
                               on_progress=lambda done, total: progress.append((done, total)))
    assert sweep.cancelled and sweep.template == finder.CANCELLED and sweep.suggestion is None
    assert sweep.steps == 20 and progress == [(i, STEPS) for i in range(1, 21)]
    assert sweep.text() == f"Sweep cancelled after 20 of {STEPS} steps."


def test_training_points_leave_out_the_held_out_share():
    xy, labels = make_preset("noisy-corners", 0)
    snapshot = Dataset(xy, labels).snapshot()
    x, y = split.training_points(snapshot, TrainConfig(test_split=0.5))
    assert 400 < len(y) < 600 and len(x) == len(y)
    assert len(split.training_points(snapshot, TrainConfig())[1]) == 1000


def test_smoothing_is_bias_corrected():
    """fastai's correction: a constant loss stays constant from the first step (an
    uncorrected average would start at a tenth of it)."""
    np.testing.assert_allclose(smooth([2.0, 2.0, 2.0]), [2.0, 2.0, 2.0])
    assert smooth([1.0, 0.0])[1] == pytest.approx(0.9 / 1.9)  # (0.9*0.1) / (1 - 0.81)


def test_suggest_picks_the_steepest_fall_and_refuses_a_flat_curve():
    rates = sweep_rates()
    logs = np.log10(rates)
    falling = 0.7 / (1 + np.exp(3.0 * (logs + 2.0)))  # falls fastest at 1e-2
    index = suggest(rates, falling, exploded=False)
    assert abs(logs[index] + 2.0) < 0.1  # within a tenth of a decade
    assert suggest(rates, np.full(STEPS, 0.69), exploded=False) is None


def test_templates_name_their_placeholders():
    for template in finder.TEMPLATES:
        names = {part.split("}")[0] for part in template.split("{")[1:]}
        assert all(name.isidentifier() for name in names), template


# --- command line ------------------------------------------------------------------------
def test_find_lr_prints_one_line_and_writes_the_sweep(tmp_path, capsys):
    out = tmp_path / "sweep.json"
    status = main.main(["--headless", "--find-lr", "--preset", "seed-4", "--seed", "4",
                        "--optimizer", "adam", "--json", str(out)])
    printed = capsys.readouterr().out.strip().splitlines()
    assert status == 0 and len(printed) == 1, printed
    assert printed[0].startswith("suggested learning rate: ")
    report = json.loads(out.read_text())
    assert report["config"]["optimizer"] == "adam" and report["data"]["points"] == 4
    assert len(report["rates"]) == len(report["losses"]) == report["steps"] > 0
    rate = float(printed[0].split(": ")[1].split(" ")[0])
    assert math.isclose(rate, report["suggestion"], rel_tol=0.05)  # printed to 2 digits
    assert "epochs" not in report  # it did not train


def test_find_lr_on_one_class_says_why_in_one_line(tmp_path, capsys):
    data = tmp_path / "ones.csv"
    data.write_text("x,y,label\n0,1,1\n1,1,1\n", encoding="utf-8")
    status = main.main(["--headless", "--find-lr", "--data", str(data)])
    captured = capsys.readouterr()
    assert status == 1 and captured.out == ""
    assert captured.err.strip().splitlines() == [
        "neuron-lab: All 2 training points are class 1: the loss falls at any rate, so there "
        "is no rate to find. Add a class-0 point."]


def test_find_lr_needs_headless(capsys):
    assert main.main(["--find-lr"]) == 2
    assert "--find-lr needs --headless" in capsys.readouterr().err


def test_find_lr_ignores_epochs_0_as_it_does_not_train():
    options = cli.parse(["--headless", "--find-lr", "--epochs", "0", "--preset", "seed-4"])
    assert options.find_lr and options.config.epochs == 0
    with pytest.raises(cli.UsageError, match="at least 1"):  # a training run still needs one
        cli.parse(["--headless", "--epochs", "0"])
