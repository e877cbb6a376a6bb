"""The learning-rate range test (the "LR finder" fastai popularised), on a copy of the model.

Why: the question's Adam at 0.001 barely moves one neuron's weights in 20 epochs, while on the
unscaled 2000 points any rate above ~1e-4 overshoots. Which rate suits *these* points and
*this* model is a measurement, not a rule of thumb: train with a rate that grows exponentially
every mini-batch step and watch where the loss falls fastest and where it explodes.

The sweep builds its own Keras model with ``core.model.build_model`` (the real layers, loss and
optimizer), adapts its Normalization to the training points as the trainer does, and copies in
the live model's weights (``keras_model.get_weights()``), so the live model is never touched.
Everything TensorFlow stays inside ``find_learning_rate`` and on the thread that calls it;
only NumPy arrays and floats come out. TensorFlow is imported inside the function, so
importing this module is cheap (the window imports it at start-up).

Text for people is English templates with ``{named}`` placeholders listed in ``TEMPLATES``
(as in ``core.diagnosis``): the window translates the template, then fills in the values.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from core.config import LEARNING_RATE_RANGE, TrainConfig
from core.i18n import N_, _

# The lowest rate the config accepts: every suggestion is a rate the controls can show, and
# at 1e-6 no optimizer moves one neuron's weights noticeably in a few hundred steps, so the
# curve starts flat at the model's current loss.
START_RATE = LEARNING_RATE_RANGE[0]
# fastai's default end. One sigmoid neuron with any optimizer here overshoots long before 10
# (SGD's steps scale with the inputs; Adam's move each weight by about the rate per step).
END_RATE = 10.0
# Steps of the sweep: 7 decades at ~36 steps a decade, a rate 6.7% larger each step. Fewer
# steps make each rate's effect pile up in fewer, coarser jumps; 250 steps take 1-3 s.
STEPS = 250
# fastai's exponential moving average of the loss (with its bias correction). fastai's 0.98
# averages over ~50 steps, which over 250 steps would lag the curve by ~1.4 decades and move
# the steepest point by that much; 0.9 (~10 steps, ~0.3 decades) still damps the noise of
# 32-point batches.
SMOOTHING = 0.9
# fastai's stop_div: the loss exploded when the smoothed loss exceeds this many times the
# best so far (or is not finite); later steps would only show the explosion going on.
EXPLODE_FACTOR = 4.0
# The suggestion ignores the last steps before an explosion, as fastai's skip_end does: there
# the smoothed curve turns sharply and its slope says nothing about a usable rate.
SKIP_END = 5
# A suggestion needs the smoothed loss to fall by at least this share somewhere: below it the
# curve is flat (noise), and its "steepest" point would be a guess.
MIN_FALL = 0.05
# The suggestion skips the first steps, as fastai's skip_start does: the bias-corrected
# average there rests on a handful of batches, and their noise would look like a slope.
SKIP_START = 10
# Steps each side over which the slope is measured: 6 steps span a sixth of a decade, so
# the difference is steadier than step to step and still resolves a third of a decade.
SLOPE_SPAN = 6
# A sweep that exploded within this share of its steps (below ~5e-5 with the defaults) and
# shows no fall before it gets EXPLODED_AT_ONCE: the smallest rates already overshoot.
EARLY_SHARE = 0.25

SUGGESTED = N_("suggested learning rate: {rate} (loss falls fastest there; swept {low}..{high} "
               "over {steps} steps)")
NO_POINTS = N_("No training points: add points of both classes, then find a rate.")
ONE_CLASS = N_("All {n} training points are class {cls}: the loss falls at any rate, so there "
               "is no rate to find. Add a class-{other} point.")
EXPLODED_AT_ONCE = N_("The loss exploded within {steps} steps, by a rate of {rate}: even the "
                      "smallest rates overshoot here. Normalize the inputs.")
NO_FALL = N_("The loss did not fall between {low} and {high} (from {first} it reached at best "
             "{best}): no rate trains these weights faster than another.")
CANCELLED = N_("Sweep cancelled after {steps} of {total} steps.")
MISMATCH = N_("The settings changed while the model was read: find the rate again.")

TEMPLATES = (SUGGESTED, NO_POINTS, ONE_CLASS, EXPLODED_AT_ONCE, NO_FALL, CANCELLED, MISMATCH)


@dataclass(frozen=True)
class Sweep:
    """One range test: the rate and loss of every step taken, and what it suggests.

    ``losses`` are each step's mini-batch loss *before* that step's update (what the rate
    before it left); ``smoothed`` is their bias-corrected moving average, the curve to read.
    ``template.format(**values)`` says what was found (``text()``)."""

    rates: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    suggestion: float | None
    stopped_early: bool  # the loss exploded before the last planned step
    cancelled: bool
    planned_steps: int
    start_rate: float
    end_rate: float
    template: str
    values: Mapping[str, object] = field(default_factory=dict)  # already formatted
    seconds: float = 0.0

    def __post_init__(self) -> None:
        for name in ("rates", "losses", "smoothed"):
            array = np.array(getattr(self, name), dtype=np.float64)
            array.setflags(write=False)
            object.__setattr__(self, name, array)
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    @property
    def steps(self) -> int:
        return len(self.rates)

    def text(self) -> str:
        """The English sentence (the window translates ``template`` before formatting)."""
        return self.template.format(**self.values)

    def translated(self) -> str:
        """The sentence in the chosen language (``core.i18n``), for a person to read."""
        return _(self.template).format(**self.values)

    def to_dict(self) -> dict[str, object]:
        """Plain JSON values; non-finite losses become null (JSON has no NaN). The message
        stays English (``text()``): --json output is for scripts, which parse it."""

        def clean(values: np.ndarray) -> list[float | None]:
            return [float(v) if math.isfinite(v) else None for v in values]

        return {"rates": clean(self.rates), "losses": clean(self.losses),
                "smoothed": clean(self.smoothed), "suggestion": self.suggestion,
                "stopped_early": self.stopped_early, "cancelled": self.cancelled,
                "steps": self.steps, "planned_steps": self.planned_steps,
                "start_rate": self.start_rate, "end_rate": self.end_rate,
                "message": self.text(), "seconds": self.seconds}


def sweep_rates(steps: int = STEPS, start: float = START_RATE, end: float = END_RATE) -> np.ndarray:
    """The rate of every step: exponential from ``start`` to ``end`` inclusive."""
    return start * (end / start) ** (np.arange(steps) / max(steps - 1, 1))


def smooth(losses: Sequence[float], beta: float = SMOOTHING) -> np.ndarray:
    """fastai's smoothed loss: an exponential moving average divided by ``1 - beta**(i+1)``,
    so the first values are not pulled towards 0 (the average starts at 0)."""
    out = np.empty(len(losses))
    average = 0.0
    for i, loss in enumerate(losses):
        average = beta * average + (1 - beta) * loss
        out[i] = average / (1 - beta ** (i + 1))
    return out


def suggest(rates: np.ndarray, smoothed: np.ndarray, exploded: bool) -> int | None:
    """Index of the suggested rate: where the smoothed loss falls fastest per decade of rate
    (fastai's "steep" suggestion), looking only at the descent before the curve's lowest point.

    Why the steepest point and not the minimum / 10: on separable points (the question's four)
    the loss keeps falling up to the end of the sweep, so the minimum is wherever the sweep
    stopped and a tenth of it says nothing about the data; the steepest point is where a step
    of the rate helps most, a rate still far from the one where training overshoots.
    None when the curve never falls by ``MIN_FALL`` of its first value."""
    end = len(smoothed) - (SKIP_END if exploded else 0)
    if end <= SKIP_START + SLOPE_SPAN:
        return None
    values = smoothed[:end]
    lowest = int(np.argmin(values))
    first = values[0]
    if not first - values[lowest] >= MIN_FALL * abs(first):
        return None
    logs = np.log10(rates[:end])
    centres = np.arange(SKIP_START, lowest + 1)  # the descent
    if len(centres) == 0:
        return None
    left = np.maximum(centres - SLOPE_SPAN, 0)
    right = np.minimum(centres + SLOPE_SPAN, end - 1)
    slopes = (values[right] - values[left]) / (logs[right] - logs[left])
    return int(centres[int(np.argmin(slopes))])


def find_learning_rate(
    config: TrainConfig,
    weights: list[np.ndarray] | None,
    xy: np.ndarray,
    labels: np.ndarray,
    should_stop: Callable[[], bool] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    steps: int = STEPS,
    start: float = START_RATE,
    end: float = END_RATE,
) -> Sweep:
    """Sweep the learning rate from ``start`` to ``end`` over ``steps`` mini-batch steps of
    ``config``'s optimizer on a copy of the model and return the curve and a suggestion.

    ``weights``: the live model's ``keras_model.get_weights()`` (None: the config seed's
    initial model). ``xy``, ``labels``: the training points
    (``core.split.training_points``). Batches of ``config.batch_size`` come in an order
    shuffled with ``config.seed``, a new order each pass. The optimizer starts fresh (no
    momentum from the live run), as in fastai.
    ``should_stop()`` is asked before every step (a step takes a few milliseconds);
    ``on_progress(done, total)`` is told after every step. Both run on the calling thread.
    Raises nothing for bad data: the returned ``Sweep`` says why there is no suggestion."""
    began = time.perf_counter()
    rates = sweep_rates(steps, start, end)
    xy = np.asarray(xy, np.float32).reshape(-1, 2)
    labels = np.asarray(labels, np.float32).reshape(-1)

    def result(template: str, values: Mapping[str, object] | None = None,
               tried: np.ndarray = rates[:0], losses: Sequence[float] = (),
               suggestion: int | None = None, exploded: bool = False,
               cancelled: bool = False) -> Sweep:
        losses = np.asarray(losses, np.float64)
        return Sweep(tried, losses, smooth(losses), None if suggestion is None else
                     float(tried[suggestion]), exploded, cancelled, steps, start, end,
                     template, values or {}, time.perf_counter() - began)

    stop = should_stop or (lambda: False)
    n = len(labels)
    if n == 0:
        return result(NO_POINTS)
    ones = int(np.count_nonzero(labels > 0.5))
    if ones in (0, n):
        cls = 1 if ones else 0
        return result(ONE_CLASS, {"n": n, "cls": cls, "other": 1 - cls})
    if stop():
        return result(CANCELLED, {"steps": 0, "total": steps}, cancelled=True)

    step = _train_step(config, weights, xy)
    if step is None:
        return result(MISMATCH)
    order = _batch_order(n, config.batch_size, config.seed)
    losses: list[float] = []
    best = math.inf
    average = 0.0
    exploded = cancelled = False
    for i, rate in enumerate(rates):
        if stop():
            cancelled = True
            break
        rows = next(order)
        loss = step(xy[rows], labels[rows], float(rate))
        losses.append(loss)
        average = SMOOTHING * average + (1 - SMOOTHING) * loss
        smoothed = average / (1 - SMOOTHING ** (i + 1))
        if on_progress is not None:
            on_progress(i + 1, steps)
        if not math.isfinite(smoothed) or smoothed > EXPLODE_FACTOR * best:
            exploded = True
            break
        best = min(best, smoothed)
    tried = rates[:len(losses)]
    if cancelled:
        return result(CANCELLED, {"steps": len(losses), "total": steps}, tried, losses,
                      cancelled=True)
    index = suggest(tried, smooth(losses), exploded)
    if index is not None:
        return result(SUGGESTED, {"rate": format_rate(float(tried[index])),
                                  "low": format_rate(start), "high": format_rate(end),
                                  "steps": len(losses)}, tried, losses, index, exploded)
    if exploded and len(losses) <= EARLY_SHARE * steps:
        return result(EXPLODED_AT_ONCE, {"steps": len(losses), "rate": format_rate(
            float(tried[-1]))}, tried, losses, exploded=True)
    curve = smooth(losses)
    finite = curve[np.isfinite(curve)]
    return result(NO_FALL, {"low": format_rate(start), "high": format_rate(float(tried[-1])),
                            "first": f"{curve[0]:.3g}",
                            "best": f"{finite.min() if len(finite) else math.nan:.3g}"},
                  tried, losses, exploded=exploded)


def format_rate(rate: float) -> str:
    """Two significant digits: the precision a sweep over decades can claim."""
    return f"{rate:.2g}"


def _batch_order(n: int, batch_size: int, seed: int):
    """Row indices of each mini-batch, endlessly: passes over the points in orders shuffled
    with ``seed``; a pass ends with a short batch as in ``fit``."""
    rng = np.random.default_rng(seed)
    while True:
        order = rng.permutation(n)
        for begin in range(0, n, batch_size):
            yield order[begin:begin + batch_size]


def _train_step(config: TrainConfig, weights: list[np.ndarray] | None, xy: np.ndarray):
    """A function (x, y, rate) -> the batch loss before one optimizer step at ``rate``, on a
    fresh copy of the model with these weights; None when the weights do not fit the model
    the config describes (the settings changed after the weights were read)."""
    import tensorflow as tf

    from core.keras_private import learning_rate_variable
    from core.model import build_model

    neuron = build_model(config)
    model = neuron.keras_model
    neuron.adapt(xy)  # as TrainingSession.refresh does: the weights below may override it
    if weights is not None:
        if [tuple(w.shape) for w in model.get_weights()] != [tuple(np.shape(w)) for w in weights]:
            return None
        model.set_weights(weights)
    optimizer = model.optimizer
    optimizer.build(model.trainable_variables)
    rate_variable = learning_rate_variable(optimizer)

    @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32),
                                  tf.TensorSpec([None, 1], tf.float32),
                                  tf.TensorSpec([], tf.float32)])
    def train_step(x, y, rate):
        rate_variable.assign(tf.cast(rate, rate_variable.dtype))
        with tf.GradientTape() as tape:
            y_pred = model(x, training=True)
            loss = model.compute_loss(x=x, y=y, y_pred=y_pred, training=True)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply(grads, model.trainable_variables)
        return loss

    def step(x: np.ndarray, y: np.ndarray, rate: float) -> float:
        return float(train_step(x, y.reshape(-1, 1), np.float32(rate)))

    return step
