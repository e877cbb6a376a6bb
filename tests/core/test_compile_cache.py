"""Compiling is paid once per model structure (issue 12): XLA code is never freed, so a
structure compiled before is reused, and the L2 factor is a value the compiled loop reads,
not part of the structure."""

import itertools

import keras
import numpy as np
import pytest

import core.model
from core.config import OPTIMIZERS, TrainConfig
from core.dataset import Dataset
from core.engine import Engine, EngineData
from core.model import LiveL2, build_model
from core.training_session import MAX_COMPILED_MODELS, TrainingSession

X = np.random.default_rng(4).normal(size=(60, 2)).astype(np.float32)
Y = (X[:, 0] - 0.5 * X[:, 1] > 0).astype(np.float32)


def stock_model(config: TrainConfig) -> core.model.NeuronModel:
    """The model as Keras users build it: ``keras.regularizers.L2(l2)``, or none at 0."""
    live = core.model.LiveL2
    core.model.LiveL2 = lambda l2: keras.regularizers.L2(l2) if l2 > 0 else None
    try:
        return build_model(config)
    finally:
        core.model.LiveL2 = live


def test_l2_is_a_new_model_but_not_a_new_structure():
    """A new L2 factor still starts again from the seed (what the user saw before), but the
    compiled loop of the same layers serves it."""
    config = TrainConfig(l2=0.01)
    for l2 in (0.0, 0.001, 0.5):
        assert config.needs_rebuild(config.with_changes(l2=l2))
        assert config.model_structure() == config.with_changes(l2=l2).model_structure()


def test_the_live_penalty_is_the_stock_one():
    kernel = keras.Variable(np.array([[1.5], [-2.25]], np.float32))
    for l2 in (0.001, 0.01, 0.37, 10.0):
        assert float(LiveL2(l2)(kernel)) == float(keras.regularizers.L2(l2)(kernel))
    regularizer = LiveL2(0.3)
    regularizer.set(0.0)
    assert float(regularizer(kernel)) == 0.0
    # no penalty at 0, as with no regularizer, even where the sum of squares overflows
    assert float(regularizer(keras.Variable(np.full((2, 1), 3e19, np.float32)))) == 0.0


def test_the_factor_is_not_a_model_variable():
    """Saved sessions and ``take_state_of`` list the model's variables: the stock model's."""
    config = TrainConfig(optimizer="adam", batchnorm=True, normalize=True, l2=0.01)
    live, stock = build_model(config).keras_model, stock_model(config).keras_model
    assert [v.shape for v in live.variables] == [v.shape for v in stock.variables]


def test_l2_values_share_one_compilation_and_train_as_a_fresh_model():
    """Stepping the L2 factor compiled (seconds, ~18 MB kept for good) once per value; now
    once. The reused loop trains exactly as a model built for the value from scratch."""
    session = TrainingSession(Engine, EngineData, build_model)
    snapshot = Dataset(X, Y.astype(int)).snapshot()
    base = TrainConfig(optimizer="adam", batchnorm=True, learning_rate=0.05, seed=5)
    for l2 in (0.0, 0.2, 0.001, 0.01):
        session.build(base.with_changes(l2=l2), snapshot)
        reused = session.engine.run(session.data, 5, 16, seed=base.seed)
    assert session.compiled_count == 1
    assert session.engine.tracing_count() == 1
    fresh_model = build_model(base.with_changes(l2=0.01))
    fresh = Engine(fresh_model).run(session.data, 5, 16, seed=base.seed)
    for name in ("loss", "accuracy", "eval_loss", "w", "b"):
        np.testing.assert_array_equal(reused.columns[name], fresh.columns[name])
    for a, b in zip(session.engine.neuron.keras_model.get_weights(),
                    fresh_model.keras_model.get_weights()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("l2", [0.0, 0.01])
def test_the_live_l2_trains_exactly_as_the_stock_regularizer(l2):
    """Same numbers as the stock model (no regularizer at 0), bit for bit: the engine of the
    stock model matches model.fit (test_engine_matches_fit), so this one does too."""
    config = TrainConfig(optimizer="sgd", batchnorm=True, learning_rate=0.1, l2=l2)
    live, stock = build_model(config), stock_model(config)
    data = EngineData.from_arrays(X, Y)
    by_live = Engine(live).run(data, 4, 20, seed=1)
    by_stock = Engine(stock).run(data, 4, 20, seed=1)
    np.testing.assert_array_equal(by_live.loss, by_stock.loss)
    for a, b in zip(live.keras_model.get_weights(), stock.keras_model.get_weights()):
        np.testing.assert_array_equal(a, b)


class _FakeNeuron:
    def __init__(self, config: TrainConfig) -> None:
        self.config = config

    def adapt(self, xy) -> None:
        pass

    def take_state_of(self, other: "_FakeNeuron") -> None:
        self.config = other.config


class _FakeEngine:
    """Counts compilations: one per engine, as the real one (per capacity)."""

    built = 0

    def __init__(self, neuron: _FakeNeuron) -> None:
        type(self).built += 1
        self.neuron = neuron

    def discard_unfinished(self) -> None:
        """(No epoch runs here, so none is ever unfinished.)"""


class _FakeData:
    n_train = 0

    @classmethod
    def from_arrays(cls, *arrays) -> "_FakeData":
        return cls()


def test_revisiting_every_structure_compiles_nothing():
    """Dropping a compiled loop frees no memory (XLA's cache keeps its code), so none is
    dropped: cycling through every combination of settings compiles each structure once."""
    _FakeEngine.built = 0
    session = TrainingSession(_FakeEngine, _FakeData, _FakeNeuron)
    snapshot = Dataset(X, Y.astype(int)).snapshot()
    configs = [TrainConfig(optimizer=optimizer, batchnorm=batchnorm, normalize=normalize, l2=l2)
               for optimizer, batchnorm, normalize, l2 in itertools.product(
                   OPTIMIZERS, (False, True), (False, True), (0.0, 0.01))]
    for _cycle in range(3):
        for config in configs:
            session.build(config, snapshot)
            assert session.engine.neuron.config == config  # the new model's state
    assert _FakeEngine.built == session.compiled_count == MAX_COMPILED_MODELS == 16
