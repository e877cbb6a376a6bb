"""The model's decision boundary as plain geometry, in NumPy only (no TensorFlow, no Qt).

The network is Normalization -> BatchNormalization -> Dense -> sigmoid. The first three are
affine per feature, so the whole thing is sigmoid(a*x + b*y + c) in data coordinates: folding
them gives the line a*x + b*y + c = 0 and the probability anywhere, without running Keras.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NORMALIZATION_EPSILON = 1e-7  # keras.backend.epsilon(), used by keras.layers.Normalization


@dataclass(frozen=True)
class BatchNormParams:
    gamma: np.ndarray  # (..., 2)
    beta: np.ndarray
    mean: np.ndarray  # moving mean for inference, batch mean for training mode
    variance: np.ndarray
    epsilon: float


def input_map(
    shape: tuple[int, ...],
    norm_mean: np.ndarray | None = None,
    norm_variance: np.ndarray | None = None,
    batchnorm: BatchNormParams | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(scale, shift), each of ``shape`` (..., 2): the Dense layer's input is
    ``scale * (x, y) + shift`` per feature, the input layers folded (inference mode when
    ``batchnorm`` holds moving statistics). Identity without input layers."""
    scale = np.ones(shape, np.float64)
    shift = np.zeros(shape, np.float64)
    if norm_mean is not None and norm_variance is not None:
        s = np.maximum(np.sqrt(np.asarray(norm_variance, np.float64)), NORMALIZATION_EPSILON)
        scale = scale / s
        shift = (shift - np.asarray(norm_mean, np.float64)) / s
    if batchnorm is not None:
        g = np.asarray(batchnorm.gamma, np.float64) / np.sqrt(
            np.asarray(batchnorm.variance, np.float64) + batchnorm.epsilon
        )
        scale = scale * g
        shift = (shift - np.asarray(batchnorm.mean, np.float64)) * g + batchnorm.beta
    return scale, shift


def fold_line(
    kernel: np.ndarray,
    bias: np.ndarray,
    norm_mean: np.ndarray | None = None,
    norm_variance: np.ndarray | None = None,
    batchnorm: BatchNormParams | None = None,
) -> np.ndarray:
    """Coefficients (a, b, c) of the boundary in data coordinates.

    Broadcasts over leading axes: ``kernel`` (..., 2) and ``bias`` (...) give (..., 3), so one
    call folds every epoch of a training chunk.
    """
    kernel = np.asarray(kernel, dtype=np.float64)
    bias = np.asarray(bias, dtype=np.float64)
    scale, offset = input_map(kernel.shape, norm_mean, norm_variance, batchnorm)
    a = kernel * scale
    c = np.sum(kernel * offset, axis=-1) + bias
    return np.concatenate([a, c[..., None]], axis=-1)


def logit(line: tuple[float, float, float], xy: np.ndarray) -> np.ndarray:
    a, b, c = line
    xy = np.asarray(xy, dtype=np.float64)
    return a * xy[..., 0] + b * xy[..., 1] + c


def probability_grid(
    line: tuple[float, float, float],
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    shape: tuple[int, int],
) -> np.ndarray:
    """The model's output on a (nx, ny) grid of cell centres, float32, indexed [ix, iy]."""
    nx, ny = shape
    xs = np.linspace(*x_range, nx, endpoint=False) + (x_range[1] - x_range[0]) / (2 * nx)
    ys = np.linspace(*y_range, ny, endpoint=False) + (y_range[1] - y_range[0]) / (2 * ny)
    a, b, c = line
    z = a * xs[:, None] + b * ys[None, :] + c
    with np.errstate(over="ignore"):
        return (1.0 / (1.0 + np.exp(-z))).astype(np.float32)


def clip_line(
    line: tuple[float, float, float],
    x_range: tuple[float, float],
    y_range: tuple[float, float],
) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """End points of the boundary inside a rectangle, or None when it misses it.

    Works for any orientation (vertical lines included) by intersecting with all four edges.
    """
    a, b, c = (float(v) for v in line)
    if not all(np.isfinite([a, b, c])) or (a == 0 and b == 0):
        return None
    (x0, x1), (y0, y1) = x_range, y_range
    points: list[tuple[float, float]] = []
    if b != 0:
        for x in (x0, x1):
            y = -(a * x + c) / b
            if y0 <= y <= y1:
                points.append((x, y))
    if a != 0:
        for y in (y0, y1):
            x = -(b * y + c) / a
            if x0 <= x <= x1:
                points.append((x, y))
    if len(points) < 2:
        return None
    first = points[0]
    farthest = max(points, key=lambda p: (p[0] - first[0]) ** 2 + (p[1] - first[1]) ** 2)
    return first, farthest
