"""Each use of Keras's private API (core.keras_private) still does what the engine relies on."""

import keras
import numpy as np

from core.config import TrainConfig
from core.keras_private import (
    learning_rate_variable,
    mark_padding,
    normalization_broadcast_shape,
)
from core.model import build_model


def test_a_padding_mask_makes_compute_loss_average_over_real_rows_only():
    neuron = build_model(TrainConfig())
    model = neuron.keras_model
    x = np.array([[0.0, 1.0], [1.0, 0.0], [9.0, 9.0]], np.float32)
    y = np.array([[1.0], [0.0], [1.0]], np.float32)
    padded = model(x)
    mark_padding(padded, np.array([1.0, 1.0, 0.0], np.float32))
    real = model(x[:2])
    masked_loss = float(model.compute_loss(x=x, y=y, y_pred=padded))
    real_loss = float(model.compute_loss(x=x[:2], y=y[:2], y_pred=real))
    assert abs(masked_loss - real_loss) < 1e-6


def test_the_learning_rate_variable_is_the_optimizers_rate_and_one_of_its_variables():
    optimizer = build_model(TrainConfig(learning_rate=0.25)).keras_model.optimizer
    variable = learning_rate_variable(optimizer)
    assert any(v is variable for v in optimizer.variables)
    variable.assign(0.5)
    assert abs(float(optimizer.learning_rate) - 0.5) < 1e-7


def test_normalization_broadcasts_its_statistics_per_feature():
    layer = keras.layers.Normalization(axis=-1)
    layer.build((None, 2))
    assert tuple(normalization_broadcast_shape(layer)) == (1, 2)
