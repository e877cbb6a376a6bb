"""Epochs per second: the compiled engine vs ``model.fit`` vs a hand-written NumPy loop.

Same model (Dense(1, sigmoid), SGD 0.01, batch 32, shuffled each epoch) on 4, 1,000 and 20,000
points. Targets (issue 4): engine/fit >= 50 at 4 points and >= 10 at 1,000 and 20,000;
engine/NumPy >= 1.0 is the stretch goal.
"""

from __future__ import annotations

import os
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

SIZES = (4, 1_000, 20_000)
BATCH = 32
LEARNING_RATE = 0.01


def _data(n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    xy = rng.integers(0, 2, size=(n, 2)) + rng.normal(scale=0.2, size=(n, 2))
    return xy.astype(np.float32), (xy[:, 1] > 0.5).astype(np.float32)


def _timed(run, min_seconds: float) -> float:
    """Epochs per second of ``run(epochs)``, growing the epoch count until it takes long enough."""
    epochs = 1
    while True:
        began = time.perf_counter()
        run(epochs)
        elapsed = time.perf_counter() - began
        if elapsed >= min_seconds:
            return epochs / elapsed
        epochs = max(epochs * 2, int(epochs * min_seconds / max(elapsed, 1e-6)))


def numpy_epochs_per_second(x: np.ndarray, y: np.ndarray, min_seconds: float) -> float:
    rng = np.random.default_rng(0)
    w = rng.normal(size=2).astype(np.float32)
    b = np.float32(0.0)

    def run(epochs: int) -> None:
        nonlocal w, b
        n = len(x)
        for _ in range(epochs):
            loss_sum, correct = 0.0, 0
            order = rng.permutation(n)
            for start in range(0, n, BATCH):
                rows = order[start:start + BATCH]
                xb, yb = x[rows], y[rows]
                p = 1.0 / (1.0 + np.exp(-(xb @ w + b)))
                # fit reports loss and accuracy for every epoch, so the loop tracks them too
                clipped = np.clip(p, 1e-7, 1 - 1e-7)
                loss_sum += -np.sum(yb * np.log(clipped) + (1 - yb) * np.log(1 - clipped))
                correct += np.count_nonzero((p > 0.5) == (yb > 0.5))
                g = (p - yb) / len(rows)
                w = w - LEARNING_RATE * (xb.T @ g)
                b = b - LEARNING_RATE * g.sum()

    return _timed(run, min_seconds)


def main(min_seconds: float = 2.0) -> dict:
    from core.config import TrainConfig
    from core.engine import Engine, EngineData
    from core.model import build_model

    config = TrainConfig(optimizer="sgd", learning_rate=LEARNING_RATE, batch_size=BATCH)
    results = {}
    for n in SIZES:
        x, y = _data(n)
        neuron = build_model(config)
        engine = Engine(neuron)
        data = EngineData.from_arrays(x, y)
        engine.warm_up(data, BATCH)  # XLA compiles once per capacity; time training alone
        start = [0]

        def engine_run(epochs: int, engine=engine, data=data, start=start) -> None:
            engine.run(data, epochs, BATCH, start_epoch=start[0])
            start[0] += epochs

        fit_model = build_model(config).keras_model

        def fit_run(epochs: int, model=fit_model, x=x, y=y) -> None:
            model.fit(x, y, epochs=epochs, batch_size=BATCH, verbose=0)

        fit_run(1)  # let fit build its function once, as a user's second call would
        engine_eps = _timed(engine_run, min_seconds)
        fit_eps = _timed(fit_run, min_seconds)
        numpy_eps = numpy_epochs_per_second(x, y, min_seconds)
        results[f"{n}_points"] = {
            "engine_epochs_per_s": round(engine_eps, 1),
            "fit_epochs_per_s": round(fit_eps, 2),
            "numpy_epochs_per_s": round(numpy_eps, 1),
            "engine_over_fit": round(engine_eps / fit_eps, 1),
            "engine_over_numpy": round(engine_eps / numpy_eps, 3),
        }
    return results


if __name__ == "__main__":
    import json

    print(json.dumps(main(), indent=1))
