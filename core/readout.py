"""What the model says at one place or about one point: the numbers behind the map's colour.

The question's author read ``predict``'s ``[[0.49], [0.52], [0.77], [0.77]]`` as classes; the
window shows, under the cursor, the raw output, the probability and the class ``predict > 0.5``
gives, and for a point also its label, its set and its loss. The boundary line of a record is
the model's whole inference-mode output in data coordinates (Normalization and
BatchNormalization in inference are affine), so ``z = a*x + b*y + c`` is the Dense layer's
output ``w·x + b`` after the input layers, exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from core.record import Line

KERAS_EPSILON = 1e-7  # keras.backend.epsilon(): binary cross-entropy clips p to [eps, 1 - eps]


@dataclass(frozen=True)
class Reading:
    """The model at (x, y); the point's own figures when the place is a data point."""

    x: float
    y: float
    z: float  # the Dense layer's output before the sigmoid
    probability: float  # P(class 1), what predict returns
    predicted: int  # predict > 0.5
    label: int | None = None  # the point's class (None: not a point)
    held_out: bool = False  # the point is in the test set
    loss: float | None = None  # the point's binary cross-entropy, as Keras computes it


def read_at(line: Line, x: float, y: float, label: int | None = None,
            held_out: bool = False) -> Reading:
    a, b, c = line
    z = a * x + b * y + c
    probability = 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0  # exp overflows past 709
    loss = None
    if label is not None:
        p = min(max(probability, KERAS_EPSILON), 1.0 - KERAS_EPSILON)
        loss = -math.log(p) if label == 1 else -math.log(1.0 - p)
    return Reading(x, y, z, probability, int(probability > 0.5), label, held_out, loss)
