"""What ``model.predict`` returns for rows a person chooses, and how to read it.

The question's author printed ``model.predict(predict_data)`` and read
``[[0.4975], [0.5162], [0.7745], [0.7745]]`` as if they were classes. The Predict panel asks
the live model the same question: ``predict_rows`` runs on the trainer's thread (through
``Trainer.ask``) and calls the real ``keras_model.predict`` — inference mode, the output
Keras prints — and ``describe`` adds what the numbers mean: the class ``predict > 0.5``
gives (the same rule as the decision line and ``core.readout``: exactly 0.5 is class 0)
and, when a row's (x, y) is a data point, that point's label.

Qt-free; only ``predict_rows`` touches TensorFlow, and only through the model it is given.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# The question's predict_data, exactly as it wrote it: (1, 1) twice, no (0, 1).
QUESTION_ROWS: tuple[tuple[float, float], ...] = ((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (1.0, 1.0))
# Scenarios that train on the question's points and whose author then predicted QUESTION_ROWS
# (the question asked both models about the same four rows).
QUESTION_SCENARIOS = ("question-4", "question-2000")
THRESHOLD = 0.5  # predict > 0.5 is class 1, as the decision line and the readout count it
# A row "is" a data point when both coordinates agree to this relative precision: exact in
# practice (a point picked on the plot takes its coordinates exactly; a coordinate typed in
# full and parsed back is the same float), while still forgiving the last bits a float's
# round trip through text can lose. A row typed near a point (0.48 for 0.4837) is a place.
MATCH_TOLERANCE = 1e-9
MAX_ROWS = 200  # a table to read, not a data set; predict on more is the data's business
# A typed coordinate is refused beyond this size. A row is a place to ask about near the
# data, drawn as a cross on the plot; a coordinate like 1e30 is a slip of the keyboard, and
# in a window on X such a row made every cross on the plot vanish (all rows are one plot
# item, and Qt gave up drawing it), while 1e6 drew fine. A million is far beyond the data
# this tool is for (the question's lie in 0..1), so refusing more loses no real question.
MAX_COORDINATE = 1e6


def predict_rows(neuron, xy: np.ndarray) -> np.ndarray:
    """``neuron.keras_model.predict(xy)`` as the question called it: the real Keras call,
    inference mode (BatchNormalization uses its moving averages), shape (n, 1), float32.

    ``neuron`` is a ``core.model.NeuronModel``; run this on the thread that owns it (the
    trainer's, via ``Trainer.ask``). No rows: an empty (0, 1) array without calling Keras,
    which has no batch to run."""
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    if not len(xy):
        return np.zeros((0, 1), np.float32)
    return np.asarray(neuron.keras_model.predict(xy, verbose=0))


@dataclass(frozen=True)
class PredictRow:
    """One row of the panel: where, what predict returned, and what that means."""

    x: float
    y: float
    output: float | None  # predict's number for this row (float32, widened); None: not yet
    predicted: int | None  # output > THRESHOLD (None without an output)
    labels: tuple[int, ...]  # labels of the data points at (x, y), sorted, each once
    points: int  # how many data points lie at (x, y)

    @property
    def label(self) -> int | None:
        """The label when the row is data points of one class; None otherwise."""
        return self.labels[0] if len(self.labels) == 1 else None


def predicted_class(output: float) -> int:
    """``predict > 0.5``: exactly 0.5 is class 0, as ``core.readout.read_at`` says."""
    return int(output > THRESHOLD)


def matching_points(x: float, y: float, data_xy: np.ndarray) -> np.ndarray:
    """Indices of the data points at (x, y), to ``MATCH_TOLERANCE`` (relative, at least 1).
    One vectorised pass over the points: ~1 ms at 100,000 points."""
    data_xy = np.asarray(data_xy, dtype=np.float64).reshape(-1, 2)
    if not len(data_xy):
        return np.zeros(0, dtype=np.int64)
    scale_x = np.maximum(1.0, np.maximum(abs(x), np.abs(data_xy[:, 0])))
    scale_y = np.maximum(1.0, np.maximum(abs(y), np.abs(data_xy[:, 1])))
    near = ((np.abs(data_xy[:, 0] - x) <= MATCH_TOLERANCE * scale_x)
            & (np.abs(data_xy[:, 1] - y) <= MATCH_TOLERANCE * scale_y))
    return np.flatnonzero(near)


def labels_at(x: float, y: float, data_xy: np.ndarray, data_labels: np.ndarray
              ) -> tuple[tuple[int, ...], int]:
    """The distinct labels of the data points at (x, y), sorted, and how many points are
    there: ``((), 0)`` for a place, ``((0, 1), 2)`` for two coinciding points that disagree."""
    found = matching_points(x, y, data_xy)
    labels = np.asarray(data_labels).reshape(-1)[found]
    return tuple(sorted({int(v) for v in labels})), len(found)


def describe(xy: np.ndarray, outputs: Sequence[float | None], data_xy: np.ndarray,
             data_labels: np.ndarray) -> list[PredictRow]:
    """The panel's rows: predict's outputs for ``xy`` (None where not known yet) with their
    class and, where a row is a data point (or several coinciding ones), the labels there."""
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    outputs = list(np.asarray(outputs, dtype=object).reshape(-1)) if len(outputs) else []
    if len(outputs) != len(xy):
        raise ValueError(f"{len(outputs)} outputs for {len(xy)} rows")
    rows = []
    for (x, y), output in zip(xy, outputs):
        labels, points = labels_at(float(x), float(y), data_xy, data_labels)
        known = output is not None
        rows.append(PredictRow(float(x), float(y), float(output) if known else None,
                               predicted_class(output) if known else None, labels, points))
    return rows


def parse_coordinate(text: str) -> float | None:
    """A typed coordinate as a finite float; None for anything else ("", "abc", "nan")."""
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def within_limit(value: float) -> bool:
    """Whether a typed coordinate is one the panel takes: at most ``MAX_COORDINATE`` in size."""
    return abs(value) <= MAX_COORDINATE


def format_coordinate(value: float) -> str:
    """The shortest text that parses back to the same float (Python's repr): what the table
    shows, so reading a cell and typing it back names the same place."""
    return repr(float(value))


def keras_text(outputs: np.ndarray) -> str:
    """``print(model.predict(...))`` as the question saw it: NumPy's printing of the float32
    (n, 1) array, e.g. ``[[0.49750862]\\n [0.51616406]]``."""
    return str(np.asarray(outputs, dtype=np.float32).reshape(-1, 1))


def row_text(output: float) -> str:
    """One row of that printout, e.g. ``[0.49750862]``: the number as Keras gave it."""
    return str(np.array([output], dtype=np.float32))


def code_text(xy: np.ndarray) -> str:
    """The question's two lines for these rows, ready to paste after its model code."""
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    rows = ", ".join(f"[{format_coordinate(x)}, {format_coordinate(y)}]" for x, y in xy)
    return (f"predict_data = np.array([{rows}])\n"
            "print(model.predict(predict_data))")
