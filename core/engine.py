"""Many epochs per call, compiled by XLA, with Keras's own layers, loss and optimizer.

``model.fit`` pays Python and tf.data overhead on every epoch, which caps it at a few dozen
epochs per second on four points. Here one XLA-compiled ``tf.function`` loops over epochs and
batches as native code, calling the model's real layers, ``compute_loss`` (compiled loss plus
L2) and ``optimizer.apply``, so the numbers are ``fit``'s own to float32 round-off
(tests/core/test_engine_matches_fit.py) while a call covers as many epochs as fit in a frame.

XLA needs static shapes. Points are padded to a capacity (256, 1024, 4096, ...) and the padding
is masked (Keras's own masking: the loss and BatchNormalization's batch statistics skip masked
rows), so new points recompile only when they cross one of those sizes. Each epoch's shuffled
order comes from NumPy, keyed by (seed, epoch), and is passed in as a table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tensorflow as tf
from keras.src.backend.common.masking import set_keras_mask  # Keras's own padding masks

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


def start_xla() -> None:
    """Compile a trivial function: XLA's one-off start-up (and its log lines) happens now,
    while the caller is ready for it, rather than inside the first real compilation."""
    tf.function(jit_compile=True)(lambda value: value + 1.0)(tf.constant(0.0))

# Columns of the per-epoch record the compiled loop writes (one TensorArray write per epoch).
_LOSS, _ACC, _EVAL_LOSS, _EVAL_ACC, _TEST_LOSS, _TEST_ACC = range(6)
_KERNEL = slice(6, 8)
_BIAS = 8
_BN_GAMMA, _BN_BETA, _BN_MEAN, _BN_VAR = slice(9, 11), slice(11, 13), slice(13, 15), slice(15, 17)
_BATCH_MEAN, _BATCH_VAR = slice(17, 19), slice(19, 21)
_WIDTH = 21


_SMALLEST_CAPACITY = 256
_CAPACITY_GROWTH = 4
_ORDER_TABLE_ROWS = 1 << 17  # int32 cells of shuffled orders passed per call (512 KiB)
_MAX_EPOCHS_PER_CALL = 2048
_BULK_SHUFFLE_POINTS = 512


def _bucket(n: int) -> int:
    """The compiled row count for ``n`` points: 256, 1024, 4096, ... (powers of four).

    XLA needs static shapes, so points are padded up to this. Each new size is one compilation
    (~1 s) whose native code (~14 MB) XLA keeps for the life of the process, so sizes grow
    fourfold: points added one by one from 0 to 100,000 compile six times. The padding costs
    at most ~2x per epoch on the padded parts (measured: 4 points run at 177,000 epochs/s
    padded to 256 and 331,000 padded to 32), still several times a NumPy loop."""
    capacity = _SMALLEST_CAPACITY
    while capacity < n:
        capacity *= _CAPACITY_GROWTH
    return capacity


def _capacity(n: int, batch_size: int) -> tuple[int, int]:
    """(rows, slots): padded rows and the compiled batch width.

    The batch size itself is a runtime value, masked within ``slots`` (the next power of two,
    at most the bucket): stepping the batch size from 33 to 64 compiles once, not 32 times.
    A batch larger than the bucket is the whole data set, as in fit. Rows leave room for a
    full width of slots after the last batch's start."""
    rows = _bucket(n)
    slots = min(1 << max(batch_size - 1, 0).bit_length(), rows)
    return rows + slots, slots


def _epochs_per_call(capacity: int) -> int:
    """How many epochs one compiled call may run: its table of shuffled orders stays small."""
    return int(np.clip(_ORDER_TABLE_ROWS // capacity, 1, _MAX_EPOCHS_PER_CALL))


def _pad(values: tf.Tensor, rows: int) -> tf.Tensor:
    return tf.pad(values, [[0, rows - int(values.shape[0])], [0, 0]])


def epoch_orders(n: int, seed: int, start_epoch: int, epochs: int) -> np.ndarray:
    """The shuffled order of the points for each epoch, shape (epochs, n).

    Each epoch's order depends only on (seed, epoch), never on how epochs are grouped into
    calls, so a run is reproducible whatever the frame timing. Philox is counter-based: epoch
    e reads the stream from counter e * stride on. Small data sets sort one block of uniform
    keys for all epochs at once (cheap at a few points); large ones take one permutation per
    epoch (O(n), where sorting would be O(n log n)).
    """
    stride = n // 4 + 1  # Philox4x64 gives 4 numbers per counter step
    if n <= _BULK_SHUFFLE_POINTS:
        bits = np.random.Philox(key=seed, counter=start_epoch * stride)
        keys = np.random.Generator(bits).random(epochs * stride * 4)
        return np.argsort(keys.reshape(epochs, stride * 4)[:, :n], axis=1).astype(np.int32)
    return np.stack([
        np.random.Generator(np.random.Philox(key=seed, counter=epoch * stride)).permutation(n)
        for epoch in range(start_epoch, start_epoch + epochs)
    ]).astype(np.int32)


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
        self._prepare(neuron.keras_model)
        self._function, self._evaluate = self._compile()
        self._padded: dict[tuple[int, int, int], tuple[tf.Tensor, ...]] = {}
        self._compiled: set[tuple[int, int, int]] = set()

    def tracing_count(self) -> int:
        """Traces (and XLA compilations) so far: one per capacity and batch width."""
        return self._function.experimental_get_tracing_count()

    def set_learning_rate(self, learning_rate: float) -> None:
        self.neuron.keras_model.optimizer.learning_rate.assign(learning_rate)

    def needs_compiling(self, data: EngineData, batch_size: int) -> bool:
        """Whether training on ``data`` would first compile (about a second)."""
        return bool(data.n_train) and self._shape_key(data, batch_size) not in self._compiled

    def warm_up(self, data: EngineData, batch_size: int) -> None:
        """Compile for this data's capacity now (zero epochs change nothing), so the first
        real epoch does not wait for XLA and benchmarks time training alone."""
        if self.needs_compiling(data, batch_size):
            self._call(data, 0, batch_size, 0, 0, shuffle=False)

    def run(
        self, data: EngineData, epochs: int, batch_size: int, start_epoch: int = 0,
        seed: int = 0, shuffle: bool = True,
    ) -> ChunkResult:
        """Train ``epochs`` epochs (stopping early if the loss diverges) and report each."""
        if data.n_train == 0:
            raise ValueError("no training points")
        parts: list[np.ndarray] = []
        diverged = False
        done = 0
        while done < epochs and not diverged:
            rows, diverged = self._call(data, epochs - done, batch_size, start_epoch + done,
                                        seed, shuffle)
            parts.append(rows)
            done += len(rows) if not diverged else epochs
        rows = np.concatenate(parts) if parts else np.zeros((0, _WIDTH))
        return self._result(rows.astype(np.float64), diverged)

    def evaluate(self, data: EngineData) -> tuple[float | None, ...]:
        """(eval_loss, eval_accuracy, test_loss, test_accuracy) for the weights as they are;
        None where there are no points to evaluate on."""
        figures = self._evaluate(data.x, data.y, data.x_test, data.y_test).numpy()
        return tuple(float(v) if np.isfinite(v) else None for v in figures)

    # --- internals -----------------------------------------------------------------------
    def _call(self, data: EngineData, epochs: int, batch_size: int, start_epoch: int,
              seed: int, shuffle: bool) -> tuple[np.ndarray, bool]:
        """One compiled call: at most as many epochs as its order table holds."""
        n = data.n_train
        key = capacity, slots, test_capacity = self._shape_key(data, batch_size)
        self._compiled.add(key)
        x, y, x_test, y_test = self._padded_arrays(data, capacity, test_capacity)
        table = _epochs_per_call(capacity)
        epochs = min(epochs, table)
        orders = np.zeros((table, capacity), np.int32)
        if shuffle:
            orders[:epochs, :n] = epoch_orders(n, seed, start_epoch, epochs)
        else:
            orders[:epochs, :n] = np.arange(n, dtype=np.int32)
        records, done, diverged = self._function(
            x, y, x_test, y_test, tf.constant(n), tf.constant(data.n_test), tf.constant(orders),
            tf.constant(epochs), tf.constant(batch_size), slots,
        )
        return records.numpy()[: int(done)], bool(diverged)

    @staticmethod
    def _shape_key(data: EngineData, batch_size: int) -> tuple[int, int, int]:
        """The static shapes one compilation serves: (capacity, batch width, test capacity)."""
        return (*_capacity(data.n_train, batch_size), _bucket(data.n_test))

    def _padded_arrays(self, data: EngineData, capacity: int, test_capacity: int):
        """The data padded with zero rows to the compiled shapes (cached per data object)."""
        key = (id(data), capacity, test_capacity)
        if key not in self._padded:
            self._padded = {key: (
                _pad(data.x, capacity), _pad(data.y, capacity),
                _pad(data.x_test, test_capacity), _pad(data.y_test, test_capacity),
                data,  # keeps id(data) from being reused while cached
            )}
        return self._padded[key][:4]

    @staticmethod
    def _prepare(model) -> None:
        """Create every variable (optimizer slots) before tracing, as fit does."""
        x0 = np.zeros((1, 2), np.float32)
        model(x0, training=False)
        model.optimizer.build(model.trainable_variables)

    def _compile(self):
        neuron = self.neuron
        model = neuron.keras_model
        bn = neuron.batchnorm
        norm = neuron.normalization
        dense = neuron.dense
        optimizer = model.optimizer
        optimizer_state = [v for v in optimizer.variables if v is not
                           optimizer._learning_rate]  # a live rate change must survive
        state = list(model.variables) + optimizer_state
        zeros2 = tf.zeros([2])

        def forward(x, training, mask=None):
            """The Sequential's layers called one by one, so BatchNormalization can be told
            which rows are padding (its ``mask``): its batch statistics skip them."""
            h = norm(x) if norm is not None else x
            if bn is not None:
                h = bn(h, training=training, mask=mask)
            return dense(h)

        def masked_figures(x, y, mask, training):
            """Loss and number correct over the rows where ``mask`` is 1, as fit computes them
            on those rows alone. The padding is masked the way Keras masks padded time steps:
            the prediction carries the mask, and the loss averages over unmasked rows only."""
            y_pred = forward(x, training, mask if training else None)
            set_keras_mask(y_pred, mask)
            loss = model.compute_loss(x=x, y=y, y_pred=y_pred, training=training)
            hits = tf.cast(tf.equal(tf.cast(y_pred > 0.5, tf.float32), y), tf.float32)
            correct = tf.reduce_sum(hits[:, 0] * mask)
            return tf.cast(loss, tf.float32), correct

        def evaluate(x, y, count):
            if count == 0:
                return tf.constant(np.nan, tf.float32), tf.constant(np.nan, tf.float32)
            mask = tf.cast(tf.range(tf.shape(x)[0]) < count, tf.float32)
            total = tf.cast(count, tf.float32)
            loss, correct = masked_figures(x, y, mask, training=False)
            return loss, correct / total

        def record(loss, accuracy, x, y, n, x_test, y_test, n_test, last_x, last_mask):
            eval_loss, eval_acc = evaluate(x, y, n)
            test_loss, test_acc = evaluate(x_test, y_test, n_test)
            parts = [tf.stack([loss, accuracy, eval_loss, eval_acc, test_loss, test_acc]),
                     tf.reshape(dense.kernel, [2]), tf.reshape(dense.bias, [1])]
            if bn is not None:
                inputs = norm(last_x) if norm is not None else last_x
                weight = last_mask[:, None] / tf.reduce_sum(last_mask)
                batch_mean = tf.reduce_sum(inputs * weight, axis=0)
                batch_var = tf.reduce_sum(tf.square(inputs - batch_mean) * weight, axis=0)
                parts += [bn.gamma, bn.beta, bn.moving_mean, bn.moving_variance,
                          batch_mean, batch_var]
            else:
                parts += [zeros2] * 6
            return tf.concat([tf.cast(p, tf.float32) for p in parts], axis=0)

        @tf.function(jit_compile=True)
        def train_epochs(x, y, x_test, y_test, n, n_test, orders, epochs, batch, slots: int):
            """XLA-compiled: every shape is static (padded to a capacity bucket), so the whole
            loop over epochs and batches runs as native code with no per-op dispatch."""
            batches = (n + batch - 1) // batch
            records = tf.TensorArray(tf.float32, size=orders.shape[0], element_shape=[_WIDTH])
            done = tf.constant(0)
            diverged = tf.constant(False)
            positions = tf.range(slots)
            last_x = x[:slots]
            last_mask = tf.zeros([slots])
            # ``while``, not ``for tf.range``: a for loop gets a maximum trip count that XLA
            # treats as a compile-time constant, recompiling for every epoch count and size.
            epoch = tf.constant(0)
            while epoch < epochs:
                saved = [tf.identity(v.value) for v in state]
                order = orders[epoch]
                loss_sum = tf.constant(0.0)
                correct = tf.constant(0.0)
                b = tf.constant(0)
                while b < batches:
                    # gather, not slice: a slice starting at b * batch would make XLA treat
                    # the batch size as a compile-time constant and recompile for each value
                    rows = tf.gather(order, b * batch + positions)
                    xb = tf.gather(x, rows)
                    yb = tf.gather(y, rows)
                    mask = tf.cast((positions < batch) & (positions + b * batch < n),
                                   tf.float32)
                    count = tf.reduce_sum(mask)
                    with tf.GradientTape() as tape:
                        batch_loss, batch_correct = masked_figures(xb, yb, mask, training=True)
                    grads = tape.gradient(batch_loss, model.trainable_variables)
                    optimizer.apply(grads, model.trainable_variables)
                    # fit's loss is the mean of batch losses weighted by batch size
                    loss_sum += batch_loss * count
                    correct += batch_correct
                    last_x, last_mask = xb, mask
                    b += 1
                total = tf.cast(n, tf.float32)
                loss = loss_sum / total
                finite = tf.math.is_finite(loss)
                for v in model.trainable_variables:
                    finite = tf.logical_and(finite, tf.reduce_all(tf.math.is_finite(v.value)))
                if not finite:
                    for v, old in zip(state, saved):
                        v.assign(old)
                    diverged = tf.constant(True)
                    break
                records = records.write(epoch, record(loss, correct / total, x, y, n, x_test,
                                                      y_test, n_test, last_x, last_mask))
                done = epoch + 1
                epoch += 1
            return records.stack(), done, diverged

        @tf.function(input_signature=[
            tf.TensorSpec([None, 2], tf.float32), tf.TensorSpec([None, 1], tf.float32),
            tf.TensorSpec([None, 2], tf.float32), tf.TensorSpec([None, 1], tf.float32)])
        def evaluate_now(x, y, x_test, y_test):
            return tf.stack([*evaluate(x, y, tf.shape(x)[0]),
                             *evaluate(x_test, y_test, tf.shape(x_test)[0])])

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
