"""The real Keras model, built from a ``TrainConfig``.

``[Normalization] -> [BatchNormalization] -> Dense(1, sigmoid)``, compiled with
binary cross-entropy and the chosen optimizer, exactly what the question's code builds. This
module imports TensorFlow; only the trainer's thread (and tests) import it.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's start-up chatter quiet

from dataclasses import dataclass  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import ops  # noqa: E402

from core.config import TrainConfig  # noqa: E402
from core.geometry import BatchNormParams, fold_line  # noqa: E402
from core.i18n import _  # noqa: E402
from core.keras_private import (  # noqa: E402
    learning_rate_variable,
    normalization_broadcast_shape,
)


class LiveNormalization(keras.layers.Normalization):
    """``keras.layers.Normalization`` that reads its adapted mean and variance at call time.

    The stock layer turns them into constant tensors in ``finalize_state``, which a compiled
    training loop would freeze at trace time. Re-adapting while training (points were added)
    must take effect without retracing, so ``call`` reads the variables instead. The arithmetic
    is the stock layer's, line for line.
    """

    def finalize_state(self) -> None:  # the variables are read in call(); nothing to cache
        pass

    def call(self, inputs):  # noqa: D102 - same contract as Normalization.call
        inputs = ops.convert_to_tensor(inputs, dtype=self.compute_dtype)
        shape = normalization_broadcast_shape(self)
        mean = ops.cast(ops.reshape(self.adapt_mean, shape), self.compute_dtype)
        variance = ops.cast(ops.reshape(self.adapt_variance, shape), self.compute_dtype)
        return ops.divide(
            ops.subtract(inputs, mean),
            ops.maximum(ops.sqrt(variance), keras.backend.epsilon()),
        )


class LiveL2(keras.regularizers.L2):
    """``keras.regularizers.L2`` whose factor is a variable that a compiled loop reads.

    The stock regularizer's factor is a Python float, a constant in the traced graph, so every
    L2 value was a new XLA compilation: seconds, and ~15-20 MB of native code that TensorFlow
    keeps for the life of the process (tests/benchmarks/bench_compile.py). Reading a variable,
    one compilation serves every value. The arithmetic is the stock ``cast(l2) * sum(x**2)``
    (the variable holds the same float32); a factor of 0 adds exactly 0, as no regularizer
    would, even where ``sum(x**2)`` overflows. Not a layer: the factor is not among the model's
    variables, so saved sessions and ``take_state_of`` see the stock model's variables.
    """

    def __init__(self, l2: float = 0.0) -> None:
        super().__init__(l2)  # validates, as the stock one does
        self.factor = keras.Variable(float(l2), dtype="float32", trainable=False,
                                     name="l2_factor")

    def set(self, l2: float) -> None:
        self.l2 = float(l2)
        self.factor.assign(float(l2))

    def __call__(self, x):
        penalty = ops.cast(self.factor, dtype=x.dtype) * ops.sum(ops.square(x))
        return ops.where(ops.greater(self.factor, 0.0), penalty, ops.zeros_like(penalty))

    def get_config(self) -> dict[str, float]:
        return {"l2": float(self.l2)}


Variables = tuple[tuple[str, np.ndarray], ...]  # (Keras path, value) in the model's order


@dataclass
class NeuronModel:
    """A compiled Keras model plus handles on the layers whose weights define the line."""

    keras_model: keras.Sequential
    dense: keras.layers.Dense
    normalization: LiveNormalization | None
    batchnorm: keras.layers.BatchNormalization | None

    def adapt(self, xy: np.ndarray) -> None:
        """Fit the Normalization layer to these points (no-op without one or without points)."""
        if self.normalization is not None and len(xy):
            self.normalization.adapt(np.asarray(xy, dtype=np.float32))

    @property
    def l2(self) -> float:
        """The L2 factor on the Dense kernel (0: none)."""
        return self.dense.kernel_regularizer.l2

    def set_l2(self, l2: float) -> None:
        """A new L2 factor, read by the compiled loop: no new compilation."""
        self.dense.kernel_regularizer.set(l2)

    def take_state_of(self, other: NeuronModel) -> None:
        """Copy every weight and optimizer variable of ``other`` (same structure), and its L2
        factor, into this model: a reset to new initial weights that keeps this model's
        compiled training loop (XLA compilation takes seconds; copying takes a millisecond)."""
        self.set_l2(other.l2)
        other.keras_model.optimizer.build(other.keras_model.trainable_variables)
        mine = self.keras_model.variables + self.keras_model.optimizer.variables
        theirs = other.keras_model.variables + other.keras_model.optimizer.variables
        if [v.shape for v in mine] != [v.shape for v in theirs]:
            raise ValueError("models differ in structure")
        for target, source in zip(mine, theirs):
            target.assign(source)

    def state(self) -> tuple[Variables, Variables]:
        """Every model variable and every optimizer variable as (path, value), in order: what
        a session keeps so that training goes on exactly where it stopped. The learning-rate
        variable is left out: it is a setting (the config's), not training state."""
        rate = learning_rate_variable(self.keras_model.optimizer)
        return (tuple((v.path, np.array(v.numpy())) for v in self.keras_model.variables),
                tuple((v.path, np.array(v.numpy())) for v in self.keras_model.optimizer.variables
                      if v is not rate))

    def load_state(self, variables, optimizer_variables) -> None:
        """Set the values ``state()`` gave (of a model with the same settings). ``ValueError``
        when they do not fit this model (another structure, a hand-edited file); nothing is
        changed then."""
        rate = learning_rate_variable(self.keras_model.optimizer)
        mine = [*self.keras_model.variables,
                *(v for v in self.keras_model.optimizer.variables if v is not rate)]
        theirs = [*variables, *optimizer_variables]
        if len(mine) != len(theirs) or len(variables) != len(self.keras_model.variables):
            raise ValueError(_("the saved model has {saved} variables, this one {mine}").format(
                saved=len(theirs), mine=len(mine)))
        for target, (name, value) in zip(mine, theirs):
            if tuple(target.shape) != np.shape(value):
                raise ValueError(_("the saved {name} has shape {saved}, this model's "
                                   "{mine}").format(name=name, saved=list(np.shape(value)),
                                                    mine=list(target.shape)))
        for target, (_name, value) in zip(mine, theirs):
            target.assign(np.asarray(value, dtype=target.dtype))

    def norm_stats(self) -> tuple[np.ndarray, np.ndarray] | None:
        if self.normalization is None:
            return None
        return (
            np.asarray(self.normalization.adapt_mean.numpy()).reshape(2),
            np.asarray(self.normalization.adapt_variance.numpy()).reshape(2),
        )

    def line(self) -> np.ndarray:
        """The inference-mode boundary (a, b, c) for the current weights."""
        norm = self.norm_stats()
        bn = None
        if self.batchnorm is not None:
            layer = self.batchnorm
            bn = BatchNormParams(
                layer.gamma.numpy(), layer.beta.numpy(), layer.moving_mean.numpy(),
                layer.moving_variance.numpy(), layer.epsilon,
            )
        kernel = self.dense.kernel.numpy().reshape(2)
        bias = self.dense.bias.numpy().reshape(())
        return fold_line(kernel, bias, *(norm or (None, None)), batchnorm=bn)


def make_optimizer(name: str, learning_rate: float) -> keras.optimizers.Optimizer:
    classes = {
        "sgd": keras.optimizers.SGD,
        "adam": keras.optimizers.Adam,
        "rmsprop": keras.optimizers.RMSprop,
        "adagrad": keras.optimizers.Adagrad,
    }
    return classes[name](learning_rate=learning_rate, name=name)


def _kernel_initializer(config: TrainConfig) -> keras.initializers.Initializer:
    """The seed's Glorot draw (Keras's default for Dense), or the start weights picked."""
    if config.start_weights is None:
        return keras.initializers.GlorotUniform(seed=config.seed)
    return keras.initializers.Constant(np.asarray(config.start_weights, np.float32)[:, None])


def build_model(config: TrainConfig) -> NeuronModel:
    """Build and compile the model; the config's seed (or its start weights) fixes the initial
    weights, so a run is reproducible from its settings alone."""
    # Fixed names, not Keras's numbered ones ("dense_17"): TensorFlow caches an eager kernel
    # for each distinct variable name it creates a variable under, ~35 KB that is never
    # released, so every Reset (a model built from the seed) kept ~280 KB (issue 12, item 3).
    layers: list[keras.layers.Layer] = [keras.Input(shape=(2,))]
    normalization = batchnorm = None
    if config.normalize:
        normalization = LiveNormalization(axis=-1, name="normalization")
        layers.append(normalization)
    if config.batchnorm:
        batchnorm = keras.layers.BatchNormalization(name="batch_normalization")
        layers.append(batchnorm)
    dense = keras.layers.Dense(
        1,
        activation="sigmoid",
        kernel_initializer=_kernel_initializer(config),
        kernel_regularizer=LiveL2(config.l2),  # always one: L2 = 0 compiles the same loop
        name="dense",
    )
    layers.append(dense)
    model = keras.Sequential(layers, name="neuron")
    model.compile(
        optimizer=make_optimizer(config.optimizer, config.learning_rate),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    if normalization is not None:
        # Identity until adapted to real points, so an empty data set still has a usable model.
        normalization.adapt_mean.assign(np.zeros(2, np.float32))
        normalization.adapt_variance.assign(np.ones(2, np.float32))
    return NeuronModel(model, dense, normalization, batchnorm)
