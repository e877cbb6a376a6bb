"""The coach names each cause with its measured reason and a fix, and stays silent on runs
that work.

Every run is trained for real, as the window trains it (the trainer into the window's epoch
history), and scikit-learn's LogisticRegression is fitted on the same points, as the window
and ``--headless`` do. Each run is trained once per session (``cache``) and shared by tests.
"""

from functools import cache

import numpy as np
import pytest

from core.cli import parse
from core.coach import (
    BATCHNORM_ACCURACY,
    BATCHNORM_LINES,
    CODES,
    NO_LINE_UNTRAINED,
    RATE_SMALL_FINDER,
    TEMPLATES,
    UNSCALED,
    Advice,
    advise,
)
from core.config import TrainConfig
from core.presets import make_preset
from core.reference import logistic_regression
from tests.core.runs import train


@cache
def run(*argv: str):
    """(options, columns, last epoch, reference) of a command-line run."""
    options = parse(["--headless", "--quiet", *argv])
    columns, latest = train(options.xy, options.labels, options.config)
    return options, columns, latest, logistic_regression(options.xy, options.labels)


def advice_of(*argv: str, finder_rate: float | None = None) -> dict[str, Advice]:
    options, columns, latest, reference = run(*argv)
    advice = advise(options.config, options.xy, options.labels, columns, latest, reference,
                    finder_rate)
    for item in advice:  # every advice is a known code with a template whose values it has
        assert item.code in CODES and item.template in TEMPLATES
        item.message()
    codes = [item.code for item in advice]
    assert len(codes) == len(set(codes)), codes  # one advice per cause
    return {item.code: item for item in advice}


HEALTHY = ("--preset", "noisy-corners", "--optimizer", "sgd", "--lr", "0.5", "--epochs", "50")
BLOBS_NORMALIZED = ("--preset", "blobs", "--normalize")  # SGD 0.01, 100 epochs
QUESTION_4 = ("--scenario", "question-4")  # its own seed 4: fit 100%, predict 75%
QUESTION_2000 = ("--scenario", "question-2000")
WITHOUT_BATCHNORM = ("--preset", "seed-4", "--scenario", "fix-remove-batchnorm", "--seed", "4")
SGD_FIX = ("--preset", "seed-4", "--scenario", "fix-sgd", "--seed", "4")
BIG_STEPS = ("--preset", "seed-4", "--lr", "5", "--epochs", "30")


@pytest.mark.parametrize("argv", [HEALTHY, BLOBS_NORMALIZED], ids=["noisy-corners", "blobs"])
def test_a_healthy_run_gets_no_advice(argv):
    """The answer's fix (noisy corners, SGD 0.5, 50 epochs) and two blobs with normalized
    inputs: nothing is wrong, so the coach says nothing."""
    assert advice_of(*argv) == {}


def test_the_question_on_4_points_gets_remove_batchnorm():
    gap = advice_of(*QUESTION_4)["batchnorm-mode-gap"]
    assert gap.template == BATCHNORM_ACCURACY
    assert gap.values["fit"] == "100" and gap.values["predict"] == "75"
    assert dict(gap.fix) == {"batchnorm": False} and gap.restart
    assert gap.to_dict() == {"code": "batchnorm-mode-gap", "message": gap.message(),
                             "fix": {"batchnorm": False}}


def test_batchnorm_lines_that_disagree_get_remove_batchnorm_too():
    """Fit and predict may agree in accuracy while their lines split the points differently:
    two blobs after 30 epochs at SGD 0.01 with BatchNormalization."""
    gap = advice_of("--preset", "blobs", "--batchnorm", "--epochs", "30")["batchnorm-mode-gap"]
    assert gap.template in (BATCHNORM_ACCURACY, BATCHNORM_LINES)
    assert dict(gap.fix) == {"batchnorm": False}


def test_batchnorm_whose_modes_agree_or_no_batchnorm_gets_no_batchnorm_advice():
    """BatchNormalization on the noisy corners at SGD 0.5 settles (its moving averages reach
    the data's statistics): nothing to advise. Without it there is no gap to speak of."""
    assert "batchnorm-mode-gap" not in advice_of("--preset", "noisy-corners", "--batchnorm",
                                                 "--lr", "0.5", "--epochs", "50")
    assert "batchnorm-mode-gap" not in advice_of(*WITHOUT_BATCHNORM)


def test_the_question_on_2000_points_gets_normalize():
    advice = advice_of(*QUESTION_2000)
    assert list(advice) == ["unscaled-inputs"]  # not "raise the rate": the scale is the cause
    unscaled = advice["unscaled-inputs"]
    assert unscaled.message().startswith("x spans 0–999 while y spans 0–1")
    assert dict(unscaled.fix) == {"normalize": True} and unscaled.restart


def test_unscaled_inputs_that_overshoot_say_so_not_crawl():
    """SGD at 0.5 on the 2000 points: the loss grows into the thousands; "crawls" was wrong."""
    advice = advice_of("--preset", "seed-2000", "--scenario", "fix-sgd", "--seed", "0")
    assert list(advice) == ["unscaled-inputs"]
    message = advice["unscaled-inputs"].message()
    assert "overshoots" in message and "crawls" not in message, message
    assert advice_of(*QUESTION_2000)["unscaled-inputs"].template == UNSCALED  # Adam: crawls


def test_unscaled_inputs_are_advised_before_training_too():
    xy, labels = make_preset("seed-2000")
    advice = advise(TrainConfig(), xy, labels, {}, None)
    assert [a.code for a in advice] == ["unscaled-inputs"]


def test_normalized_unscaled_points_get_no_scale_advice():
    """The fix applied: the same 2000 points with a Normalization layer learn fully."""
    assert advice_of("--preset", "seed-2000", "--scenario", "fix-normalize", "--seed", "0") == {}


def test_adam_at_0_001_on_the_4_points_gets_a_larger_rate():
    """Without BatchNormalization, Adam at 0.001 leaves predict at 75% after 20 epochs while
    LogisticRegression gets 100%: ten times the rate."""
    slow = advice_of(*WITHOUT_BATCHNORM)["learning-rate-too-small"]
    assert "LogisticRegression (C=1) gets 100%" in slow.message()
    assert slow.values["acc"] == "75" and slow.values["rate"] == "0.001"
    assert dict(slow.fix) == {"learning_rate": 0.01} and slow.restart


def test_the_finders_rate_is_the_fix_when_it_ran():
    slow = advice_of(*WITHOUT_BATCHNORM, finder_rate=0.3)["learning-rate-too-small"]
    assert slow.template == RATE_SMALL_FINDER and dict(slow.fix) == {"learning_rate": 0.3}


def test_a_rate_large_enough_gets_no_rate_advice():
    """SGD at 0.5 separates the 4 points in 20 epochs: as good as LogisticRegression."""
    assert advice_of(*SGD_FIX) == {}


def test_an_infinite_loss_gets_a_smaller_rate_and_a_restart():
    advice = advice_of("--preset", "noisy-corners", "--lr", "1000", "--l2", "10", "--epochs",
                       "20")
    diverging = advice["diverging"]
    assert "infinite in epoch 1" in diverging.message()
    assert dict(diverging.fix) == {"learning_rate": 100.0} and diverging.restart


def test_a_growing_loss_is_diverging_too():
    """SGD at 1.5 with an L2 factor of 1 on 4 points: every step overshoots further and the
    loss grows from 1.6 to about 1e17 in 30 epochs without reaching infinity."""
    diverging = advice_of("--preset", "seed-4", "--lr", "1.5", "--l2", "1", "--epochs",
                          "30")["diverging"]
    assert diverging.message().startswith("The loss grew from 1.59 to ")
    assert dict(diverging.fix) == {"learning_rate": 0.15}


def test_a_converging_run_is_not_diverging():
    assert "diverging" not in advice_of(*HEALTHY)
    assert "diverging" not in advice_of(*BIG_STEPS)  # large steps, but the loss falls


def test_one_class_gets_no_fix_and_nothing_else():
    xy, _ = make_preset("seed-4")
    labels = np.ones(4, dtype=np.int8)
    config = TrainConfig(learning_rate=0.5, epochs=10)
    columns, latest = train(xy, labels, config)
    advice = advise(config, xy, labels, columns, latest, logistic_regression(xy, labels))
    assert [a.code for a in advice] == ["one-class"]
    assert dict(advice[0].fix) == {} and not advice[0].restart
    assert advice[0].message().startswith("All 4 points are class 1")


def test_two_classes_are_not_one_class():
    assert "one-class" not in advice_of(*SGD_FIX)


@pytest.mark.parametrize("preset", ["xor", "circles"])
def test_xor_and_circles_are_not_separable_and_no_setting_fixes_it(preset):
    advice = advice_of("--preset", preset, "--epochs", "10")
    assert list(advice) == ["not-separable"]  # not "raise the rate" on top
    assert dict(advice["not-separable"].fix) == {}
    assert "One neuron draws one line" in advice["not-separable"].message()
    best = float(advice["not-separable"].values["best"])
    assert 60 <= best < 90  # about 70%: a line gets a corner or a side, no more


def test_not_separable_is_said_before_training():
    xy, labels = make_preset("xor")
    advice = advise(TrainConfig(), xy, labels, {}, None)
    assert [(a.code, a.template) for a in advice] == [("not-separable", NO_LINE_UNTRAINED)]


def test_overlapping_blobs_are_separable_enough():
    assert "not-separable" not in advice_of(*BLOBS_NORMALIZED)


def test_separated_points_with_growing_weights_get_l2():
    """SGD at 5 separates the 4 points at once; after that the loss falls only because |w|
    grows: the answer's point that the best weights are infinite."""
    growing = advice_of(*BIG_STEPS)["weights-growing"]
    assert float(growing.values["now"]) > float(growing.values["then"])
    assert dict(growing.fix) == {"l2": 0.01} and growing.restart


def test_with_the_l2_fix_or_before_the_points_are_confidently_separated_no_l2_advice():
    assert advice_of(*BIG_STEPS, "--l2", "0.01") == {}  # the fix applied
    assert "weights-growing" not in advice_of(*SGD_FIX)  # loss 0.28: the line still moves
    assert "weights-growing" not in advice_of(*HEALTHY)  # 99.7%: not all separated yet


def test_no_points_no_advice():
    assert advise(TrainConfig(), np.empty((0, 2)), np.empty(0), {}, None) == []
