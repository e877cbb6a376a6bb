"""scikit-learn's LogisticRegression on the same points: the same model as one sigmoid neuron,
fitted by a different solver (L-BFGS on the whole data set), as the first answer suggests.

Drawn beside the Keras line it shows what the neuron could reach, and how far a given
optimizer, rate or BatchNormalization leaves it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# scikit-learn's default inverse regularisation strength: a mild L2 penalty, so on separable
# points its weights stay finite where the neuron's keep growing.
DEFAULT_C = 1.0
# Beyond this many points the fit uses an evenly spread sample of this size (the accuracy is
# still measured on all of them). scikit-learn's L-BFGS on 1,000,000 points held the
# interpreter for seconds in all, freezing the window it runs beside, for a line that a
# sample of 100,000 gives to about 1e-2.
MAX_FITTED_POINTS = 100_000


@dataclass(frozen=True)
class Reference:
    """What a linear model fitted to the end reaches on the points, and which model it is."""

    line: tuple[float, float, float]  # a*x + b*y + c = 0, positive side = class 1
    accuracy: float
    name: str = "LogisticRegression"  # the scikit-learn estimator
    c: float = DEFAULT_C  # its C (inverse L2 strength)
    fitted: int | None = None  # points in the sample it was fitted on; None: all of them

    @property
    def label(self) -> str:
        """How the window and the coach name it: "LogisticRegression (C=1)"."""
        return f"{self.name} (C={self.c:g})"


def logistic_regression(xy: np.ndarray, labels: np.ndarray) -> Reference | None:
    """Fit scikit-learn's default LogisticRegression (C=1); None when there are not two
    classes."""
    from sklearn.linear_model import LogisticRegression  # imported on first use: it is slow

    labels = np.asarray(labels)
    xy = np.asarray(xy, dtype=np.float64)
    if not (labels == 0).any() or not (labels == 1).any():
        return None
    fitted = None
    sample = slice(None)
    if len(labels) > MAX_FITTED_POINTS:  # every k-th point: the same sample every time
        fitted = MAX_FITTED_POINTS
        sample = np.linspace(0, len(labels) - 1, MAX_FITTED_POINTS).round().astype(np.int64)
        if len(np.unique(labels[sample])) < 2:
            sample, fitted = slice(None), None  # one class is too rare to sample: fit all
    model = LogisticRegression(C=DEFAULT_C).fit(xy[sample], labels[sample])
    (a, b), c = model.coef_[0], model.intercept_[0]
    accuracy = float(np.mean(model.predict(xy) == labels))
    return Reference((float(a), float(b), float(c)), accuracy, type(model).__name__, model.C,
                     fitted)
