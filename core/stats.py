"""What the trainer reports after each epoch: plain numbers, safe to hand to any thread."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass

import numpy as np

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


@dataclass(frozen=True)
class EpochBatch:
    """Consecutive epochs of one model, as columns: what the trainer reports per call.

    The compiled engine runs up to hundreds of thousands of epochs a second; one Python
    object per epoch would cost more than the training. Columns cross threads as a few arrays,
    and an ``EpochStats`` is made only for the epochs someone looks at (indexing, iterating).
    Epochs increase strictly within a batch.
    """

    epoch: np.ndarray  # (E,) int
    loss: np.ndarray  # (E,) NaN where None
    accuracy: np.ndarray
    eval_loss: np.ndarray
    eval_accuracy: np.ndarray
    test_loss: np.ndarray
    test_accuracy: np.ndarray
    w: np.ndarray  # (E, 2)
    b: np.ndarray  # (E,)
    line: np.ndarray  # (E, 3)
    train_line: np.ndarray | None  # (E, 3)
    n_train: int
    n_test: int
    diverged: bool = False  # of the last epoch

    @classmethod
    def of(cls, stats: EpochStats) -> EpochBatch:
        def column(value: float | None) -> np.ndarray:
            return np.array([np.nan if value is None else value], dtype=float)

        return cls(
            epoch=np.array([stats.epoch]), loss=column(stats.loss),
            accuracy=column(stats.accuracy), eval_loss=column(stats.eval_loss),
            eval_accuracy=column(stats.eval_accuracy), test_loss=column(stats.test_loss),
            test_accuracy=column(stats.test_accuracy), w=np.array([stats.w], dtype=float),
            b=column(stats.b), line=np.array([stats.line], dtype=float),
            train_line=None if stats.train_line is None else np.array([stats.train_line],
                                                                      dtype=float),
            n_train=stats.n_train, n_test=stats.n_test, diverged=stats.diverged,
        )

    def __len__(self) -> int:
        return len(self.epoch)

    def __getitem__(self, index: int) -> EpochStats:
        i = range(len(self))[index]

        def optional(values: np.ndarray) -> float | None:
            return float(values[i]) if np.isfinite(values[i]) else None

        return EpochStats(
            epoch=int(self.epoch[i]), loss=optional(self.loss),
            accuracy=optional(self.accuracy), eval_loss=optional(self.eval_loss),
            eval_accuracy=optional(self.eval_accuracy), test_loss=optional(self.test_loss),
            test_accuracy=optional(self.test_accuracy),
            w=(float(self.w[i, 0]), float(self.w[i, 1])), b=float(self.b[i]),
            line=_triple(self.line[i]),
            train_line=None if self.train_line is None else _triple(self.train_line[i]),
            n_train=self.n_train, n_test=self.n_test,
            diverged=self.diverged and i == len(self) - 1,
        )

    def __iter__(self) -> Iterator[EpochStats]:
        return (self[i] for i in range(len(self)))

    def last(self) -> EpochStats:
        return self[-1]


def _triple(values: np.ndarray) -> Line:
    return (float(values[0]), float(values[1]), float(values[2]))
