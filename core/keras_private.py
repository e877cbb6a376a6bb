"""Every use of Keras's private API, in one place, each with the reason it is needed.

Keras may rename or change any of these in a minor release. Each has a test in
``tests/core/test_keras_private.py`` that checks the behaviour relied on, so an upgrade fails
there, by name, rather than as a wrong number somewhere in training.
"""

from __future__ import annotations

import keras
import tensorflow as tf
from keras.src.backend.common.masking import set_keras_mask as _set_keras_mask


def mark_padding(y_pred: tf.Tensor, mask: tf.Tensor) -> None:
    """Attach Keras's padding mask to a prediction (rows where ``mask`` is 0 are padding).

    Why: the compiled engine pads points to a fixed capacity (XLA needs static shapes).
    ``model.compute_loss`` then averages over the unmasked rows only, exactly as it does for
    padded time steps, so the loss is fit's on the real points. Keras has no public setter;
    layers set it through this function."""
    _set_keras_mask(y_pred, mask)


def learning_rate_variable(optimizer: keras.optimizers.Optimizer) -> keras.Variable:
    """The variable holding the optimizer's learning rate.

    Why: ``optimizer.variables`` includes it, and the engine restores every other optimizer
    variable after a diverged epoch; a live rate change made meanwhile must survive that
    restore, so the engine needs to tell this one apart. ``optimizer.learning_rate`` returns
    its value (or a schedule's), not the variable."""
    return optimizer._learning_rate


def normalization_broadcast_shape(layer: keras.layers.Normalization) -> tuple[int, ...]:
    """The shape a Normalization layer reshapes its mean and variance to before dividing.

    Why: ``LiveNormalization`` (core.model) repeats the stock layer's arithmetic while reading
    the adapted statistics at call time; it must broadcast them the way the stock layer
    computed in ``build``."""
    return layer._broadcast_shape
