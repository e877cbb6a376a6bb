"""The loss landscape: the real loss over the Dense layer's (w1, w2), its input map, and the
start weights picked on it."""

import threading

import keras
import numpy as np
import pytest

from core.cli import UsageError, parse
from core.config import ConfigError, TrainConfig
from core.dataset import Dataset
from core.engine import Engine, EngineData
from core.landscape import MAX_POINTS, dense_inputs, loss_grid, mean_loss
from core.model import build_model
from core.presets import make_preset
from core.scenarios import SCENARIOS
from core.trainer import Trainer


def trained(config: TrainConfig, xy, labels, epochs: int):
    """A real model trained by the engine; returns (neuron, the last epoch's record)."""
    neuron = build_model(config)
    neuron.adapt(xy)
    batch = Engine(neuron).run(EngineData.from_arrays(xy, labels), epochs, batch_size=32)
    return neuron, batch.last()


def test_input_map_is_what_the_dense_layer_receives_in_inference_mode():
    """Normalization then BatchNormalization (moving statistics, moved by 8 epochs), folded
    into scale * xy + shift: the same numbers as Keras's own layers, and through the Dense
    weights the same probability as ``predict``."""
    rng = np.random.default_rng(5)
    xy = rng.normal(size=(300, 2)) * [200.0, 0.5] + [500.0, -3.0]  # far from 0, unequal
    labels = (xy[:, 1] > -3.0).astype(np.float32)
    neuron, last = trained(TrainConfig(batchnorm=True, normalize=True, learning_rate=0.1),
                           xy, labels, epochs=8)
    u = np.asarray(last.input_scale) * xy + np.asarray(last.input_shift)
    by_keras = neuron.batchnorm(neuron.normalization(xy.astype(np.float32)), training=False)
    # float32 layers on inputs up to ~1000: relative round-off ~1e-6 of the input's scale
    np.testing.assert_allclose(u, np.asarray(by_keras), rtol=1e-4, atol=1e-4)
    logit = u @ np.asarray(last.w) + last.b
    predicted = neuron.keras_model.predict(xy, verbose=0)[:, 0]
    np.testing.assert_allclose(1 / (1 + np.exp(-logit)), predicted, atol=1e-5)
    assert not np.allclose(last.input_scale, 1.0)  # the map is not the identity here


def test_input_map_is_the_identity_without_input_layers():
    xy, labels = make_preset("seed-4")
    _, last = trained(TrainConfig(), xy, labels, epochs=1)
    assert last.input_scale == (1.0, 1.0) and last.input_shift == (0.0, 0.0)


@pytest.mark.parametrize("l2", [0.0, 0.01])
def test_the_grid_is_the_loss_keras_evaluate_reports(l2):
    """Cells across the map, saturated ones included (seed-2000's x runs to 999, so losses
    reach hundreds), against ``evaluate`` with the Dense weights set to that cell."""
    xy, labels = make_preset("seed-2000")
    config = TrainConfig(l2=l2)
    neuron = build_model(config)
    landscape = loss_grid(xy, labels, (1, 1), (0, 0), (0.2, -0.4), 0.3, l2=l2)
    for i, j in [(0, 0), (32, 32), (10, 50), (64, 3), (31, 64)]:
        neuron.dense.kernel.assign(np.array([[landscape.w1[i]], [landscape.w2[j]]], np.float32))
        neuron.dense.bias.assign(np.array([0.3], np.float32))
        by_keras = neuron.keras_model.evaluate(xy, labels, batch_size=len(xy), verbose=0)[0]
        # float32 sums of 2000 terms: relative round-off ~1e-6; 1e-4 leaves room
        assert landscape.loss[i, j] == pytest.approx(by_keras, rel=1e-4, abs=1e-6)


def test_unsaturated_cells_match_keras_binary_crossentropy():
    """Where no probability is clipped, the loss is keras.losses.binary_crossentropy's."""
    xy, labels = make_preset("noisy-corners")
    landscape = loss_grid(xy, labels, (1, 1), (0, 0), (0.5, 1.0), -0.2, resolution=9)
    u = dense_inputs(xy, (1, 1), (0, 0))
    for i, j in [(0, 8), (4, 4), (7, 2)]:
        p = 1 / (1 + np.exp(-(u @ np.array([landscape.w1[i], landscape.w2[j]]) - 0.2)))
        expected = float(np.mean(keras.losses.binary_crossentropy(
            labels[:, None].astype(np.float32), p[:, None].astype(np.float32))))
        assert landscape.loss[i, j] == pytest.approx(expected, rel=1e-4)


def test_the_centre_cell_is_the_models_eval_loss():
    """The map at the current weights is the loss the charts show for this epoch."""
    xy, labels = make_preset("noisy-corners")
    _, last = trained(TrainConfig(normalize=True, learning_rate=0.1), xy, labels, epochs=3)
    landscape = loss_grid(xy, labels, last.input_scale, last.input_shift, last.w, last.b)
    middle = len(landscape.w1) // 2
    assert (landscape.w1[middle], landscape.w2[middle]) == pytest.approx(last.w)
    assert landscape.loss[middle, middle] == pytest.approx(last.eval_loss, rel=1e-4)


def test_unscaled_inputs_make_a_long_narrow_valley_and_normalized_a_round_bowl():
    """The question's 2000 points: x up to 999 beside y in {0, 1}. Unscaled, the loss is
    ~10^5 times more curved across w1 than along w2 (measured 2.8e5): on the map, the low
    ground is at most 4 cells wide in w1 and runs the whole height in w2. Normalized, the two
    curvatures agree (measured ratio 1.01)."""
    xy, labels = make_preset("seed-2000")
    raw = loss_grid(xy, labels, (1, 1), (0, 0), (0.3, -0.5), 0.0)
    assert raw.condition > 1e4
    low = raw.loss <= raw.min_loss + 0.1 * (np.median(raw.loss) - raw.min_loss)
    assert low.any(axis=1).sum() <= 4 and low.any(axis=0).sum() == len(raw.w2)
    mean, std = xy.mean(axis=0), xy.std(axis=0)
    normalized = loss_grid(xy, labels, 1 / std, -mean / std, (0.3, -0.5), 0.0)
    assert normalized.condition < 2


def test_large_data_is_a_fixed_sample_close_to_the_full_mean():
    rng = np.random.default_rng(2)
    xy = rng.normal(size=(100_000, 2))
    labels = (xy[:, 0] + rng.normal(size=100_000) > 0).astype(np.int8)
    first = loss_grid(xy, labels, (1, 1), (0, 0), (0.5, 0.5), 0.0, resolution=5)
    again = loss_grid(xy, labels, (1, 1), (0, 0), (0.5, 0.5), 0.0, resolution=5)
    assert first.n_points == MAX_POINTS and first.n_total == 100_000
    np.testing.assert_array_equal(first.loss, again.loss)
    full = mean_loss(dense_inputs(xy, (1, 1), (0, 0)), labels, (0.5, 0.5), 0.0)
    # a 4096-point sample's mean: relative standard error ~1/sqrt(4096) ≈ 1.6%; 5% is 3 sigma
    assert first.loss[2, 2] == pytest.approx(full, rel=0.05)


def test_the_grid_covers_the_path_around_the_current_weights():
    xy, labels = make_preset("seed-4")
    path = np.array([[8.0, -1.0], [4.0, 0.0], [1.0, 1.0]])
    landscape = loss_grid(xy, labels, (1, 1), (0, 0), (1.0, 1.0), 0.0, path=path)
    assert landscape.centre == (1.0, 1.0)
    for w1, w2 in path:
        assert landscape.w1[0] <= w1 <= landscape.w1[-1]
        assert landscape.w2[0] <= w2 <= landscape.w2[-1]
    small = loss_grid(xy, labels, (1, 1), (0, 0), (1.0, 1.0), 0.0)
    assert small.half_width == pytest.approx(2.0) and small.inner((1.5, 0.5))
    assert not small.inner((2.5, 1.0))


def test_start_weights_are_validated_and_are_not_structure():
    config = TrainConfig(start_weights=[0.5, -2])  # JSON gives a list
    assert config.start_weights == (0.5, -2.0)
    assert config.needs_rebuild(TrainConfig())
    assert config.model_structure() == TrainConfig().model_structure()  # same compiled loop
    for bad in [(1.0,), (float("nan"), 0.0), (1e9, 0.0), ("a", 1.0)]:
        with pytest.raises(ConfigError, match="start weight"):
            TrainConfig(start_weights=bad)


def test_start_weights_on_the_command_line():
    assert parse(["--headless", "--start-weights=-1,2.5"]).config.start_weights == (-1.0, 2.5)
    with pytest.raises(UsageError, match="W1,W2"):
        parse(["--headless", "--start-weights", "1"])


def test_question_scenarios_forget_start_weights_and_fixes_keep_them():
    picked = TrainConfig(start_weights=(0.5, -2.0))
    assert SCENARIOS["question-4"].config_from(picked).start_weights is None
    assert SCENARIOS["fix-sgd"].config_from(picked).start_weights == (0.5, -2.0)


def test_sgd_and_adam_start_from_the_picked_weights():
    """Real runs: the model's epoch 0 is the picked kernel (bias 0) with SGD, and again after
    switching to Adam, so their paths start from one point."""
    dataset = Dataset(*make_preset("noisy-corners"))
    reports, lock = [], threading.Lock()

    def on_epochs(batch):
        with lock:
            reports.append(batch)

    config = TrainConfig(optimizer="sgd", learning_rate=0.5, epochs=3, start_weights=(1.5, -0.75))
    trainer = Trainer(dataset, config, on_epochs)
    try:
        trainer.start()
        assert trainer.wait_until_settled(60)
        trainer.set_config(config.with_optimizer("adam"))
        trainer.start()
        assert trainer.wait_until_settled(60)
    finally:
        trainer.stop()
    stats = [s for batch in reports for s in batch]
    starts = [s for s in stats if s.epoch == 0]
    assert len(starts) == 2  # one per optimizer
    for start in starts:
        assert start.w == (1.5, -0.75) and start.b == 0.0  # exact in float32
    assert stats[-1].epoch == 3 and stats[-1].w != (1.5, -0.75)  # Adam trained from there
