"""The line read back from the model is the model's own decision: sign(a*x+b*y+c) == predict>0.5."""

import numpy as np
import pytest

from core.config import TrainConfig
from core.engine import Engine, EngineData
from core.geometry import clip_line, logit, probability_grid
from core.model import build_model
from core.presets import make_preset


@pytest.mark.parametrize("normalize", [False, True])
@pytest.mark.parametrize("batchnorm", [False, True])
def test_line_matches_predict_on_a_grid(normalize, batchnorm):
    xy, labels = make_preset("seed-2000")  # unscaled x makes folding Normalization matter
    neuron = build_model(TrainConfig(normalize=normalize, batchnorm=batchnorm, optimizer="adam",
                                     learning_rate=0.05))
    neuron.adapt(xy)
    Engine(neuron).run(EngineData.from_arrays(xy, labels), epochs=3, batch_size=32)
    gx, gy = np.meshgrid(np.linspace(-100, 1100, 61), np.linspace(-2, 3, 61))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    predicted = neuron.keras_model.predict(grid.astype(np.float32), verbose=0)[:, 0]
    z = logit(neuron.line(), grid)
    # float32 inference vs float64 folding can only disagree where the logit is ~0.
    decided = np.abs(z) > 1e-4
    assert decided.mean() > 0.95
    assert np.array_equal((z > 0)[decided], (predicted > 0.5)[decided])
    sigmoid = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(sigmoid, predicted, atol=2e-5)


def test_probability_grid_and_clipping():
    line = (0.0, 4.0, -2.0)  # y = 0.5
    grid = probability_grid(line, (0, 1), (0, 1), (4, 4))
    assert grid.dtype == np.float32 and grid.shape == (4, 4)
    assert np.all(grid[:, :2] < 0.5) and np.all(grid[:, 2:] > 0.5)
    assert clip_line(line, (0, 1), (0, 1)) == ((0, 0.5), (1, 0.5))
    vertical = clip_line((1.0, 0.0, -0.25), (0, 1), (0, 1))
    assert vertical == ((0.25, 0), (0.25, 1))
    assert clip_line((1.0, 0.0, -5.0), (0, 1), (0, 1)) is None
    assert clip_line((0.0, 0.0, 1.0), (0, 1), (0, 1)) is None
