"""What the run on screen shows, in one or two sentences with the measured figure.

``diagnose`` looks at the settings, the points and the recorded epochs and names the one thing
a newcomer should notice: the BatchNormalization gap between fit and predict, an unscaled
feature saturating the sigmoid, weights that barely move, points no line separates, a run
that diverged, one still learning, or one that works. When a scenario fixes what it found, the
caption names it (``next_fix``, a key of ``core.scenarios.SCENARIOS``) so the window can offer
it as one click.

The window calls this up to four times a second with histories of up to 131,072 rows, so it
reads only the first row (the untrained model) and the last ``TAIL_ROWS`` rows; the one check
that needs every point (the best accuracy a straight line can get) is cached per data set.
Templates are English with ``{named}`` placeholders, listed in ``TEMPLATES``: the window
translates the template, then fills in the values, which are already formatted.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from core.config import TrainConfig
from core.i18n import N_, _
from core.record import EpochStats

WORKS, FAILS, LEARNING, IDLE = "works", "fails", "learning", "idle"
TAIL_ROWS = 256  # "recent" epochs: what the caption's trends are measured over
BN_MOMENTUM = 0.99  # keras.layers.BatchNormalization's default, which core.model uses
# Fit and predict accuracies further apart than this, with BatchNormalization on, are its gap:
# more than a point of percentage, so one of the question's 4 points (25%) or a few of 100.
BN_GAP = 0.015
BARELY_MOVED = 0.1  # largest change of a weight since epoch 0 that counts as "barely moved"
MIN_EPOCHS = 5  # before this many epochs no trend is judged
SCALE_RATIO = 20.0  # one feature spanning this many times the other's range is "unscaled"
SCALE_LIMIT = 10.0  # ... if it also spans more than this (0..1 against 0..0.01 is fine)
FAR_FROM_ZERO = 50.0  # points centred this far from 0, relative to their spread, saturate too
# Points and line directions used to estimate the best straight line's accuracy (plus the
# model's own line and the class means' direction): it runs on the window's thread, where
# 2048 points and 120 directions took 35-50 ms; this takes a few, within about 3 points of
# percentage of the exact best (enough to say "about").
SEPARABLE_SAMPLE = 512
# The line chosen on that sample is scored on at most this many points (an even sample past
# it): within ~0.3 % of its accuracy on all, at a fraction of a millisecond, where scoring
# 1,000,000 points on every edit cost the window ~30 ms (the caption diagnoses each edit).
SCORED_SAMPLE = 100_000
DIRECTIONS = 60

NO_POINTS = N_("No points yet: left-click to add a class-1 point, right-click for class 0.")
ONE_CLASS = N_("All {n} points are class {cls}: add a class-{other} point so there is something "
               "to separate.")
UNTRAINED = N_("{n} points, {n1} of class 1 and {n0} of class 0: press Space to train.")
UNTRAINED_UNSCALED = N_("{big} spans {big_lo}–{big_hi} while {small} spans {small_lo}–{small_hi}: "
                        "unscaled, the sigmoid will saturate. Press Space to see it, or normalize.")
DIVERGED = N_("The loss became infinite in epoch {epoch}: a rate of {rate} is too large for "
              "{optimizer} here; lower the rate.")
DIVERGED_L2 = N_("The loss became infinite in epoch {epoch}: a rate of {rate} with an L2 factor "
                 "of {l2} is too large for {optimizer} here; lower the rate or the L2 factor.")
DIVERGED_UNSCALED = N_("The loss became infinite in epoch {epoch}: {big} spans {big_lo}–{big_hi}, "
                       "so a rate of {rate} overshoots. Normalize the inputs.")
BATCHNORM_GAP = N_("Fit says {fit}% (training mode: each batch normalised with its own "
                   "statistics, the dashed line) but predict says {predict}% (inference mode: "
                   "moving averages, the solid line). After {steps} steps at momentum 0.99 the "
                   "averages have moved only {share}% of the way to the data's statistics.")
BATCHNORM_GAP_SETTLED = N_("Fit says {fit}% (training mode: averaged over the epoch's batches, "
                           "each normalised with its own statistics) but predict says "
                           "{predict}% (inference mode, with the moving averages).")
WORKS_SEPARATED = N_("Works: predict separates all {n} points. The loss ({loss}) can keep "
                     "falling for ever: on separable data the best weights are infinitely large "
                     "(|w| = {norm} now).")
WORKS_SEPARATED_L2 = N_("Works: predict separates all {n} points, and the L2 factor of {l2} keeps "
                       "the weights finite (|w| = {norm}; loss {loss}, which includes the L2 "
                       "penalty).")
UNSCALED_STUCK = N_("{big} spans {big_lo}–{big_hi} while {small} spans {small_lo}–{small_hi}: "
                    "the sigmoid saturates; predict accuracy has stayed at {acc}% for {k} epochs.")
UNSCALED_SLOW = N_("{big} spans {big_lo}–{big_hi} while {small} spans {small_lo}–{small_hi}: "
                   "the sigmoid saturates and gradient descent crawls; predict accuracy is "
                   "{acc}% after {epochs} epochs.")
FAR_STUCK = N_("The points lie around ({cx}, {cy}), far from 0 for their spread of {spread}: "
               "the sigmoid saturates; predict accuracy has stayed at {acc}% for {k} epochs.")
FAR_SLOW = N_("The points lie around ({cx}, {cy}), far from 0 for their spread of {spread}: "
              "the sigmoid saturates; predict accuracy is {acc}% after {epochs} epochs.")
OVERLAP = N_("Predict gets {acc}% of the {n} points and no straight line gets more than about "
             "{best}%: the classes overlap.")
NOT_SEPARABLE = N_("One straight line cannot separate these points: the best line gets about "
                   "{best}% and predict gets {acc}%. A single neuron draws only one line.")
BARELY_MOVING = N_("Fit and predict agree at {acc}%, but {optimizer} at rate {rate} moved the "
                   "weights by only {moved} in {epochs} epochs: raise the rate.")
LEARNING_ACCURACY = N_("Learning: predict accuracy rose from {a}% to {b}% in the last {k} epochs.")
LEARNING_LOSS = N_("Learning: the loss fell from {a} to {b} in the last {k} epochs; predict "
                   "accuracy is {acc}%.")
STUCK = N_("Predict accuracy has stayed at {acc}% for {k} epochs and the loss at {loss}; the "
           "best straight line gets about {best}%.")
CHANGED = N_("Predict gets {acc}% on the points as they are now; the best straight line gets "
             "about {best}%. Train on to see where it goes from here.")
NEAR_BEST = N_("Predict gets {acc}%, about the best a straight line gets here ({best}%): little "
               "is left to learn (steady for {k} epochs).")

TEMPLATES = (NO_POINTS, ONE_CLASS, UNTRAINED, UNTRAINED_UNSCALED, DIVERGED, DIVERGED_L2,
             DIVERGED_UNSCALED, NEAR_BEST, CHANGED, BATCHNORM_GAP, BATCHNORM_GAP_SETTLED,
             WORKS_SEPARATED,
             WORKS_SEPARATED_L2, UNSCALED_STUCK, UNSCALED_SLOW, FAR_STUCK, FAR_SLOW, OVERLAP,
             NOT_SEPARABLE, BARELY_MOVING, LEARNING_ACCURACY, LEARNING_LOSS, STUCK)


@dataclass(frozen=True)
class Caption:
    """What the run shows: ``template.format(**values)`` is the English sentence."""

    template: str  # English, with {named} placeholders
    values: Mapping[str, object] = field(default_factory=dict)  # already formatted
    verdict: str = IDLE  # "works" | "fails" | "learning" | "idle"
    next_fix: str | None = None  # a SCENARIOS name to offer as one click, or None

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    def text(self) -> str:
        """The English sentence (the window translates ``template`` before formatting)."""
        return self.template.format(**self.values)

    def translated(self) -> str:
        """The sentence in the chosen language (``core.i18n``), for a person to read."""
        return _(self.template).format(**self.values)


def diagnose(config: TrainConfig, xy: np.ndarray, labels: np.ndarray,
             history: Mapping[str, np.ndarray], latest: EpochStats | None) -> Caption:
    """The caption for this run. ``history`` maps core.history columns to 1-D arrays (the
    window's history, not copied); ``latest`` is the epoch on screen (a past one when the
    timeline is scrubbed, whose figures win over later rows). What depends on the points
    alone is worked out once for the same ``xy`` and ``labels`` objects (pass the same
    arrays, unmodified, while the points do not change: with 100,000 points it costs ~5 ms,
    too much for the window's thread several times a second)."""
    points = _Points.of(xy, labels)
    xy, labels, n, ones = points.xy, points.labels, points.n, points.ones
    if n == 0:
        return Caption(NO_POINTS)
    if ones in (0, n):
        cls = 1 if ones else 0
        return Caption(ONE_CLASS, {"n": n, "cls": cls, "other": 1 - cls})
    scale = points.scale if not (config.normalize or config.batchnorm) else None
    rate = {"rate": f"{config.learning_rate:g}", "optimizer": _optimizer_name(config)}
    # First, before "untrained": a run that diverged in its first epoch keeps epoch 0's
    # weights. The trainer keeps the last finite epoch; the loss became infinite in the next.
    # A loss of None is not a divergence: after the points change, the epoch on screen is
    # re-evaluated and its fit figures (which described other points) are left out.
    if latest is not None and (latest.diverged or latest.epoch > 0 and (
            _not_finite(latest.loss) or _not_finite(latest.eval_loss))):
        epoch = latest.epoch + 1 if latest.diverged else latest.epoch
        if scale is not None and (scale.unscaled or scale.far):
            return Caption(DIVERGED_UNSCALED, {"epoch": epoch, **rate, **scale.values()},
                           FAILS, "fix-normalize")
        if config.l2 > 0:
            return Caption(DIVERGED_L2, {"epoch": epoch, "l2": f"{config.l2:g}", **rate}, FAILS)
        return Caption(DIVERGED, {"epoch": epoch, **rate}, FAILS)
    if latest is None or latest.epoch == 0:
        if scale is not None and scale.unscaled:
            return Caption(UNTRAINED_UNSCALED, scale.values(), IDLE, "fix-normalize")
        return Caption(UNTRAINED, {"n": n, "n1": ones, "n0": n - ones})
    run = _Run.of(history, latest)
    fit, predict = latest.accuracy, latest.eval_accuracy
    if predict is None:
        return Caption(UNTRAINED, {"n": n, "n1": ones, "n0": n - ones})
    if config.batchnorm and fit is not None and abs(fit - predict) > BN_GAP:
        steps = latest.epoch * math.ceil(max(latest.n_train, 1) / config.batch_size)
        share = 1.0 - BN_MOMENTUM ** steps
        values = {"fit": _percent(fit), "predict": _percent(predict)}
        if share < 0.95:
            return Caption(BATCHNORM_GAP, {**values, "steps": steps, "share": f"{100 * share:.0f}"},
                           FAILS, "fix-remove-batchnorm")
        return Caption(BATCHNORM_GAP_SETTLED, values, FAILS, "fix-remove-batchnorm")
    acc = _percent(predict)
    if predict >= 1.0 - 1e-6:
        values = {"n": latest.n_train or n, "loss": _number(latest.loss),
                  "norm": _number(math.hypot(*latest.w))}
        if config.l2 > 0:  # the answer's point no longer holds: L2 bounds the weights
            return Caption(WORKS_SEPARATED_L2, {**values, "l2": f"{config.l2:g}"}, WORKS)
        return Caption(WORKS_SEPARATED, values, WORKS)
    k = run.steady_epochs(predict)
    if scale is not None and (scale.unscaled or scale.far):
        stuck = k >= MIN_EPOCHS or latest.epoch < MIN_EPOCHS and k == latest.epoch
        if scale.unscaled:
            template = UNSCALED_STUCK if stuck else UNSCALED_SLOW
        else:
            template = FAR_STUCK if stuck else FAR_SLOW
        values = {**scale.values(), "acc": acc, "k": k, "epochs": latest.epoch}
        return Caption(template, values, FAILS, "fix-normalize")
    best = max(points.best_accuracy(), predict)  # predict's own line is one line
    tolerance = max(0.03, 1.0 / n)
    if best < 1.0 - 0.5 / n and (best < 0.9 or predict >= best - tolerance):
        values = {"acc": acc, "n": n, "best": _percent(best)}
        return Caption(OVERLAP if best >= 0.9 else NOT_SEPARABLE, values,
                       WORKS if best >= 0.9 else FAILS)
    moved = run.weights_moved(latest)
    if moved is not None and moved < BARELY_MOVED and latest.epoch >= MIN_EPOCHS:
        big_rate = config.optimizer == "sgd" and config.learning_rate >= 0.5
        return Caption(BARELY_MOVING, {"acc": acc, "moved": _number(moved),
                                       "epochs": latest.epoch, **rate},
                       FAILS, None if big_rate else "fix-sgd")
    rise = run.accuracy_rise(predict)
    if rise is not None:
        a, span = rise
        return Caption(LEARNING_ACCURACY, {"a": _percent(a), "b": acc, "k": span}, LEARNING)
    fall = run.loss_fall(latest.eval_loss)
    if fall is not None:
        a, span = fall
        return Caption(LEARNING_LOSS, {"a": _number(a), "b": _number(latest.eval_loss),
                                       "k": span, "acc": acc}, LEARNING)
    if k == 0:  # the accuracy changed at this very epoch (points edited): nothing "stayed"
        return Caption(CHANGED, {"acc": acc, "best": _percent(best)}, IDLE)
    # The flat stretch may be longer than the rows read: "255+" rather than a wrong "255".
    steady = f"{k}+" if run.starts_after_first_row and k >= run.span else str(k)
    if predict >= best - tolerance:  # slow but healthy: as good as one line gets
        return Caption(NEAR_BEST, {"acc": acc, "best": _percent(best), "k": steady}, WORKS)
    return Caption(STUCK, {"acc": acc, "k": steady, "loss": _number(latest.eval_loss),
                           "best": _percent(best)}, FAILS)


@dataclass(frozen=True)
class _Points:
    """What the diagnosis needs of the points, for the last arrays it was given."""

    given: tuple[np.ndarray, np.ndarray]  # the caller's arrays: the same objects, same points
    xy: np.ndarray
    labels: np.ndarray
    n: int
    ones: int
    scale: _Scale | None  # None without points
    _best: list[float] = field(default_factory=list)  # best_line_accuracy, once asked for

    def best_accuracy(self) -> float:
        if not self._best:
            self._best.append(best_line_accuracy(self.xy, self.labels))
        return self._best[0]

    @classmethod
    def of(cls, xy: np.ndarray, labels: np.ndarray) -> _Points:
        for last in _last_points:
            if last.given[0] is xy and last.given[1] is labels:
                return last
        given = (xy, labels)
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        labels = np.asarray(labels).reshape(-1)
        points = cls(given, xy, labels, len(labels), int(np.count_nonzero(labels)),
                     _Scale.of(xy) if len(labels) else None)
        _last_points[:] = [points, *_last_points[:KEPT_POINT_SETS - 1]]
        return points


# The caption and the coach each keep their own copy of the window's points: one cached set
# each, so they do not work out the same points' figures again in turn.
KEPT_POINT_SETS = 2
_last_points: list[_Points] = []


@dataclass(frozen=True)
class _Scale:
    """How far the raw features are from the sigmoid's useful range of about -4..4."""

    lo: np.ndarray
    hi: np.ndarray
    unscaled: bool  # one feature spans far more than the other
    far: bool  # the points sit far from 0 compared with their spread

    @classmethod
    def of(cls, xy: np.ndarray) -> _Scale:
        # Column by column: numpy's min(axis=0) over (n, 2) rows is 15 times slower.
        lo = np.array([xy[:, 0].min(), xy[:, 1].min()])
        hi = np.array([xy[:, 0].max(), xy[:, 1].max()])
        span = hi - lo
        big = float(span.max())
        unscaled = big > SCALE_LIMIT and big > SCALE_RATIO * float(span.min())
        centre = np.abs((lo + hi) / 2)
        far = bool(np.max(centre) > max(FAR_FROM_ZERO, FAR_FROM_ZERO * big))
        return cls(lo, hi, bool(unscaled), far and not unscaled)

    def values(self) -> dict[str, object]:
        span = self.hi - self.lo
        b = int(np.argmax(span))
        s = 1 - b
        centre = (self.lo + self.hi) / 2
        return {"big": "xy"[b], "big_lo": _number(self.lo[b]), "big_hi": _number(self.hi[b]),
                "small": "xy"[s], "small_lo": _number(self.lo[s]),
                "small_hi": _number(self.hi[s]), "cx": _number(centre[0]),
                "cy": _number(centre[1]), "spread": _number(float(span.max()))}


@dataclass(frozen=True)
class _Run:
    """The history up to the epoch on screen: its first row and its last ``TAIL_ROWS``."""

    epoch: np.ndarray
    accuracy: np.ndarray  # predict's (inference mode)
    loss: np.ndarray  # predict's
    first_w: tuple[float, float, float] | None  # w1, w2, b of the untrained model
    starts_after_first_row: bool  # earlier rows exist that the tail leaves out
    first_loss: float | None = None  # predict's loss of the untrained model
    norm: np.ndarray = field(default_factory=lambda: np.empty(0))  # |w| over the tail

    @property
    def span(self) -> int:
        """Epochs the rows read cover."""
        return int(self.epoch[-1] - self.epoch[0]) if len(self.epoch) else 0

    @classmethod
    def of(cls, history: Mapping[str, np.ndarray], latest: EpochStats) -> _Run:
        epochs = np.asarray(history.get("epoch", np.empty(0)))
        end = int(np.searchsorted(epochs, latest.epoch, side="right")) if len(epochs) else 0
        start = max(0, end - TAIL_ROWS)

        def tail(name: str) -> np.ndarray:
            column = history.get(name)
            return np.empty(0) if column is None else np.asarray(column[start:end], float)

        first_w = first_loss = None
        if end and epochs[0] == 0:
            first_w = tuple(float(history[c][0]) for c in ("w1", "w2", "b"))
            first_loss = float(history["eval_loss"][0]) if "eval_loss" in history else None
        return cls(tail("epoch"), tail("eval_accuracy"), tail("eval_loss"), first_w, start > 0,
                   first_loss, np.hypot(tail("w1"), tail("w2")))

    def steady_epochs(self, now: float) -> int:
        """Epochs for which predict's accuracy has been ``now`` (within the recent rows)."""
        if not len(self.accuracy):
            return 0
        differs = np.flatnonzero(np.abs(self.accuracy - now) > 0.005)
        if not len(differs):
            return int(self.epoch[-1] - self.epoch[0])
        return int(self.epoch[-1] - self.epoch[min(differs[-1] + 1, len(self.epoch) - 1)])

    def weights_moved(self, latest: EpochStats) -> float | None:
        """The largest change of w1, w2 or b since epoch 0 (None without epoch 0's row)."""
        if self.first_w is None:
            return None
        now = (*latest.w, latest.b)
        return max(abs(a - b) for a, b in zip(now, self.first_w))

    def accuracy_rise(self, now: float) -> tuple[float, int] | None:
        """(accuracy then, epochs ago) when predict's accuracy rose over the recent rows."""
        if len(self.accuracy) < 2 or not np.isfinite(self.accuracy[0]):
            return None
        then = float(self.accuracy[0])
        return (then, int(self.epoch[-1] - self.epoch[0])) if now - then >= 0.005 else None

    def loss_fall(self, now: float | None) -> tuple[float, int] | None:
        """(loss then, epochs ago) when predict's loss fell by at least 1% recently."""
        if now is None or len(self.loss) < 2 or not np.isfinite(self.loss[0]):
            return None
        then = float(self.loss[0])
        return (then, int(self.epoch[-1] - self.epoch[0])) if now < 0.99 * then else None


def best_line_accuracy(xy: np.ndarray, labels: np.ndarray) -> float:
    """About the best accuracy one straight line gets on these points (a lower bound: it is
    a real line's accuracy on all of them; the caller also knows predict's).

    Each of ``DIRECTIONS`` evenly spaced directions and the class means' difference is tried
    with its best threshold (only between points whose projections differ), on at most
    ``SEPARABLE_SAMPLE`` points; the best line found is then scored on every point. (Its
    score on the sample alone was the best of many tries on 512 points, so it read a few
    percent high at 1,000,000 points and moved with every click.) ``diagnose`` asks once per
    data set.
    """
    xy = np.asarray(xy, float)
    labels = np.asarray(labels).astype(bool)
    sample_xy, sample_labels = xy, labels
    if len(labels) > SEPARABLE_SAMPLE:
        keep = np.linspace(0, len(labels) - 1, SEPARABLE_SAMPLE).astype(int)
        sample_xy, sample_labels = xy[keep], labels[keep]
    centre = sample_xy.mean(axis=0)
    spread = (sample_xy - centre).std(axis=0)
    spread[spread == 0] = 1.0
    scaled = (sample_xy - centre) / spread
    angles = np.linspace(0.0, np.pi, DIRECTIONS, endpoint=False)
    directions = [np.column_stack([np.cos(angles), np.sin(angles)])]
    if sample_labels.any() and (~sample_labels).any():
        directions.append((scaled[sample_labels].mean(axis=0)
                           - scaled[~sample_labels].mean(axis=0))[None])
    directions = np.concatenate(directions)
    projected = scaled @ directions.T  # (n, directions)
    order = np.argsort(projected, axis=0, kind="stable")
    ranked = np.take_along_axis(projected, order, axis=0)
    ones_below = np.vstack([np.zeros((1, ranked.shape[1])),
                            np.cumsum(sample_labels[order], axis=0)])  # (n + 1, directions)
    n = len(sample_labels)
    below = np.arange(n + 1)[:, None]
    # Class 0 below the threshold, class 1 above (or the reverse: n minus that).
    ones_above = (below - ones_below) + (sample_labels.sum() - ones_below)
    correct = np.maximum(ones_above, n - ones_above)
    splittable = np.ones_like(correct, dtype=bool)
    splittable[1:-1] = ranked[1:] > ranked[:-1]  # never between equal projections
    scores = np.where(splittable, correct, 0)
    if sample_labels is labels:  # every point was tried: the best score is the answer
        return float(np.max(scores) / n)
    row, column = np.unravel_index(np.argmax(scores), scores.shape)
    column_ranks = ranked[:, column]
    threshold = (-np.inf if row == 0 else np.inf if row == n
                 else (column_ranks[row - 1] + column_ranks[row]) / 2)
    if len(labels) > SCORED_SAMPLE:  # an even sample this large scores it as well as all do
        scored = np.linspace(0, len(labels) - 1, SCORED_SAMPLE).astype(int)
        xy, labels = xy[scored], labels[scored]
    above = ((xy - centre) / spread) @ directions[column] > threshold
    ones_up = ones_above[row, column] >= n - ones_above[row, column]
    return float(np.mean(above == labels) if ones_up else np.mean(above != labels))


def _optimizer_name(config: TrainConfig) -> str:
    return {"sgd": "SGD", "adam": "Adam", "rmsprop": "RMSprop", "adagrad": "Adagrad"}.get(
        config.optimizer, config.optimizer)


def _not_finite(value: float | None) -> bool:
    """NaN or infinite (a missing figure, None, is neither)."""
    return value is not None and not math.isfinite(value)


def _percent(value: float) -> str:
    """75 or 83.6: whole percents when the figure is one."""
    text = f"{100 * value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _number(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "∞" if value is not None and value > 0 else "–"
    return f"{value:.3g}"
