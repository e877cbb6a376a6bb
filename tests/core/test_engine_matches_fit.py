"""The compiled engine is model.fit, only faster: same weights, same reported loss/accuracy."""

import numpy as np
import pytest

from core.config import TrainConfig
from core.engine import Engine, EngineData
from core.model import build_model


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("batchnorm", [False, True])
@pytest.mark.parametrize(("points", "batch_size"), [
    (70, 32),  # 2 full batches and a partial one
    (5, 32),  # one partial batch
    (70, 20),  # a batch size that is not a power of two: masked within 32 compiled slots
])
def test_engine_equals_fit(optimizer, batchnorm, points, batch_size):
    """Points are padded to a fixed capacity for XLA; the padding must change nothing."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(points, 2)).astype(np.float32)
    y = (x[:, 1] > 0).astype(np.float32)
    config = TrainConfig(optimizer=optimizer, learning_rate=0.05, batchnorm=batchnorm, l2=0.01)
    by_fit, by_engine = build_model(config), build_model(config)
    by_engine.keras_model.set_weights(by_fit.keras_model.get_weights())
    history = by_fit.keras_model.fit(x, y, epochs=4, batch_size=batch_size, shuffle=False,
                                     verbose=0)
    result = Engine(by_engine).run(EngineData.from_arrays(x, y), epochs=4, batch_size=batch_size,
                                   shuffle=False)
    # Same ops in the same order: float32 round-off is the only allowed difference.
    np.testing.assert_allclose(result.loss, history.history["loss"], rtol=1e-5)
    np.testing.assert_allclose(result.accuracy, history.history["accuracy"], atol=1e-6)
    for fitted, engined in zip(by_fit.keras_model.get_weights(),
                               by_engine.keras_model.get_weights()):
        np.testing.assert_allclose(engined, fitted, rtol=1e-5, atol=1e-6)


def test_new_points_recompile_only_when_they_outgrow_the_capacity():
    """XLA needs static shapes: points are padded to 256, 1024, 4096, ... rows, so points
    added one by one compile once per fourfold growth, not once per point."""
    neuron = build_model(TrainConfig(normalize=True))
    engine = Engine(neuron)
    rng = np.random.default_rng(1)
    x_all = rng.normal(size=(1100, 2))
    traces = []
    for n in (1, 2, 200, 256, 257, 1000, 1024, 1025):
        x = x_all[:n]
        neuron.adapt(x)
        engine.run(EngineData.from_arrays(x, x[:, 1] > 0, x[:2], x[:2, 1] > 0), 1, batch_size=32)
        traces.append(engine.tracing_count())
    assert traces == [1, 1, 1, 1, 2, 2, 2, 3]


def test_batch_sizes_share_a_compilation_up_to_the_next_power_of_two():
    """Stepping the batch size with the arrows must not compile (1 s, ~14 MB) per value."""
    x = np.random.default_rng(3).normal(size=(100, 2))
    data = EngineData.from_arrays(x, x[:, 0] > 0)
    engine = Engine(build_model(TrainConfig()))
    for batch_size in range(33, 65):
        engine.run(data, 1, batch_size)
    assert engine.tracing_count() == 1
    engine.run(data, 1, 65)
    assert engine.tracing_count() == 2


@pytest.mark.parametrize("points", [100, 600])  # bulk-sorted and per-epoch shuffles
def test_shuffle_depends_on_seed_and_epoch_not_on_frame_timing(points):
    """The trainer groups epochs into calls by how fast the machine is; a run must not
    depend on that grouping, only on the seed."""
    x = np.random.default_rng(2).normal(size=(points, 2))
    data = EngineData.from_arrays(x, x[:, 0] > 0)

    def kernels(groups, seed=9):
        engine = Engine(build_model(TrainConfig(learning_rate=0.3)))
        start, rows = 5, []
        for epochs in groups:
            rows.append(engine.run(data, epochs, 8, start_epoch=start, seed=seed).w)
            start += epochs
        return np.concatenate(rows)

    in_one_call = kernels([3])
    np.testing.assert_array_equal(kernels([1, 2]), in_one_call)
    assert not np.array_equal(kernels([3], seed=10), in_one_call)
