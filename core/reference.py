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


@dataclass(frozen=True)
class Reference:
    """What a linear model fitted to the end reaches on the points, and which model it is."""

    line: tuple[float, float, float]  # a*x + b*y + c = 0, positive side = class 1
    accuracy: float
    name: str = "LogisticRegression"  # the scikit-learn estimator
    c: float = DEFAULT_C  # its C (inverse L2 strength)

    @property
    def label(self) -> str:
        """How the window and the coach name it: "LogisticRegression (C=1)"."""
        return f"{self.name} (C={self.c:g})"


def logistic_regression(xy: np.ndarray, labels: np.ndarray) -> Reference | None:
    """Fit scikit-learn's default LogisticRegression (C=1); None when there are not two
    classes."""
    from sklearn.linear_model import LogisticRegression  # imported on first use: it is slow

    labels = np.asarray(labels)
    if len(np.unique(labels)) < 2:
        return None
    model = LogisticRegression(C=DEFAULT_C).fit(np.asarray(xy, dtype=np.float64), labels)
    (a, b), c = model.coef_[0], model.intercept_[0]
    accuracy = float(np.mean(model.predict(xy) == labels))
    return Reference((float(a), float(b), float(c)), accuracy, type(model).__name__, model.C)
