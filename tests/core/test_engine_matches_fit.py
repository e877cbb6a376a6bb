"""The compiled engine is model.fit, only faster: same weights, same reported loss/accuracy."""

import numpy as np
import pytest

from core.config import TrainConfig
from core.engine import Engine, EngineData
from core.model import build_model


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("batchnorm", [False, True])
def test_engine_equals_fit(optimizer, batchnorm):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(70, 2)).astype(np.float32)  # 3 batches of 32, the last partial
    y = (x[:, 1] > 0).astype(np.float32)
    config = TrainConfig(optimizer=optimizer, learning_rate=0.05, batchnorm=batchnorm, l2=0.01)
    by_fit, by_engine = build_model(config), build_model(config)
    by_engine.keras_model.set_weights(by_fit.keras_model.get_weights())
    history = by_fit.keras_model.fit(x, y, epochs=4, batch_size=32, shuffle=False, verbose=0)
    result = Engine(by_engine).run(EngineData.from_arrays(x, y), epochs=4, batch_size=32,
                                   shuffle=False)
    # Same ops in the same order: float32 round-off is the only allowed difference.
    np.testing.assert_allclose(result.loss, history.history["loss"], rtol=1e-5)
    np.testing.assert_allclose(result.accuracy, history.history["accuracy"], atol=1e-6)
    for fitted, engined in zip(by_fit.keras_model.get_weights(),
                               by_engine.keras_model.get_weights()):
        np.testing.assert_allclose(engined, fitted, rtol=1e-5, atol=1e-6)


def test_new_points_do_not_retrace():
    neuron = build_model(TrainConfig(normalize=True))
    engine = Engine(neuron)
    traces = engine.tracing_count()
    rng = np.random.default_rng(1)
    for n in (3, 17, 100, 1001):
        x = rng.normal(size=(n, 2))
        neuron.adapt(x)
        engine.run(EngineData.from_arrays(x, x[:, 1] > 0, x[:2], x[:2, 1] > 0), 2, batch_size=n)
    assert engine.tracing_count() == traces


def test_shuffle_is_deterministic_per_seed_and_epoch():
    x = np.random.default_rng(2).normal(size=(100, 2))
    data = EngineData.from_arrays(x, x[:, 0] > 0)
    results = []
    for _ in range(2):
        neuron = build_model(TrainConfig(learning_rate=0.3))
        results.append(Engine(neuron).run(data, 3, 8, start_epoch=5, seed=9).kernel)
    np.testing.assert_array_equal(results[0], results[1])
