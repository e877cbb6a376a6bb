"""What the trainer reports after each epoch: plain numbers, safe to hand to any thread."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

Line = tuple[float, float, float]  # a*x + b*y + c = 0 in data coordinates


@dataclass(frozen=True)
class EpochStats:
    """One epoch's figures.

    ``loss``/``accuracy`` are exactly what Keras ``fit`` reports for the epoch (training mode,
    averaged over its batches while the weights moved); ``eval_*`` is the model in inference mode
    on all training points after the epoch, i.e. what ``predict`` gives. They differ when
    BatchNormalization is on, which is the question's first puzzle. Epoch 0 is the untrained
    model, so its training-mode figures are None.
    """

    epoch: int
    loss: float | None
    accuracy: float | None
    eval_loss: float | None
    eval_accuracy: float | None
    test_loss: float | None
    test_accuracy: float | None
    w: tuple[float, float]
    b: float
    line: Line  # inference-mode boundary: predict > 0.5 exactly on its positive side
    train_line: Line | None = None  # BatchNormalization with the last batch's statistics
    n_train: int = 0
    n_test: int = 0
    diverged: bool = False

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: non-finite numbers become None (JSON has no NaN)."""
        return {key: _finite_or_none(value) for key, value in asdict(self).items()}


def _finite_or_none(value: object) -> object:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (tuple, list)):
        return [_finite_or_none(v) for v in value]
    return value
