"""Many epochs per call, compiled, with Keras's own training step.

``model.fit`` pays Python and tf.data overhead on every epoch, which caps it at a few dozen
epochs per second on four points. Here one ``tf.function`` loops over epochs and batches
inside TensorFlow and calls the model's real ``train_step`` (same layers, loss, optimizer and
metric objects), so the numbers are ``fit``'s own (tests/core/test_engine_matches_fit.py) while
a call covers as many epochs as fit into one screen frame.

Inputs have an unknown first dimension, so new points never retrace the function.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from core.geometry import BatchNormParams, fold_line
from core.model import NeuronModel

# Every model gets its own compiled function by design; TensorFlow's "retracing" warning about
# that (it counts functions, not shapes) is noise here. Real retraces are counted in tests.
tf.get_logger().setLevel("ERROR")


def _use_one_core() -> None:
    """Run TensorFlow's ops on one thread. The graphs here are chains of tiny ops, which gain
    nothing from a thread pool (measured: ~8% faster on one), and the other core stays free
    for the GUI thread so the window keeps drawing while training runs flat out."""
    try:
        tf.config.threading.set_inter_op_parallelism_threads(1)
        tf.config.threading.set_intra_op_parallelism_threads(1)
    except RuntimeError:
        pass  # TensorFlow already ran something in this process (tests): keep its pools


_use_one_core()

# Columns of the per-epoch record the compiled loop writes (one TensorArray write per epoch).
_LOSS, _ACC, _EVAL_LOSS, _EVAL_ACC, _TEST_LOSS, _TEST_ACC = range(6)
_KERNEL = slice(6, 8)
_BIAS = 8
_BN_GAMMA, _BN_BETA, _BN_MEAN, _BN_VAR = slice(9, 11), slice(11, 13), slice(13, 15), slice(15, 17)
_BATCH_MEAN, _BATCH_VAR = slice(17, 19), slice(19, 21)
_WIDTH = 21


@dataclass(frozen=True)
class EngineData:
    """Training and held-out points as float32 tensors, built once per data version."""

    x: tf.Tensor
    y: tf.Tensor
    x_test: tf.Tensor
    y_test: tf.Tensor

    @classmethod
    def from_arrays(
        cls, x: np.ndarray, y: np.ndarray, x_test: np.ndarray | None = None,
        y_test: np.ndarray | None = None,
    ) -> EngineData:
        def t(a: np.ndarray | None, width: int) -> tf.Tensor:
            a = np.zeros((0, width)) if a is None else a
            return tf.constant(np.asarray(a, np.float32).reshape(-1, width))

        return cls(t(x, 2), t(y, 1), t(x_test, 2), t(y_test, 1))

    @property
    def n_train(self) -> int:
        return int(self.x.shape[0])

    @property
    def n_test(self) -> int:
        return int(self.x_test.shape[0])


@dataclass(frozen=True)
class ChunkResult:
    """Per-epoch figures for the epochs one call ran (arrays have one row per epoch)."""

    loss: np.ndarray
    accuracy: np.ndarray
    eval_loss: np.ndarray
    eval_accuracy: np.ndarray
    test_loss: np.ndarray  # NaN without held-out points
    test_accuracy: np.ndarray
    kernel: np.ndarray  # (E, 2)
    bias: np.ndarray  # (E,)
    line: np.ndarray  # (E, 3) inference-mode boundary in data coordinates
    train_line: np.ndarray | None  # (E, 3) BatchNormalization with the last batch's statistics
    diverged: bool  # the epoch after the last row produced a non-finite loss; it was undone

    def __len__(self) -> int:
        return len(self.loss)


class Engine:
    """Compiled multi-epoch training for one ``NeuronModel``. Use on one thread only."""

    def __init__(self, neuron: NeuronModel) -> None:
        self.neuron = neuron
        model = neuron.keras_model
        self._prepare(model)
        self._function, self._evaluate = self._compile()
        self._warm_up()

    def tracing_count(self) -> int:
        return self._function.experimental_get_tracing_count()

    def set_learning_rate(self, learning_rate: float) -> None:
        self.neuron.keras_model.optimizer.learning_rate.assign(learning_rate)

    def run(
        self, data: EngineData, epochs: int, batch_size: int, start_epoch: int = 0,
        seed: int = 0, shuffle: bool = True,
    ) -> ChunkResult:
        """Train ``epochs`` epochs (stopping early if the loss diverges) and report each."""
        if data.n_train == 0:
            raise ValueError("no training points")
        records, done, diverged = self._function(
            data.x, data.y, data.x_test, data.y_test, tf.constant(epochs, tf.int32),
            tf.constant(batch_size, tf.int32), tf.constant([seed, start_epoch], tf.int32),
            tf.constant(shuffle),
        )
        rows = records.numpy()[: int(done)].astype(np.float64)
        return self._result(rows, bool(diverged))

    def evaluate(self, data: EngineData) -> tuple[float | None, ...]:
        """(eval_loss, eval_accuracy, test_loss, test_accuracy) for the weights as they are;
        None where there are no points to evaluate on."""
        figures = self._evaluate(data.x, data.y, data.x_test, data.y_test).numpy()
        return tuple(float(v) if np.isfinite(v) else None for v in figures)

    # --- internals -----------------------------------------------------------------------
    def _warm_up(self) -> None:
        """Trace both functions now (zero epochs changes nothing), so the first real epoch does
        not wait a second for tracing and benchmarks time training alone."""
        one = EngineData.from_arrays(np.zeros((1, 2)), np.zeros(1))
        self._function(one.x, one.y, one.x_test, one.y_test, tf.constant(0), tf.constant(1),
                       tf.constant([0, 0]), tf.constant(True))
        self._evaluate(one.x, one.y, one.x_test, one.y_test)
    @staticmethod
    def _prepare(model) -> None:
        """Create every variable (optimizer slots, metric state) before tracing, as fit does."""
        x0 = np.zeros((1, 2), np.float32)
        y0 = np.zeros((1, 1), np.float32)
        model.compute_metrics(x0, y0, model(x0, training=False), sample_weight=None)
        model.reset_metrics()
        model.optimizer.build(model.trainable_variables)

    def _compile(self):
        neuron = self.neuron
        model = neuron.keras_model
        bn = neuron.batchnorm
        norm = neuron.normalization
        optimizer_state = [v for v in model.optimizer.variables if v is not
                           model.optimizer._learning_rate]  # a live rate change must survive
        state = list(model.variables) + optimizer_state
        zeros2 = tf.zeros([2])

        def evaluate(x, y):
            if tf.shape(x)[0] == 0:
                return tf.constant(np.nan, tf.float32), tf.constant(np.nan, tf.float32)
            y_pred = model(x, training=False)
            loss = model.compute_loss(x, y, y_pred, training=False)
            accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.cast(y_pred > 0.5, tf.float32), y),
                                              tf.float32))
            return tf.cast(loss, tf.float32), accuracy

        def record(loss, accuracy, x, y, x_test, y_test, last_batch):
            eval_loss, eval_acc = evaluate(x, y)
            test_loss, test_acc = evaluate(x_test, y_test)
            parts = [tf.stack([loss, accuracy, eval_loss, eval_acc, test_loss, test_acc]),
                     tf.reshape(neuron.dense.kernel, [2]), tf.reshape(neuron.dense.bias, [1])]
            if bn is not None:
                inputs = norm(last_batch) if norm is not None else last_batch
                batch_mean, batch_var = tf.nn.moments(inputs, axes=[0])
                parts += [bn.gamma, bn.beta, bn.moving_mean, bn.moving_variance,
                          batch_mean, batch_var]
            else:
                parts += [zeros2] * 6
            return tf.concat([tf.cast(p, tf.float32) for p in parts], axis=0)

        @tf.function(
            input_signature=[
                tf.TensorSpec([None, 2], tf.float32), tf.TensorSpec([None, 1], tf.float32),
                tf.TensorSpec([None, 2], tf.float32), tf.TensorSpec([None, 1], tf.float32),
                tf.TensorSpec([], tf.int32), tf.TensorSpec([], tf.int32),
                tf.TensorSpec([2], tf.int32), tf.TensorSpec([], tf.bool),
            ]
        )
        def train_epochs(x, y, x_test, y_test, epochs, batch_size, seed, shuffle):
            n = tf.shape(x)[0]
            batches = (n + batch_size - 1) // batch_size
            records = tf.TensorArray(tf.float32, size=epochs, element_shape=[_WIDTH])
            done = tf.constant(0)
            diverged = tf.constant(False)
            for epoch in tf.range(epochs):
                saved = [tf.identity(v.value) for v in state]
                for metric in model.metrics:
                    metric.reset_state()
                order = tf.range(n)
                if shuffle:
                    order = tf.random.experimental.stateless_shuffle(
                        order, seed=tf.stack([seed[0], seed[1] + epoch]))
                for b in tf.range(batches):
                    rows = order[b * batch_size: tf.minimum((b + 1) * batch_size, n)]
                    model.train_step((tf.gather(x, rows), tf.gather(y, rows)))
                results = model.get_metrics_result()
                loss = tf.cast(results["loss"], tf.float32)
                finite = tf.math.is_finite(loss)
                for v in model.trainable_variables:
                    finite = tf.logical_and(finite, tf.reduce_all(tf.math.is_finite(v.value)))
                if not finite:
                    for v, old in zip(state, saved):
                        v.assign(old)
                    diverged = tf.constant(True)
                    break
                last_batch = tf.gather(x, order[(batches - 1) * batch_size:])
                records = records.write(
                    epoch, record(loss, tf.cast(results["accuracy"], tf.float32), x, y,
                                  x_test, y_test, last_batch))
                done = epoch + 1
            return records.stack(), done, diverged

        @tf.function(input_signature=[
            tf.TensorSpec([None, 2], tf.float32), tf.TensorSpec([None, 1], tf.float32),
            tf.TensorSpec([None, 2], tf.float32), tf.TensorSpec([None, 1], tf.float32)])
        def evaluate_now(x, y, x_test, y_test):
            return tf.stack([*evaluate(x, y), *evaluate(x_test, y_test)])

        return train_epochs, evaluate_now

    def _result(self, rows: np.ndarray, diverged: bool) -> ChunkResult:
        norm = self.neuron.norm_stats()
        norm_args = norm if norm is not None else (None, None)
        kernel, bias = rows[:, _KERNEL], rows[:, _BIAS]
        train_line = None
        bn_layer = self.neuron.batchnorm
        if bn_layer is not None:
            eps = bn_layer.epsilon
            inference = BatchNormParams(rows[:, _BN_GAMMA], rows[:, _BN_BETA], rows[:, _BN_MEAN],
                                        rows[:, _BN_VAR], eps)
            training = BatchNormParams(rows[:, _BN_GAMMA], rows[:, _BN_BETA],
                                       rows[:, _BATCH_MEAN], rows[:, _BATCH_VAR], eps)
            line = fold_line(kernel, bias, *norm_args, batchnorm=inference)
            train_line = fold_line(kernel, bias, *norm_args, batchnorm=training)
        else:
            line = fold_line(kernel, bias, *norm_args)
        return ChunkResult(
            loss=rows[:, _LOSS], accuracy=rows[:, _ACC], eval_loss=rows[:, _EVAL_LOSS],
            eval_accuracy=rows[:, _EVAL_ACC], test_loss=rows[:, _TEST_LOSS],
            test_accuracy=rows[:, _TEST_ACC], kernel=kernel, bias=bias, line=line,
            train_line=train_line, diverged=diverged,
        )
