"""Making data by hand, as Orange's Paint Data does: the points a spray puff adds, and the
noise jitter adds. Pure functions of their arguments and a seed, so a test (or a replay) gets
the same points again; the window only decides where and when.
"""

from __future__ import annotations

import numpy as np

DEFAULT_RADIUS_PIXELS = 30  # the spray's radius on screen: a circle the size of a fingertip
DEFAULT_DENSITY = 5  # points per puff: a slow stroke makes a cloud, a quick one a trail
DEFAULT_JITTER = 0.05  # noise as a fraction of the points' spread: visible, never scrambling


def spray(x: float, y: float, radius: float | tuple[float, float], density: int,
          seed: int) -> np.ndarray:
    """``density`` points spread uniformly over the disc of ``radius`` around (x, y).

    ``radius`` is in data units; a pair gives one per axis (an ellipse in data units), which
    is how a circle on screen looks when the axes are scaled differently. Uniform over the
    area (the square root of a uniform radius), so a puff is not denser at its centre."""
    if density < 0:
        raise ValueError("the density must be a number of points, 0 or more")
    rx, ry = (radius, radius) if np.isscalar(radius) else radius
    rng = np.random.default_rng(seed)
    distance = np.sqrt(rng.random(density))
    angle = rng.random(density) * 2 * np.pi
    return np.column_stack([x + rx * distance * np.cos(angle),
                            y + ry * distance * np.sin(angle)])


def spread(xy: np.ndarray) -> np.ndarray:
    """The points' standard deviation along x and y: the scale jitter is measured in.

    An axis without spread (one point, points on a line) takes the other's, and with none
    at all it is 1, so jitter always moves the points."""
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    scale = xy.std(axis=0) if len(xy) else np.zeros(2)
    if not np.any(scale > 0):
        return np.ones(2)
    return np.where(scale > 0, scale, scale.max())


def jitter(xy: np.ndarray, scale: np.ndarray | float, strength: float, seed: int) -> np.ndarray:
    """``xy`` moved by Gaussian noise of ``strength`` times ``scale`` (per axis, e.g. the
    whole data set's ``spread``, so jittering a few points moves them as much as jittering
    all). Seeded: the window counts its jitters, so the n-th jitter is the same every run."""
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    rng = np.random.default_rng(seed)
    return xy + rng.normal(size=xy.shape) * strength * np.asarray(scale, dtype=np.float64)
