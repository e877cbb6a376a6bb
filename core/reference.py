"""scikit-learn's LogisticRegression on the same points: the same model as one sigmoid neuron,
fitted by a different solver (L-BFGS on the whole data set), as the first answer suggests.

Drawn beside the Keras line it shows what the neuron could reach, and how far a given
optimizer, rate or BatchNormalization leaves it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Reference:
    line: tuple[float, float, float]  # a*x + b*y + c = 0, positive side = class 1
    accuracy: float


def logistic_regression(xy: np.ndarray, labels: np.ndarray) -> Reference | None:
    """Fit scikit-learn's default LogisticRegression; None when there are not two classes."""
    from sklearn.linear_model import LogisticRegression  # imported on first use: it is slow

    labels = np.asarray(labels)
    if len(np.unique(labels)) < 2:
        return None
    model = LogisticRegression().fit(np.asarray(xy, dtype=np.float64), labels)
    (a, b), c = model.coef_[0], model.intercept_[0]
    accuracy = float(np.mean(model.predict(xy) == labels))
    return Reference((float(a), float(b), float(c)), accuracy)
