"""Epochs run in slices (``Engine.run(max_steps=...)``): a long epoch (1,000,000 points at
batch 1 is a million steps) is cut into calls short enough for a pause to land within a
frame, and the result must not depend on where the cuts fall.

Exactness is array equality, not a tolerance: the sliced call carries the same float32 sums
from one call to the next, so the arithmetic is the unsliced call's.
"""

import numpy as np
import pytest

from core.config import TrainConfig
from core.engine import Engine, EngineData
from core.model import build_model


def _points(n=37, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2))
    return x, (x[:, 0] + 0.3 * x[:, 1] > 0).astype(float)


def _weights(engine):
    return [v.numpy().copy() for v in engine.neuron.keras_model.variables]


@pytest.mark.parametrize("config, batch_size", [
    (TrainConfig(learning_rate=0.1), 1),
    (TrainConfig(optimizer="adam", batchnorm=True, normalize=True, l2=0.01), 4),
])
def test_sliced_epochs_equal_whole_ones(config, batch_size):
    x, y = _points()
    data = EngineData.from_arrays(x, y, x[:5], y[:5])
    whole = Engine(build_model(config))
    expected = whole.run(data, 3, batch_size, seed=7)

    sliced = Engine(build_model(config))
    reports, epoch = [], 0
    for _ in range(200):  # 7 steps at a time: cuts fall inside epochs and across them
        batch = sliced.run(data, 3 - epoch, batch_size, start_epoch=epoch, seed=7,
                           max_steps=7)
        reports.append(batch)
        epoch += len(batch)
        if epoch == 3:
            break
    assert epoch == 3 and not sliced.has_unfinished_epoch()
    assert any(len(r) == 0 for r in reports)  # some calls ended inside an epoch
    for name in ("loss", "accuracy", "eval_loss", "test_loss", "w", "b"):
        got = np.concatenate([r.columns[name] for r in reports if len(r)])
        assert np.array_equal(got, expected.columns[name]), name
    assert all(np.array_equal(a, b) for a, b in zip(_weights(sliced), _weights(whole)))


def test_an_unfinished_epoch_is_put_back_when_something_else_comes():
    """A pause, new points or a question see the model of the last epoch reported: the
    weights go back to the unfinished epoch's start, and running it again gives the same
    epoch as running it in one go."""
    x, y = _points(50)
    data = EngineData.from_arrays(x, y)
    engine = Engine(build_model(TrainConfig(learning_rate=0.5)))
    engine.run(data, 1, 1, seed=3)  # epoch 1, whole
    after_one = _weights(engine)
    assert len(engine.run(data, 1, 1, start_epoch=1, seed=3, max_steps=20)) == 0
    assert engine.has_unfinished_epoch()
    assert not all(np.array_equal(a, b) for a, b in zip(_weights(engine), after_one))
    engine.discard_unfinished()
    assert all(np.array_equal(a, b) for a, b in zip(_weights(engine), after_one))

    again = engine.run(data, 1, 1, start_epoch=1, seed=3)
    reference = Engine(build_model(TrainConfig(learning_rate=0.5)))
    expected = reference.run(data, 2, 1, seed=3)
    assert np.array_equal(again.columns["w"], expected.columns["w"][1:])


def test_other_points_start_the_epoch_again():
    x, y = _points(50)
    engine = Engine(build_model(TrainConfig(learning_rate=0.5)))
    first = EngineData.from_arrays(x, y)
    start = _weights(engine)
    engine.run(first, 1, 1, seed=3, max_steps=10)
    other = EngineData.from_arrays(x[:40], y[:40])
    batch = engine.run(other, 1, 1, seed=3)  # the old epoch is gone: back, then a new one
    fresh = Engine(build_model(TrainConfig(learning_rate=0.5)))
    assert all(np.array_equal(a, b) for a, b in zip(_weights(fresh), start))
    assert np.array_equal(batch.columns["w"], fresh.run(other, 1, 1, seed=3).columns["w"])


def test_going_on_inside_an_epoch_uses_the_loop_compiled_for_its_start():
    """The call that goes on inside an epoch passes the same kinds of arguments as the one that
    began it: a second trace would compile the loop again (1.4 s at 1,000,000 points, and a
    pause pressed meanwhile waited for it) at the second slice of every run."""
    x, y = _points(n=500)
    data = EngineData.from_arrays(x, y, x[:5], y[:5])
    engine = Engine(build_model(TrainConfig()))
    engine.warm_up(data, 1)
    for _ in range(4):
        engine.run(data, 1, 1, max_steps=50)
    assert engine.has_unfinished_epoch()
    assert engine._function.experimental_get_tracing_count() == 1
