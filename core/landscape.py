"""The loss landscape: binary cross-entropy over the Dense layer's two weights, in NumPy.

The neuron is ``sigmoid(w1*u1 + w2*u2 + b)`` where ``u`` is what the Dense layer receives: the
points after Normalization and BatchNormalization (inference mode), ``u = scale*(x, y) + shift``
(``EpochStats.input_scale``/``input_shift``). Holding the bias at its current value, the loss is
a surface over (w1, w2); the optimizer's path (the history's w1, w2) is drawn on it. With an
unscaled feature (x up to 999 beside y in {0, 1}) the surface is a long narrow valley: a step
small enough not to jump across it crawls along it, which is why plain gradient descent stalls
on the question's 2000 points; normalized inputs make it round.

The loss is the one ``fit`` and ``evaluate`` report. Keras's sigmoid keeps its logits, and in a
compiled step ``binary_crossentropy`` uses them: ``max(z, 0) - z*y + log(1 + exp(-|z|))``, with
no clipping of the probability (only eager calls on bare probabilities clip at 1e-7, which
would flatten every saturated region into a plateau at 16.1). For labels 0 and 1 that is
``softplus(z)`` or ``softplus(-z)``, computed here without cancellation, in float32 like Keras,
plus the L2 penalty ``l2 * (w1² + w2²)`` that ``compute_loss`` adds when the kernel has one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# Points beyond this are a fixed random sample (seeded, so the same data gives the same map).
# The cost is points x cells: 4096 x 65² is 17 million softplus evaluations (about 0.1 s on one
# core, measured in tests/benchmarks/bench_gui.py); 100,000 points would take 2.5 s a map. The
# sample's mean loss is within about 1/sqrt(4096) = 1.6% (relative standard error) of the full
# mean, invisible on the map's logarithmic colours.
MAX_POINTS = 4096
SAMPLE_SEED = 0
# Cells per axis. Odd, so the current weights are a cell centre: the map there is the model's
# loss now (``eval_loss``).
RESOLUTION = 65
# Cells x points computed per NumPy call: one row of 65 cells at 4096 points (1 MB of float32,
# within a core's cache; measured fastest of 2^16 .. 2^22), several rows for fewer points so
# Python's share stays small.
_CELLS_PER_BLOCK = 1 << 18
# The grid's half-width around the current weights is at least this (Glorot's initial kernel
# lies within ±1.22 of 0 for two inputs; ±2 shows where it came from and where it may go) ...
MIN_HALF_WIDTH = 2.0
# ... and wide enough that the whole path so far lies within the inner 1/PATH_MARGIN of it.
PATH_MARGIN = 1.25


@dataclass(frozen=True)
class Landscape:
    """Mean loss on a square grid of (w1, w2) cell centres around ``centre``, bias fixed."""

    w1: np.ndarray  # (R,) cell centres, increasing
    w2: np.ndarray  # (R,)
    loss: np.ndarray  # (R, R) float32, indexed [i1, i2]
    centre: tuple[float, float]  # the weights it was computed around
    bias: float
    minimum: tuple[float, float]  # the lowest cell's (w1, w2)
    min_loss: float
    hessian: np.ndarray  # (2, 2) curvature of the loss at ``minimum``
    n_points: int  # points the mean is over (a sample when there are more than MAX_POINTS)
    n_total: int

    @property
    def half_width(self) -> float:
        return float(self.w1[-1] - self.w1[0]) / 2 + self.cell / 2

    @property
    def cell(self) -> float:
        return float(self.w1[1] - self.w1[0]) if len(self.w1) > 1 else 2 * MIN_HALF_WIDTH

    @property
    def condition(self) -> float:
        """How much steeper the valley is across than along: the ratio of the curvatures
        (eigenvalues of the Hessian) at the minimum; 1 is round, inf when flat one way."""
        low, high = np.linalg.eigvalsh(self.hessian)
        return float(high / low) if low > 0 else math.inf

    def inner(self, w: tuple[float, float], fraction: float = 0.5) -> bool:
        """Whether ``w`` lies in the central ``fraction`` of the grid (each way)."""
        reach = self.half_width * fraction
        return all(abs(float(v) - c) <= reach for v, c in zip(w, self.centre))


def sample_indices(n: int, limit: int = MAX_POINTS) -> np.ndarray:
    """All of ``n`` points, or a fixed random ``limit`` of them (sorted): deterministic, and
    without the aliasing of every k-th point (seed-2000 alternates its two classes)."""
    if n <= limit:
        return np.arange(n)
    return np.sort(np.random.default_rng(SAMPLE_SEED).choice(n, limit, replace=False))


def dense_inputs(xy: np.ndarray, scale, shift) -> np.ndarray:
    """The points as the Dense layer receives them, float32 as in Keras."""
    u = np.asarray(xy, np.float64).reshape(-1, 2) * np.asarray(scale, np.float64) \
        + np.asarray(shift, np.float64)
    return u.astype(np.float32)


def mean_loss(u: np.ndarray, labels: np.ndarray, w: tuple[float, float], b: float,
              l2: float = 0.0) -> float:
    """The loss at one weight pair, as ``evaluate`` gives it (float64 here: a reference)."""
    z = np.asarray(u, np.float64) @ np.asarray(w, np.float64) + b
    signed = np.where(np.asarray(labels) > 0.5, -z, z)
    return float(np.mean(np.logaddexp(0.0, signed)) + l2 * float(np.dot(w, w)))


def extent(centre: tuple[float, float], path: np.ndarray | None = None,
           min_half_width: float = MIN_HALF_WIDTH) -> float:
    """The grid's half-width: at least ``min_half_width``, and the path inside its inner part."""
    half = min_half_width
    if path is not None and len(path):
        path = np.asarray(path, np.float64).reshape(-1, 2)
        path = path[np.isfinite(path).all(axis=1)]
        if len(path):
            reach = float(np.max(np.abs(path - np.asarray(centre, np.float64))))
            half = max(half, PATH_MARGIN * reach)
    return half


def loss_grid(
    xy: np.ndarray,
    labels: np.ndarray,
    scale,
    shift,
    w: tuple[float, float],
    b: float,
    path: np.ndarray | None = None,
    resolution: int = RESOLUTION,
    l2: float = 0.0,
    min_half_width: float = MIN_HALF_WIDTH,
) -> Landscape:
    """The mean loss over a ``resolution``² grid centred on the weights ``w`` (bias ``b``),
    wide enough for ``path`` ((k, 2) weights so far). ``scale``/``shift``: the Dense layer's
    input map. Vectorised over points and one grid axis; one row of cells at a time, so the
    memory stays at cells x points / resolution floats."""
    xy = np.asarray(xy, np.float64).reshape(-1, 2)
    labels = np.asarray(labels).reshape(-1)
    if len(xy) == 0 or len(xy) != len(labels):
        raise ValueError("the landscape needs points with one label each")
    if resolution < 2:
        raise ValueError("the landscape needs at least 2 cells per axis")
    centre = (float(w[0]), float(w[1]))
    half = extent(centre, path, min_half_width)
    cell = 2 * half / resolution
    w1 = centre[0] + (np.arange(resolution) - (resolution - 1) / 2) * cell
    w2 = centre[1] + (np.arange(resolution) - (resolution - 1) / 2) * cell
    chosen = sample_indices(len(xy))
    u = dense_inputs(xy[chosen], scale, shift)
    sign = np.where(labels[chosen] > 0.5, -1.0, 1.0).astype(np.float32)
    a, c = u[:, 0] * sign, u[:, 1] * sign  # label 1: softplus(-z), label 0: softplus(z)
    bias = np.float32(b) * sign
    w1_32, w2_32 = w1.astype(np.float32), w2.astype(np.float32)
    loss = np.empty((resolution, resolution), np.float32)
    rows = max(1, _CELLS_PER_BLOCK // (resolution * max(len(u), 1)))  # w1 values per block
    for first in range(0, resolution, rows):
        w1_block = w1_32[first: first + rows]
        # z (signed) for each (w1 of the block, w2, point): (k, R, P) float32
        block = np.multiply.outer(w2_32, c)[None, :, :] + (
            np.multiply.outer(w1_block, a) + bias)[:, None, :]
        positive = np.maximum(block, 0.0)
        np.abs(block, out=block)
        np.negative(block, out=block)
        np.exp(block, out=block)
        np.log1p(block, out=block)
        block += positive  # softplus = max(z, 0) + log(1 + exp(-|z|)), as Keras computes it
        loss[first: first + len(w1_block)] = block.mean(axis=2)
    if l2 > 0:
        loss += (l2 * (w1[:, None] ** 2 + w2[None, :] ** 2)).astype(np.float32)
    lowest = np.unravel_index(int(np.nanargmin(loss)), loss.shape) if np.isfinite(
        loss).any() else (resolution // 2, resolution // 2)
    minimum = (float(w1[lowest[0]]), float(w2[lowest[1]]))
    return Landscape(w1, w2, loss, centre, float(b), minimum, float(loss[lowest]),
                     hessian(u, labels[chosen], minimum, b, l2), len(u), len(xy))


def hessian(u: np.ndarray, labels: np.ndarray, w: tuple[float, float], b: float,
            l2: float = 0.0) -> np.ndarray:
    """The loss's second derivatives in (w1, w2): mean p(1-p) u uᵀ (+ 2·l2·I). Its eigenvalues
    are the curvatures across and along the valley; their ratio is what makes one learning
    rate too large one way and too small the other."""
    del labels  # the curvature of cross-entropy does not depend on the labels
    u = np.asarray(u, np.float64)
    z = u @ np.asarray(w, np.float64) + b
    p = 0.5 * (1.0 + np.tanh(0.5 * z))  # the sigmoid, without overflow
    weights = p * (1.0 - p)
    return (u * weights[:, None]).T @ u / len(u) + 2 * l2 * np.eye(2)
