"""The caption says what the run on screen shows, with the measured figure, and offers the fix.

The question's runs and their fixes are trained for real, as the window trains them (the
trainer into the window's epoch history); rules about figures alone use hand-built histories.
"""

import dataclasses
import time
from functools import cache

import numpy as np
import pytest

from core.cli import parse
from core.config import TrainConfig
from core.diagnosis import (
    BARELY_MOVING,
    BATCHNORM_GAP,
    CHANGED,
    DIVERGED,
    DIVERGED_L2,
    DIVERGED_UNSCALED,
    LEARNING_ACCURACY,
    NEAR_BEST,
    NO_POINTS,
    NOT_SEPARABLE,
    ONE_CLASS,
    OVERLAP,
    SEPARABLE_SAMPLE,
    TEMPLATES,
    UNSCALED_SLOW,
    UNSCALED_STUCK,
    UNTRAINED,
    UNTRAINED_UNSCALED,
    WORKS_SEPARATED,
    WORKS_SEPARATED_L2,
    Caption,
    best_line_accuracy,
    diagnose,
)
from core.history import COLUMNS
from core.presets import make_preset
from core.record import EpochStats
from core.scenarios import SCENARIOS
from tests.core.runs import train


@cache
def trained(*argv: str):
    """(options, history columns, last epoch) of a run, trained as the window trains it."""
    options = parse(["--headless", "--quiet", *argv])
    return (options, *train(options.xy, options.labels, options.config))


def caption_of(*argv: str) -> Caption:
    options, history, latest = trained(*argv)
    caption = diagnose(options.config, options.xy, options.labels, history, latest)
    assert caption.template in TEMPLATES
    caption.text()  # every placeholder has its value
    return caption


def stats(epoch: int, accuracy: float, eval_accuracy: float, w=(0.5, 0.5), b=0.0,
          loss: float = 0.5, n: int = 4, diverged: bool = False) -> EpochStats:
    return EpochStats(epoch=epoch, loss=loss, accuracy=accuracy, eval_loss=loss,
                      eval_accuracy=eval_accuracy, test_loss=None, test_accuracy=None, w=w,
                      b=b, line=(w[0], w[1], b), train_line=None, n_train=n, n_test=0,
                      diverged=diverged)


def history_of(eval_accuracy, eval_loss=None, w1=None) -> dict[str, np.ndarray]:
    """Hand-built columns: epochs 0..E with these predict figures."""
    acc = np.asarray(eval_accuracy, float)
    columns = {name: np.zeros(len(acc)) for name in COLUMNS}
    columns["epoch"] = np.arange(len(acc), dtype=float)
    columns["eval_accuracy"] = columns["accuracy"] = acc
    columns["eval_loss"] = columns["loss"] = (np.linspace(0.7, 0.6, len(acc))
                                              if eval_loss is None else np.asarray(eval_loss))
    if w1 is not None:
        columns["w1"] = np.asarray(w1, float)
    return columns


FOUR = make_preset("seed-4")
THOUSANDS = make_preset("seed-2000")


def test_without_points_or_with_one_class_it_says_what_to_add():
    empty = diagnose(TrainConfig(), np.empty((0, 2)), np.empty(0), {}, None)
    assert (empty.template, empty.verdict, empty.next_fix) == (NO_POINTS, "idle", None)
    one = diagnose(TrainConfig(), FOUR[0][:2], FOUR[1][:2], {}, None)
    assert one.template == ONE_CLASS
    assert one.text() == ("All 2 points are class 0: add a class-1 point so there is something "
                          "to separate.")


def test_before_training_it_counts_the_points_and_warns_of_an_unscaled_feature():
    ready = diagnose(TrainConfig(), *FOUR, {}, None)
    assert ready.template == UNTRAINED and ready.values["n1"] == 2
    unscaled = diagnose(TrainConfig(), *THOUSANDS, {}, None)
    assert unscaled.template == UNTRAINED_UNSCALED and unscaled.next_fix == "fix-normalize"
    assert unscaled.text().startswith("x spans 0–999 while y spans 0–1")
    normalized = diagnose(TrainConfig(normalize=True), *THOUSANDS, {}, None)
    assert normalized.template == UNTRAINED  # the Normalization layer takes care of it


def test_the_question_on_4_points_shows_the_batchnorm_gap_and_offers_removing_it():
    """At the app's default seed (0) the button's own seed gives the question's symptom."""
    caption = caption_of("--scenario", "question-4", "--seed", "0")
    assert caption.template == BATCHNORM_GAP
    assert (caption.verdict, caption.next_fix) == ("fails", "fix-remove-batchnorm")
    assert caption.text().startswith("Fit says 100% (training mode")
    assert "predict says 75% (inference mode" in caption.text()
    # 20 epochs of one batch each: the moving averages covered 1 - 0.99**20 of the way.
    assert caption.values["steps"] == 20 and caption.values["share"] == "18"


def test_the_batchnorm_gap_lasts_all_20_epochs_and_the_two_lines_separate_differently():
    """What the window shows while the question plays: fit and predict apart at every epoch;
    the dashed training-mode line separates the 4 points, the solid inference line does not."""
    options, history, latest = trained("--scenario", "question-4", "--seed", "0")
    assert options.config.seed == 4
    fit, predict = history["accuracy"][1:], history["eval_accuracy"][1:]
    assert len(fit) == 20 and np.all(fit == 1.0) and np.all(predict == 0.75)

    def separated(line) -> float:
        a, b, c = line
        xy, labels = options.xy, options.labels
        return float(np.mean((a * xy[:, 0] + b * xy[:, 1] + c > 0) == (labels == 1)))

    assert (separated(latest.train_line), separated(latest.line)) == (1.0, 0.75)


def test_removing_batchnorm_on_4_points_says_adam_at_0_001_barely_moves_and_offers_sgd():
    caption = caption_of("--scenario", "fix-remove-batchnorm", "--preset", "seed-4",
                         "--seed", "4")
    assert caption.template == BARELY_MOVING and caption.next_fix == "fix-sgd"
    assert caption.text() == ("Fit and predict agree at 75%, but Adam at rate 0.001 moved the "
                              "weights by only 0.02 in 20 epochs: raise the rate.")


def test_sgd_at_0_5_then_works_and_says_why_the_loss_keeps_falling():
    caption = caption_of("--scenario", "fix-sgd", "--preset", "seed-4", "--seed", "4")
    assert (caption.template, caption.verdict, caption.next_fix) == (
        WORKS_SEPARATED, "works", None)
    assert caption.text().startswith("Works: predict separates all 4 points. The loss (0.29)")


def test_the_question_on_2000_points_says_x_saturates_the_sigmoid_and_offers_normalizing():
    caption = caption_of("--scenario", "question-2000")
    assert caption.template == UNSCALED_STUCK and caption.next_fix == "fix-normalize"
    assert caption.text() == ("x spans 0–999 while y spans 0–1: the sigmoid saturates; "
                              "predict accuracy has stayed at 50.1% for 5 epochs.")
    fixed = caption_of("--scenario", "fix-normalize", "--preset", "seed-2000", "--seed", "0")
    assert fixed.verdict == "works" and "all 2000 points" in fixed.text()


def test_sgd_on_the_unscaled_points_still_says_normalize():
    """Each fix either works or says what remains wrong: SGD alone cannot fix the scale."""
    caption = caption_of("--scenario", "fix-sgd", "--preset", "seed-2000", "--seed", "0")
    assert caption.template == UNSCALED_STUCK and caption.next_fix == "fix-normalize"
    slow = caption_of("--scenario", "fix-remove-batchnorm", "--preset", "seed-2000",
                      "--seed", "0")
    assert slow.template == UNSCALED_SLOW and slow.next_fix == "fix-normalize"
    assert "predict accuracy is 83.6% after 20 epochs" in slow.text()


def test_a_run_still_improving_says_from_what_to_what():
    caption = caption_of("--scenario", "answer-noisy-corners", "--seed", "0")
    assert (caption.template, caption.verdict) == (LEARNING_ACCURACY, "learning")
    assert caption.text().endswith("to 91.7% in the last 20 epochs.")


def test_xor_says_one_line_cannot_separate_it_with_the_best_a_line_gets():
    xy, labels = make_preset("xor", 0)
    best = best_line_accuracy(xy, labels)
    assert 0.6 < best < 0.8
    history = history_of([0.5, 0.52, 0.53, 0.52, 0.52, 0.52])
    caption = diagnose(TrainConfig(), xy, labels, history, stats(5, 0.52, 0.52, n=400))
    assert caption.template == NOT_SEPARABLE and caption.verdict == "fails"
    assert caption.values["best"] == f"{100 * best:.1f}".removesuffix(".0")
    assert "predict gets 52%" in caption.text()


def test_overlapping_clouds_near_the_best_line_count_as_working():
    xy, labels = make_preset("blobs", 0)
    best = best_line_accuracy(xy, labels)
    assert 0.9 < best < 1.0
    history = history_of(np.linspace(0.8, best - 0.01, 30))
    caption = diagnose(TrainConfig(), xy, labels, history, stats(29, 0.9, best - 0.01, n=400))
    assert (caption.template, caption.verdict) == (OVERLAP, "works")


def test_the_best_line_never_splits_equal_projections():
    """The 4 points are separable (100%); on x alone they would tie, never 75%."""
    assert best_line_accuracy(*FOUR) == 1.0
    xy = np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 1.0], [1.0, 1.0]])
    assert best_line_accuracy(xy, np.array([0, 1, 0, 1])) == 0.5


def test_the_best_line_of_a_sample_is_scored_on_every_point():
    """Past SEPARABLE_SAMPLE points the line is chosen on an even sample: its score there is
    the best of many tries, so it must be scored again on all points. Here the sampled rows
    are perfectly separable and the others are coin flips: no line gets near 100%."""
    rng = np.random.default_rng(0)
    n = 20_000
    xy = rng.normal(size=(n, 2))
    labels = rng.integers(0, 2, n)
    sampled = np.linspace(0, n - 1, SEPARABLE_SAMPLE).astype(int)
    labels[sampled] = xy[sampled, 0] > 0
    best = best_line_accuracy(xy, labels)
    truth = max(np.mean((xy[:, 0] > 0) == labels), np.mean((xy[:, 0] > 0) != labels))
    assert best < 0.6 and abs(best - truth) < 0.02  # the line x = 0, about, on every point
    # Clean data: the sample's line is as good on all points as a line can be.
    clean = (xy[:, 0] + 0.5 * xy[:, 1] > 0).astype(int)
    assert best_line_accuracy(xy, clean) > 0.99


def test_a_diverged_run_says_the_rate_is_too_large():
    history = history_of([0.5, 0.75, 0.5])
    latest = stats(2, 0.5, 0.5, loss=float("nan"), diverged=True)
    caption = diagnose(TrainConfig(learning_rate=50.0), *FOUR, history, latest)
    assert caption.template == DIVERGED and caption.verdict == "fails"
    # The trainer kept epoch 2's weights: the loss became infinite in epoch 3, as its error
    # line says too.
    assert caption.text() == ("The loss became infinite in epoch 3: a rate of 50 is too large "
                              "for SGD here; lower the rate.")
    unscaled = diagnose(TrainConfig(learning_rate=50.0), *THOUSANDS, history,
                        stats(2, 0.5, 0.5, loss=float("inf"), n=2000))
    assert unscaled.template == DIVERGED_UNSCALED and unscaled.next_fix == "fix-normalize"
    with_l2 = diagnose(TrainConfig(learning_rate=1.5, l2=1.0), *FOUR, history, latest)
    assert with_l2.template == DIVERGED_L2 and "L2 factor of 1" in with_l2.text()


def test_separated_points_with_l2_do_not_claim_infinite_weights():
    """The coach's "Add L2" fix applied: the caption said the best weights are infinite."""
    latest = stats(50, 1.0, 1.0, loss=0.2)
    history = history_of([0.5] + [1.0] * 50)
    assert diagnose(TrainConfig(), *FOUR, history, latest).template == WORKS_SEPARATED
    caption = diagnose(TrainConfig(l2=0.01), *FOUR, history, latest)
    assert caption.template == WORKS_SEPARATED_L2 and "L2 factor of 0.01" in caption.text()


def test_an_epoch_re_evaluated_after_an_edit_is_not_called_diverged():
    """After a point is added, the window shows the epoch with its fit figures left out
    (None): the caption said "the loss became infinite in epoch 5"."""
    latest = dataclasses.replace(stats(5, 0.75, 0.75), loss=None, accuracy=None)
    caption = diagnose(TrainConfig(optimizer="adam", learning_rate=0.001), *FOUR,
                       history_of([0.5, 0.75, 0.75, 0.75, 0.75, 0.75]), latest)
    assert caption.template not in (DIVERGED, DIVERGED_L2, DIVERGED_UNSCALED), caption.text()


def test_a_run_that_diverges_in_its_first_epoch_says_so_not_press_space():
    """It kept epoch 0's weights, and the caption said "press Space to train" (which would
    only diverge again) under the error line."""
    latest = stats(0, None, 0.5, diverged=True)
    caption = diagnose(TrainConfig(learning_rate=1000.0), *FOUR, history_of([0.5]), latest)
    assert caption.template == DIVERGED and "in epoch 1" in caption.text()


def test_a_run_as_good_as_one_line_gets_is_not_called_a_failure():
    """Noisy corners at 99.7% after 31,500 epochs, the best line about 100%: a red cross and
    "stayed at 99.7% for 255 epochs", the length of the rows read rather than of the run."""
    rng = np.random.default_rng(0)
    xy = rng.normal(size=(1000, 2))
    labels = (xy[:, 1] > 0).astype(int)
    labels[:3] = 1 - labels[:3]  # three points on the wrong side: 99.7% at best
    acc = np.full(2000, 0.997)
    history = history_of(acc, eval_loss=np.full(2000, 0.05), w1=np.linspace(0.0, 3.0, 2000))
    caption = diagnose(TrainConfig(), xy, labels, history, stats(1999, 0.997, 0.997, n=1000,
                                                                 w=(0.1, 3.0), loss=0.05))
    assert (caption.template, caption.verdict) in ((NEAR_BEST, "works"), (OVERLAP, "works"))
    assert "255 epochs" not in caption.text()


def test_learning_is_measured_over_the_recent_epochs_only():
    acc = np.concatenate([np.full(1000, 0.5), np.linspace(0.6, 0.9, 300)])
    history = history_of(acc, w1=np.linspace(0.0, 3.0, len(acc)))
    latest = stats(len(acc) - 1, 0.9, 0.9, w=(3.0, 0.5), n=400)
    xy, labels = make_preset("noisy-corners", 0)
    caption = diagnose(TrainConfig(), xy, labels, history, latest)
    assert caption.template == LEARNING_ACCURACY
    assert caption.values["k"] == 255 and caption.values["b"] == "90"


def test_a_scrubbed_epoch_is_diagnosed_as_it_was_then():
    options, history, latest = trained("--scenario", "question-4")
    then = stats(0, None, 0.75, w=(history["w1"][0], history["w2"][0]), b=history["b"][0])
    caption = diagnose(options.config, options.xy, options.labels, history, then)
    assert caption.template == UNTRAINED
    past = EpochStats(**{**latest.__dict__, "epoch": 10})
    caption = diagnose(options.config, options.xy, options.labels, history, past)
    assert caption.template == BATCHNORM_GAP and caption.values["steps"] == 10


def test_it_is_cheap_on_the_longest_history():
    """Called up to 4 times a second on 131,072 rows and many points: well under a frame."""
    rows = 1 << 17
    acc = np.linspace(0.5, 0.99, rows)
    history = history_of(acc, eval_loss=np.linspace(0.7, 0.1, rows), w1=np.linspace(0, 5, rows))
    xy, labels = make_preset("noisy-corners", 1)
    xy, labels = np.tile(xy, (50, 1)), np.tile(labels, 50)  # 50,000 points
    latest = stats(rows - 1, 0.99, 0.99, w=(5.0, 0.5), loss=0.1, n=len(labels))
    diagnose(TrainConfig(), xy, labels, history, latest)  # the best line, once per data set
    began = time.perf_counter()
    for _ in range(10):
        caption = diagnose(TrainConfig(), xy, labels, history, latest)
    assert (time.perf_counter() - began) / 10 < 0.02
    assert caption.text() == ("Learning: the loss fell from 0.101 to 0.1 in the last 255 "
                              "epochs; predict accuracy is 99%.")


@pytest.mark.parametrize("question", ["question-4", "question-2000"])
def test_following_the_offered_fixes_from_the_question_ends_in_a_run_that_works(question):
    """Each fix works, or its caption says what remains wrong and offers the next one."""
    scenario = SCENARIOS[question]
    seed = str(scenario.changes["seed"])  # a fix keeps the seed the question set
    caption, argv, pressed = caption_of("--scenario", question), None, [question]
    while caption.next_fix is not None and len(pressed) < 5:
        pressed.append(caption.next_fix)
        argv = ("--scenario", caption.next_fix, "--preset", scenario.preset, "--seed", seed)
        caption = caption_of(*argv)
    assert caption.verdict == "works", pressed
    assert pressed == {"question-4": ["question-4", "fix-remove-batchnorm", "fix-sgd"],
                       "question-2000": ["question-2000", "fix-normalize"]}[question]


def test_an_accuracy_that_just_changed_is_not_said_to_have_stayed():
    """Points moved while paused: the re-evaluated epoch's accuracy differs from the flat
    stretch before it, so it has stayed for 0 epochs; the caption says what it is now."""
    xy, labels = FOUR
    history = history_of([0.75] * 30 + [0.5], eval_loss=[0.6] * 31, w1=[0.0] * 31)
    caption = diagnose(TrainConfig(), xy, labels, history,
                       stats(30, 0.75, 0.5, w=(2.0, 1.0), loss=0.6))
    assert caption.template == CHANGED and "0 epochs" not in caption.text()
    assert caption.text().startswith("Predict gets 50% on the points as they are now")
