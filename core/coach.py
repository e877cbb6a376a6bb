"""The coach: what is wrong with this run, the measured reason, and the setting that fixes it.

Where the caption (``core.diagnosis``) names the one thing to notice, the coach lists every
cause it can measure, each with a stable ``code`` (for the command line, ``--json`` and tests),
one sentence with the figures behind it, and a fix as ``TrainConfig`` changes the window can
apply in one click. It reads what the caption reads (the settings, the points, the history's
first row and tail) with the same cached per-point figures, plus scikit-learn's
``LogisticRegression`` on the same points (``core.reference``): what a linear model, fitted to
the end by another solver, reaches here. A run that works gets no advice at all: every
threshold below says why it is where it is, and the tests hold healthy runs to silence.

Templates are English with ``{named}`` placeholders, listed in ``TEMPLATES``; the window
translates the template, then fills in the values, which are already formatted.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from core.config import LEARNING_RATE_RANGE, TrainConfig
from core.diagnosis import (
    BN_GAP,
    MIN_EPOCHS,
    SEPARABLE_SAMPLE,
    _number,
    _optimizer_name,
    _percent,
    _Points,
    _Run,
)
from core.geometry import logit
from core.i18n import N_, _
from core.record import EpochStats
from core.reference import Reference

BATCHNORM_MODE_GAP = "batchnorm-mode-gap"
UNSCALED_INPUTS = "unscaled-inputs"
LEARNING_RATE_TOO_SMALL = "learning-rate-too-small"
DIVERGING = "diverging"
ONE_CLASS = "one-class"
NOT_SEPARABLE = "not-separable"
WEIGHTS_GROWING = "weights-growing"
CODES = (BATCHNORM_MODE_GAP, UNSCALED_INPUTS, LEARNING_RATE_TOO_SMALL, DIVERGING, ONE_CLASS,
         NOT_SEPARABLE, WEIGHTS_GROWING)

# The two BatchNormalization lines disagree when they put more than this share of the points
# on different sides: 5% is one of 20 points, far more than the last batch's noise moves a
# settled training-mode line (the moving averages then match the data's statistics).
LINE_DISAGREEMENT = 0.05
# A linear model reaching this many points of percentage more than the neuron is "clearly
# higher": healthy runs still on their way stay within it (two overlapping blobs at SGD 0.01
# after 100 epochs: 94% against LogisticRegression's 97.5%), a rate 100 times too small does
# not (the answer's noisy corners at SGD 0.01, 20 epochs: 92% against 99.9%).
REFERENCE_GAP = 0.05
# Raising a too-small rate: ten times, the step of the finder's and Keras's usual grid, but
# never past a rate at which one neuron on normalized points still converges (SGD is stable
# up to a few units here; Adam, RMSprop and Adagrad take steps of about the rate itself, so a
# tenth already moves a weight by 1 per few steps).
RATE_STEP = 10.0
MAX_SUGGESTED_RATE = {"sgd": 1.0, "adam": 0.1, "rmsprop": 0.1, "adagrad": 0.1}
# A loss this many times the untrained model's (a sigmoid near 0.5: about 0.7 on scaled points)
# is growing, not noise: each step overshoots more than the last. A healthy run's loss falls
# below its start within the first epoch.
LOSS_GROWTH = 2.0
# The rows at the end of the tail the growth is judged on (their median, not the last value:
# a large but stable rate makes the loss jump from epoch to epoch).
RECENT_ROWS = 5
# The best straight line misclassifies more than a tenth of the points: the classes are not
# "overlapping a little" (two noisy blobs: 2-3%) but arranged so no line fits (XOR and circles:
# about 30% or more). The caption draws the same border.
SEPARABLE_ACCURACY = 0.9
# Separated points and a loss below this: every point is already on its side with probability
# above 0.9 or so, so the loss can fall further only by scaling the weights up (the best
# weights are infinite), not by moving the line. Before that, growing weights are learning.
CONFIDENT_LOSS = 0.1
# "Keeps growing": over the later half of the recent rows, |w| at the end (median of the last
# ``RECENT_ROWS``) exceeds |w| at the start by this share. Gradient descent on separable data
# grows |w| like the logarithm of the steps, so late in a long run the growth over 128 rows
# is tiny but steady; medians, because a large rate adds batch-to-batch jitter (noisy corners
# at SGD 50: |w| rises in only 60% of the epochs yet goes from 44 to 50 in 50 epochs).
MIN_GROWTH = 1e-4
SUGGESTED_L2 = 0.01  # keeps |w| finite while barely moving a separating line on points near 1
RATE_FLOOR = LEARNING_RATE_RANGE[0]  # a smaller rate is never below what the config accepts

BATCHNORM_ACCURACY = N_("With BatchNormalization, fit reports {fit}% (training mode: each batch "
                        "normalised with its own statistics) but predict gets {predict}% "
                        "(inference mode: moving averages). Remove BatchNormalization so both "
                        "use the same function.")
BATCHNORM_LINES = N_("With BatchNormalization, the training-mode line and predict's line put "
                     "{share}% of the points on different sides. Remove BatchNormalization so "
                     "both use the same function.")
UNSCALED = N_("{big} spans {big_lo}–{big_hi} while {small} spans {small_lo}–{small_hi}: the "
              "sigmoid saturates and gradient descent crawls. Normalize the inputs.")
UNSCALED_OVERSHOOT = N_("{big} spans {big_lo}–{big_hi} while {small} spans {small_lo}–{small_hi}: "
                        "each step along {big} overshoots, and the loss grew from {first} to "
                        "{loss}. Normalize the inputs.")
FAR = N_("The points lie around ({cx}, {cy}), far from 0 for their spread of {spread}: the "
         "sigmoid saturates. Normalize the inputs.")
RATE_SMALL = N_("After {epochs} epochs predict gets {acc}% while {reference} gets {ref}% on the "
                "same points, and the loss fell only from {first} to {loss}: {optimizer} at rate "
                "{rate} is too slow. Try rate {new_rate}.")
RATE_SMALL_FINDER = N_("After {epochs} epochs predict gets {acc}% while {reference} gets {ref}% "
                       "on the same points, and the loss fell only from {first} to {loss}: "
                       "{optimizer} at rate {rate} is too slow. The finder suggests {new_rate}.")
DIVERGED = N_("The loss became infinite in epoch {epoch}: a rate of {rate} is too large for "
              "{optimizer} here. Start again at rate {new_rate}.")
LOSS_GROWS = N_("The loss grew from {first} to {loss}: each step of {optimizer} at rate {rate} "
                "overshoots. Start again at rate {new_rate}.")
SINGLE_CLASS = N_("All {n} points are class {cls}: there is nothing to separate, and the weights "
                  "would grow without bound. Add a class-{other} point.")
NO_LINE = N_("No straight line separates these points: the best line gets about {best}% and "
             "predict gets {acc}%. One neuron draws one line; no setting here changes that "
             "(it needs other features, such as x·y or x²+y², or a hidden layer).")
NO_LINE_UNTRAINED = N_("No straight line separates these points: the best line gets about "
                       "{best}%. One neuron draws one line; no setting here changes that (it "
                       "needs other features, such as x·y or x²+y², or a hidden layer).")
GROWING = N_("Predict separates all {n} points, yet |w| keeps growing ({then} → {now} in the "
             "last {k} epochs): on separable data the best weights are infinitely large. An L2 "
             "factor of {l2} keeps them finite.")

TEMPLATES = (BATCHNORM_ACCURACY, BATCHNORM_LINES, UNSCALED, UNSCALED_OVERSHOOT, FAR, RATE_SMALL,
             RATE_SMALL_FINDER, DIVERGED, LOSS_GROWS, SINGLE_CLASS, NO_LINE, NO_LINE_UNTRAINED,
             GROWING)


@dataclass(frozen=True)
class Advice:
    """One cause with its measured reason: ``template.format(**values)`` is the sentence."""

    code: str  # one of CODES: stable, for scripts and tests
    template: str  # English, with {named} placeholders (one of TEMPLATES)
    values: Mapping[str, object] = field(default_factory=dict)  # already formatted
    fix: Mapping[str, object] = field(default_factory=dict)  # TrainConfig field -> new value
    restart: bool = False  # applying it builds the model anew from epoch 0 and trains

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))
        object.__setattr__(self, "fix", MappingProxyType(dict(self.fix)))

    def message(self) -> str:
        """The English sentence (the window translates ``template`` before formatting); what
        ``to_dict`` writes, for scripts."""
        return self.template.format(**self.values)

    def translated(self) -> str:
        """The sentence in the chosen language (``core.i18n``), for a person to read."""
        return _(self.template).format(**self.values)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: ``fix`` as a plain object of the settings it changes. The message stays
        English (``message()``): --json output is for scripts, which parse it."""
        return {"code": self.code, "message": self.message(), "fix": dict(self.fix)}


def advise(config: TrainConfig, xy: np.ndarray, labels: np.ndarray,
           history_columns: Mapping[str, np.ndarray], latest: EpochStats | None,
           reference: Reference | None = None, finder_rate: float | None = None
           ) -> list[Advice]:
    """Every piece of advice for this run, the most fundamental first (the points, then the
    settings that make the run fail, then what a working run could do better).

    ``history_columns`` and ``latest`` are what ``core.diagnosis.diagnose`` takes (the window's
    history columns, the epoch on screen); ``reference`` is scikit-learn's fit of these points
    (None: the best line's estimate stands in for it); ``finder_rate`` is the learning-rate
    finder's suggestion, when it ran. Pass the same ``xy`` and ``labels`` objects while the
    points do not change: what depends on them alone is worked out once.
    """
    points = _Points.of(xy, labels)
    if points.n == 0:
        return []
    if points.ones in (0, points.n):
        cls = 1 if points.ones else 0
        return [Advice(ONE_CLASS, SINGLE_CLASS, {"n": points.n, "cls": cls, "other": 1 - cls})]
    trained = latest is not None and latest.epoch > 0 and latest.eval_accuracy is not None
    run = _Run.of(history_columns, latest) if latest is not None else None
    predict = latest.eval_accuracy if trained else None
    advice: list[Advice] = []

    best = max(points.best_accuracy(), reference.accuracy if reference else 0.0,
               predict if predict is not None else 0.0)  # the best line known
    if best < SEPARABLE_ACCURACY:
        values = {"best": _percent(best)}
        if predict is None:
            advice.append(Advice(NOT_SEPARABLE, NO_LINE_UNTRAINED, values))
        else:
            advice.append(Advice(NOT_SEPARABLE, NO_LINE, {**values, "acc": _percent(predict)}))
    # What a linear model reaches here: LogisticRegression's own figure when it is known.
    linear = reference.accuracy if reference is not None else points.best_accuracy()

    scale = points.scale if not (config.normalize or config.batchnorm) else None
    unscaled = scale is not None and (scale.unscaled or scale.far) and (
        predict is None or predict < linear - REFERENCE_GAP)
    if unscaled:
        assert scale is not None
        template, values = (UNSCALED if scale.unscaled else FAR), scale.values()
        grown = _grown_loss(latest, run)
        if grown is not None and scale.unscaled:  # a rate large enough to overshoot
            template, values = UNSCALED_OVERSHOOT, {**values, **grown}
        advice.append(Advice(UNSCALED_INPUTS, template, values, {"normalize": True},
                             restart=True))

    diverging = _diverging(config, latest, run, skip_growth=unscaled)
    if diverging is not None:
        advice.append(diverging)
    if latest is not None and config.batchnorm:
        gap = _batchnorm_gap(points, latest)
        if gap is not None:
            advice.append(gap)
    if not trained or diverging is not None or unscaled or best < SEPARABLE_ACCURACY:
        return advice
    assert latest is not None and run is not None and predict is not None
    slow = _too_slow(config, latest, run, predict, linear, reference, finder_rate)
    if slow is not None:
        advice.append(slow)
    growing = _weights_growing(config, latest, run, predict)
    if growing is not None:
        advice.append(growing)
    return advice


def _diverging(config: TrainConfig, latest: EpochStats | None, run: _Run | None,
               skip_growth: bool) -> Advice | None:
    """NaN/inf, or a loss grown well past the untrained model's (unless unscaled inputs,
    advised already, explain the overshooting)."""
    if latest is None or run is None:
        return None
    new_rate = {"new_rate": f"{max(config.learning_rate / RATE_STEP, RATE_FLOOR):g}"}
    fix = {"learning_rate": float(new_rate["new_rate"])}
    rate = {"rate": f"{config.learning_rate:g}", "optimizer": _optimizer_name(config)}
    loss = latest.eval_loss
    if latest.diverged or latest.epoch > 0 and (loss is None or not math.isfinite(loss)):
        epoch = latest.epoch + 1 if latest.diverged else latest.epoch  # as the caption says
        return Advice(DIVERGING, DIVERGED, {"epoch": epoch, **rate, **new_rate}, fix, True)
    grown = None if skip_growth else _grown_loss(latest, run)
    if grown is not None:
        return Advice(DIVERGING, LOSS_GROWS, {**grown, **rate, **new_rate}, fix, True)
    return None


def _grown_loss(latest: EpochStats | None, run: _Run | None) -> dict[str, str] | None:
    """{"first", "loss"} when the loss has grown well past the untrained model's."""
    if latest is None or run is None or run.first_loss is None or latest.epoch < MIN_EPOCHS:
        return None
    recent = run.loss[-RECENT_ROWS:]
    if not len(recent):
        return None
    now = float(np.median(recent))
    if math.isfinite(run.first_loss) and now > LOSS_GROWTH * run.first_loss:
        return {"first": _number(run.first_loss), "loss": _number(now)}
    return None


def _batchnorm_gap(points: _Points, latest: EpochStats) -> Advice | None:
    """Training mode and inference mode disagree: in accuracy, or in the lines they draw."""
    fix = {"batchnorm": False}
    fit, predict = latest.accuracy, latest.eval_accuracy
    if fit is not None and predict is not None and abs(fit - predict) > BN_GAP:
        return Advice(BATCHNORM_MODE_GAP, BATCHNORM_ACCURACY,
                      {"fit": _percent(fit), "predict": _percent(predict)}, fix, True)
    if latest.train_line is None or not all(map(math.isfinite, latest.train_line)):
        return None
    xy = points.xy
    if len(xy) > SEPARABLE_SAMPLE:  # the share, not every point: a few hundred say enough
        xy = xy[np.linspace(0, len(xy) - 1, SEPARABLE_SAMPLE).astype(int)]
    share = float(np.mean((logit(latest.line, xy) > 0) != (logit(latest.train_line, xy) > 0)))
    if share > LINE_DISAGREEMENT:
        return Advice(BATCHNORM_MODE_GAP, BATCHNORM_LINES, {"share": _percent(share)}, fix, True)
    return None


def _too_slow(config: TrainConfig, latest: EpochStats, run: _Run, predict: float,
              linear: float, reference: Reference | None, finder_rate: float | None
              ) -> Advice | None:
    """A linear model clearly beats the neuron (in both modes) while its loss falls slowly."""
    if latest.epoch < MIN_EPOCHS or predict >= linear - REFERENCE_GAP:
        return None
    if latest.accuracy is not None and latest.accuracy >= linear - REFERENCE_GAP:
        return None  # training mode reaches it (BatchNormalization's gap, advised apart)
    loss, first = latest.eval_loss, run.first_loss
    if loss is None or first is None or not loss < first:
        return None  # not falling at all: too slow is not the story
    cap = MAX_SUGGESTED_RATE.get(config.optimizer, 1.0)
    if finder_rate is not None and finder_rate > config.learning_rate:
        new_rate, template = finder_rate, RATE_SMALL_FINDER
    elif config.learning_rate < cap:
        new_rate, template = min(config.learning_rate * RATE_STEP, cap), RATE_SMALL
    else:
        return None  # already as large as is safe: something else holds it back
    # A value inside the sentence, so translated now (the window formats the translated
    # template with the values as they are); --json's English message then carries it as is.
    name = reference.label if reference is not None else _("the best straight line")
    values = {"epochs": latest.epoch, "acc": _percent(predict), "reference": name,
              "ref": _percent(linear), "first": _number(first), "loss": _number(loss),
              "optimizer": _optimizer_name(config), "rate": f"{config.learning_rate:g}",
              "new_rate": f"{new_rate:.3g}"}
    return Advice(LEARNING_RATE_TOO_SMALL, template, values,
                  {"learning_rate": float(f"{new_rate:.3g}")}, True)


def _weights_growing(config: TrainConfig, latest: EpochStats, run: _Run,
                     predict: float) -> Advice | None:
    """All points separated and confidently so, and |w| still rising step after step."""
    loss = latest.eval_loss
    if config.l2 > 0 or predict < 1.0 or loss is None or not loss < CONFIDENT_LOSS:
        return None
    norm = run.norm[len(run.norm) // 2:]
    if len(norm) < 2 or latest.epoch < MIN_EPOCHS:
        return None
    then, now = float(np.median(norm[:RECENT_ROWS])), float(np.median(norm[-RECENT_ROWS:]))
    if not now > then * (1 + MIN_GROWTH):
        return None
    epochs = run.epoch[len(run.epoch) // 2:]
    return Advice(WEIGHTS_GROWING, GROWING,
                  {"n": latest.n_train, "then": _number(then), "now": _number(now),
                   "k": int(epochs[-1] - epochs[0]),
                   "l2": f"{SUGGESTED_L2:g}"}, {"l2": SUGGESTED_L2}, True)
