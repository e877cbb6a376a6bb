"""Named data sets, each a pure function of a seed.

The first three come straight from the question and its answer (see ``shared/seed``); the rest
are classic 2-D shapes that show what one linear neuron can and cannot learn. Adding a preset is
one entry in ``PRESETS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.i18n import N_

Points = tuple[np.ndarray, np.ndarray]  # (n, 2) float64 coordinates, (n,) int8 labels


def seed_4(seed: int) -> Points:
    """The question's four points: label is 1 exactly when y is 1."""
    del seed  # fixed data
    xy = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], dtype=np.float64)
    return xy, np.array([0, 0, 1, 1], dtype=np.int8)


def seed_2000(seed: int) -> Points:
    """The question's 2000 unscaled points: x runs to 999 while y is only 0 or 1."""
    del seed  # fixed data
    i = np.repeat(np.arange(1000, dtype=np.float64), 2)
    y = np.tile([0.0, 1.0], 1000)
    return np.column_stack([i, y]), y.astype(np.int8)


def noisy_corners(seed: int) -> Points:
    """The answer's fix: 1000 points around the four corners, label = y > 0.5."""
    rng = np.random.default_rng(seed)
    xy = rng.integers(0, 2, size=(1000, 2)) + rng.normal(scale=0.2, size=(1000, 2))
    return xy, (xy[:, 1] > 0.5).astype(np.int8)


def blobs(seed: int) -> Points:
    """Two Gaussian clouds that overlap a little: linearly separable only up to noise."""
    rng = np.random.default_rng(seed)
    n = 200
    xy = np.concatenate(
        [rng.normal((-1.0, -0.5), 0.6, (n, 2)), rng.normal((1.0, 0.5), 0.6, (n, 2))]
    )
    return xy, np.repeat([0, 1], n).astype(np.int8)


def xor(seed: int) -> Points:
    """XOR of the signs of x and y: no single line separates it (best accuracy ~50-75%)."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(-1, 1, size=(400, 2))
    return xy, ((xy[:, 0] > 0) ^ (xy[:, 1] > 0)).astype(np.int8)


def circles(seed: int) -> Points:
    """A disc inside a ring: a linear neuron cannot separate it."""
    rng = np.random.default_rng(seed)
    n = 200
    angle = rng.uniform(0, 2 * np.pi, 2 * n)
    radius = np.concatenate([rng.uniform(0, 0.5, n), rng.uniform(0.8, 1.2, n)])
    xy = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return xy, np.repeat([1, 0], n).astype(np.int8)


@dataclass(frozen=True)
class Preset:
    name: str
    make: Callable[[int], Points]
    summary: str  # English, marked with N_(): whoever shows it translates it


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("seed-4", seed_4,
               N_("The question's 4 points (0,0),(1,0)->0 and (0,1),(1,1)->1")),
        Preset("seed-2000", seed_2000,
               N_("The question's 2000 points (i,0)->0, (i,1)->1, i < 1000")),
        Preset("noisy-corners", noisy_corners,
               N_("The answer's fix: noisy corners, label = y > 0.5")),
        Preset("blobs", blobs, N_("Two Gaussian clouds")),
        Preset("xor", xor, N_("XOR: not linearly separable")),
        Preset("circles", circles, N_("A disc inside a ring: not linearly separable")),
    )
}

DEFAULT_PRESET = "noisy-corners"


def make_preset(name: str, seed: int = 0) -> Points:
    """Generate a preset by name; raises KeyError with the known names when unknown."""
    try:
        preset = PRESETS[name]
    except KeyError:
        raise KeyError(f"unknown preset '{name}' (choose from {', '.join(PRESETS)})") from None
    return preset.make(seed)
