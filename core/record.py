"""The one per-epoch record: every figure an epoch reports is named here, and only here.

The engine fills the figures it measures by these names, derives the boundary lines and
numbers the epochs; the charts' history keeps every per-epoch figure (``history_columns()``)
and ``--json`` writes ``EpochStats.to_dict()``, whose keys are the record's fields. Adding a
figure is one field below (plus the engine computing it, for a measured one) and the line
that shows it.

``EpochBatch`` holds consecutive epochs as columns: the compiled engine runs up to hundreds of
thousands of epochs a second, and one Python object per epoch would cost more than the
training. An ``EpochStats`` is made only for the epochs someone looks at.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np

Line = tuple[float, float, float]  # a*x + b*y + c = 0 in data coordinates

# Where a field's values come from: measured by the compiled training loop, derived from the
# weights after it (the boundary in data coordinates), or the trainer's own bookkeeping.
MEASURED, DERIVED, BOOKKEEPING = "measured", "derived", "bookkeeping"


def _figure(source: str, width: int = 1, optional: bool = False, may_omit: bool = False) -> Any:
    """A record field: ``width`` numbers per epoch; ``optional`` ones may be missing (None).
    ``may_omit``: a figure added later, which a record or batch made without it (older code,
    hand-made test records) leaves missing; it defaults to None, so it must be optional."""
    metadata = {"source": source, "width": width, "optional": optional or may_omit}
    if may_omit:
        return field(default=None, metadata=metadata)
    return field(metadata=metadata)


@dataclass(frozen=True)
class EpochStats:
    """One epoch's figures.

    ``loss``/``accuracy`` are exactly what Keras ``fit`` reports for the epoch (training mode,
    averaged over its batches while the weights moved); ``eval_*`` is the model in inference mode
    on all training points after the epoch, i.e. what ``predict`` gives. They differ when
    BatchNormalization is on, which is the question's first puzzle. Epoch 0 is the untrained
    model, so its training-mode figures are None; ``test_*`` are None without held-out points.
    """

    epoch: int = _figure(BOOKKEEPING)
    loss: float | None = _figure(MEASURED, optional=True)
    accuracy: float | None = _figure(MEASURED, optional=True)
    eval_loss: float | None = _figure(MEASURED, optional=True)
    eval_accuracy: float | None = _figure(MEASURED, optional=True)
    test_loss: float | None = _figure(MEASURED, optional=True)
    test_accuracy: float | None = _figure(MEASURED, optional=True)
    w: tuple[float, float] = _figure(MEASURED, width=2)  # the Dense kernel
    b: float = _figure(MEASURED)  # the Dense bias
    # Inference-mode boundary: predict > 0.5 exactly on its positive side.
    line: Line = _figure(DERIVED, width=3)
    # BatchNormalization with the last batch's statistics (None without BatchNormalization).
    train_line: Line | None = _figure(DERIVED, width=3, optional=True)
    n_train: int = _figure(BOOKKEEPING)
    n_test: int = _figure(BOOKKEEPING)
    diverged: bool = _figure(BOOKKEEPING)
    # What the Dense layer sees, per feature: input_scale * (x, y) + input_shift, in inference
    # mode (Normalization and BatchNormalization's moving statistics folded; (1, 1) and (0, 0)
    # without them). The loss landscape is drawn in the Dense layer's own (w1, w2) space, so it
    # needs the points as the Dense layer gets them, without the model.
    input_scale: tuple[float, float] | None = _figure(DERIVED, width=2, may_omit=True)
    input_shift: tuple[float, float] | None = _figure(DERIVED, width=2, may_omit=True)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: non-finite numbers become None (JSON has no NaN)."""
        return {key: _finite_or_none(value) for key, value in asdict(self).items()}


FIELDS = tuple(fields(EpochStats))
FIELD_NAMES = tuple(f.name for f in FIELDS)
MEASURED_FIELDS = tuple(f for f in FIELDS if f.metadata["source"] == MEASURED)
PER_EPOCH_FIELDS = tuple(f for f in FIELDS if f.metadata["source"] != BOOKKEEPING)


def history_columns() -> tuple[str, ...]:
    """History columns: ``epoch`` and every per-epoch figure, a field of width k giving
    ``name1 .. namek`` (``w`` -> ``w1``, ``w2``; ``line`` -> ``line1`` .. ``line3``). The lines
    are kept too, though derivable only with the model's layers: looking back at an epoch
    redraws its line and map from them, without the model."""
    names = ["epoch"]
    for f in PER_EPOCH_FIELDS:
        k = f.metadata["width"]
        names += [f.name] if k == 1 else [f"{f.name}{i + 1}" for i in range(k)]
    return tuple(names)


@dataclass(frozen=True)
class EpochBatch:
    """Consecutive epochs of one model, as columns: what the trainer reports per call.

    ``columns`` maps every per-epoch field name to an (E,) or (E, width) float array, NaN where
    a figure is missing (a whole optional column may be None, e.g. ``train_line`` without
    BatchNormalization). Epochs increase strictly within a batch; ``diverged`` is of the last.
    """

    epoch: np.ndarray  # (E,) int
    columns: Mapping[str, np.ndarray | None]
    n_train: int
    n_test: int
    diverged: bool = False

    def __post_init__(self) -> None:
        omitted = {f.name: None for f in PER_EPOCH_FIELDS
                   if f.default is None and f.name not in self.columns}
        if omitted:  # figures a record may leave out (see ``_figure``): missing
            object.__setattr__(self, "columns", {**self.columns, **omitted})
        missing = {f.name for f in PER_EPOCH_FIELDS} ^ set(self.columns)
        if missing:
            raise ValueError(f"epoch columns do not match the record: {sorted(missing)}")

    def __getattr__(self, name: str) -> np.ndarray | None:
        """``batch.loss``, ``batch.w`` ...: the column of that field."""
        columns = self.__dict__.get("columns")
        if columns is not None and name in columns:
            return columns[name]
        raise AttributeError(name)

    @classmethod
    def of(cls, stats: EpochStats) -> EpochBatch:
        """One epoch as a batch of one."""
        columns = {f.name: _column(f, getattr(stats, f.name)) for f in PER_EPOCH_FIELDS}
        return cls(np.array([stats.epoch]), columns, stats.n_train, stats.n_test, stats.diverged)

    def rows(self) -> np.ndarray:
        """Every epoch as one float row laid out as ``history_columns()`` (NaN where missing)."""
        parts = [self.epoch.astype(float)[:, None]]
        for f in PER_EPOCH_FIELDS:
            values = self.columns[f.name]
            k = f.metadata["width"]
            parts.append(np.full((len(self), k), np.nan) if values is None
                         else np.asarray(values, float).reshape(len(self), k))
        return np.concatenate(parts, axis=1)

    @classmethod
    def from_rows(cls, rows: np.ndarray, n_train: int, n_test: int) -> EpochBatch:
        """The inverse of ``rows()``: epochs laid out as ``history_columns()`` (the history's
        kept rows) as a batch again."""
        columns: dict[str, np.ndarray | None] = {}
        at = 1
        for f in PER_EPOCH_FIELDS:
            k = f.metadata["width"]
            values = rows[:, at: at + k] if k > 1 else rows[:, at]
            if k > 1 and f.metadata["optional"] and not np.isfinite(values).any():
                values = None  # e.g. train_line without BatchNormalization
            columns[f.name] = values
            at += k
        return cls(rows[:, 0].astype(int), columns, n_train, n_test)

    def __len__(self) -> int:
        return len(self.epoch)

    def __getitem__(self, index: int) -> EpochStats:
        i = range(len(self))[index]
        values = {f.name: _value(f, self.columns[f.name], i) for f in PER_EPOCH_FIELDS}
        return EpochStats(epoch=int(self.epoch[i]), n_train=self.n_train, n_test=self.n_test,
                          diverged=self.diverged and i == len(self) - 1, **values)

    def __iter__(self) -> Iterator[EpochStats]:
        return (self[i] for i in range(len(self)))

    def last(self) -> EpochStats:
        return self[-1]


def _column(f, value: object) -> np.ndarray | None:
    """One epoch's value as a column: (1,) for a number, (1, width) for a tuple."""
    if value is None:
        return None if f.metadata["width"] > 1 else np.array([np.nan])
    values = np.array([np.nan if v is None else v for v in np.atleast_1d(value)], float)
    return values if f.metadata["width"] == 1 else values[None, :]


def _value(f, column: np.ndarray | None, i: int) -> object:
    """Row ``i`` of a column as the record's Python type: float, tuple, or None if missing."""
    optional = f.metadata["optional"]
    if column is None:
        return None
    if f.metadata["width"] == 1:
        value = float(np.asarray(column).reshape(-1)[i])
        return None if optional and not math.isfinite(value) else value
    row = tuple(float(v) for v in np.asarray(column)[i])
    return None if optional and not all(map(math.isfinite, row)) else row


def _finite_or_none(value: object) -> object:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (tuple, list)):
        return [_finite_or_none(v) for v in value]
    return value
