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

from core.geometry import BatchNormParams, fold_line, input_map
from core.keras_private import learning_rate_variable, mark_padding
from core.model import NeuronModel
from core.record import MEASURED_FIELDS, EpochBatch

# Every model gets its own compiled function by design; TensorFlow's "retracing" warning about
# that (it counts functions, not shapes) is noise here. Real retraces are counted in tests.
tf.get_logger().setLevel("ERROR")

_ZERO = tf.constant(0.0)
_NO_BUDGET = 2**31 - 1  # batches per call when the caller sets no limit


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


# The compiled loop writes one float32 row per epoch: the record's measured figures by name
# (core.record), then BatchNormalization's parameters, from which the trainer-facing boundary
# lines are derived after the call.
_BN_PARTS = ("bn_gamma", "bn_beta", "bn_moving_mean", "bn_moving_variance", "bn_batch_mean",
             "bn_batch_variance")


def _row_layout() -> dict[str, slice]:
    """Where each named figure sits in the compiled loop's per-epoch row."""
    layout, start = {}, 0
    widths = [*((f.name, f.metadata["width"]) for f in MEASURED_FIELDS),
              *((part, 2) for part in _BN_PARTS)]
    for name, width in widths:
        layout[name] = slice(start, start + width)
        start += width
    return layout


_LAYOUT = _row_layout()
_WIDTH = max(part.stop for part in _LAYOUT.values())


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


def _same_run(a: tuple, b: tuple) -> bool:
    """Whether two (data, batch size, epoch, seed, shuffle) keys name the same run: the data
    by identity (tensors do not compare as a whole with ==)."""
    return a[0] is b[0] and a[1:] == b[1:]


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
    """Training and held-out points as float32 tensors, built once per change of the points
    (or of which are held out)."""

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


class Engine:
    """Compiled multi-epoch training for one ``NeuronModel``. Use on one thread only."""

    def __init__(self, neuron: NeuronModel) -> None:
        self.neuron = neuron
        self._prepare(neuron.keras_model)
        self._function, self._evaluate = self._compile()
        self._padded: tuple | None = None  # (data, capacity, test capacity, arrays)
        # An epoch a call ran out of steps in: (key it goes on for, next batch, loss sum,
        # hits, state at its start); None when every epoch run was finished.
        self._unfinished: tuple | None = None
        self.last_steps = 0  # batches the last ``run`` ran (for sizing the next chunk)
        self._orders: tuple | None = None  # (key, the order table) of the last call
        self._compiled: set[tuple[int, int, int]] = set()

    def tracing_count(self) -> int:
        """Traces (and XLA compilations) so far: one per capacity and batch width."""
        return self._function.experimental_get_tracing_count()

    def set_learning_rate(self, learning_rate: float) -> None:
        """A new rate applies from an epoch's start: an unfinished epoch starts again."""
        self.discard_unfinished()
        self.neuron.keras_model.optimizer.learning_rate.assign(learning_rate)

    def needs_compiling(self, data: EngineData, batch_size: int) -> bool:
        """Whether training on ``data`` would first compile (about a second)."""
        return bool(data.n_train) and self._shape_key(data, batch_size) not in self._compiled

    def warm_up(self, data: EngineData, batch_size: int) -> None:
        """Compile for this data's capacity now (zero epochs change nothing), so the first
        real epoch does not wait for XLA and benchmarks time training alone."""
        if self.needs_compiling(data, batch_size):
            self.discard_unfinished()  # (new points: that epoch no longer exists)
            self._call(data, 0, batch_size, 0, 0, shuffle=False)

    def run(
        self, data: EngineData, epochs: int, batch_size: int, start_epoch: int = 0,
        seed: int = 0, shuffle: bool = True, max_steps: int | None = None,
    ) -> EpochBatch:
        """Train ``epochs`` epochs (stopping early if the loss diverges) and report each, as
        epochs ``start_epoch + 1`` onwards.

        ``max_steps``: run at most this many batches, so a call stays short when one epoch is
        long (1,000,000 points at batch 1: a million steps). An epoch left unfinished reports
        nothing; the next call with the same data, batch size, seed and ``start_epoch`` goes
        on where it stopped, and the epoch then equals an unsliced one bit for bit. Anything
        else first returns the weights to that epoch's start (``discard_unfinished``), so the
        model always matches the epochs reported."""
        if data.n_train == 0:
            raise ValueError("no training points")
        if self._unfinished is not None and not _same_run(
                self._unfinished[0], (data, batch_size, start_epoch, seed, shuffle)):
            self.discard_unfinished()
        parts: list[np.ndarray] = []
        diverged = False
        done = 0
        self.last_steps = 0
        steps_left = max_steps
        while done < epochs and not diverged and (steps_left is None or steps_left > 0):
            rows, diverged, steps = self._call(data, epochs - done, batch_size,
                                               start_epoch + done, seed, shuffle, steps_left)
            parts.append(rows)
            done += len(rows)
            self.last_steps += steps
            if steps_left is not None:
                steps_left -= steps
            if self._unfinished is not None:
                break  # out of steps inside an epoch
        if self._unfinished is not None:  # the next call goes on from the epoch after these
            self._unfinished = ((data, batch_size, start_epoch + done, seed, shuffle),
                                *self._unfinished[1:])
        rows = np.concatenate(parts) if parts else np.zeros((0, _WIDTH))
        epochs = np.arange(start_epoch + 1, start_epoch + 1 + len(rows))
        return self._batch(epochs, rows.astype(np.float64), data, diverged)

    def has_unfinished_epoch(self) -> bool:
        return self._unfinished is not None

    def discard_unfinished(self) -> None:
        """Put the weights (and optimizer state) back to the start of the unfinished epoch:
        pausing, new points or settings, a question or a saved session all see the model as
        of the last epoch reported. The epoch, run again, gives the same numbers."""
        if self._unfinished is not None:
            saved = self._unfinished[-1]
            for variable, value in zip(self._state, saved):
                variable.assign(value)
            self._unfinished = None

    def snapshot(self, data: EngineData, epoch: int, diverged: bool = False) -> EpochBatch:
        """The model as it is now, without training, reported as ``epoch``: inference-mode
        figures on the current points, the weights and the line. Training-mode figures (and
        the training-mode line) are missing: no epoch ran."""
        self.discard_unfinished()
        # Padded to the capacity buckets and masked, as in the compiled loop: TensorFlow's
        # oneDNN kernels cache a primitive per input shape (up to 1,024 per thread, ~55 KB
        # each, never released), so evaluating on every point count as it was grew memory
        # by ~55 KB a click until the cache held ~57 MB (issue 12, item 3).
        x, y, x_test, y_test = self._padded_arrays(data, _bucket(data.n_train),
                                                   _bucket(data.n_test))
        row = self._evaluate(x, y, x_test, y_test, tf.constant(data.n_train),
                             tf.constant(data.n_test)).numpy()
        return self._batch(np.array([epoch]), row[None, :].astype(np.float64), data, diverged,
                           trained=False)

    # --- internals -----------------------------------------------------------------------
    def _call(self, data: EngineData, epochs: int, batch_size: int, start_epoch: int,
              seed: int, shuffle: bool, max_steps: int | None = None,
              ) -> tuple[np.ndarray, bool, int]:
        """One compiled call: at most as many epochs as its order table holds, and at most
        ``max_steps`` batches; (rows of the finished epochs, diverged, batches run)."""
        n = data.n_train
        key = capacity, slots, test_capacity = self._shape_key(data, batch_size)
        self._compiled.add(key)
        x, y, x_test, y_test = self._padded_arrays(data, capacity, test_capacity)
        table = _epochs_per_call(capacity)
        epochs = min(epochs, table)
        # The same table for every slice of one epoch: at 1,000,000 points building it (a
        # permutation and a 16 MB tensor) cost more than a slice's steps.
        orders_key = (n, seed, start_epoch, epochs, table, capacity, shuffle)
        if self._orders is None or self._orders[0] != orders_key:
            orders = np.zeros((table, capacity), np.int32)
            if shuffle:
                orders[:epochs, :n] = epoch_orders(n, seed, start_epoch, epochs)
            else:
                orders[:epochs, :n] = np.arange(n, dtype=np.int32)
            self._orders = (orders_key, tf.constant(orders))
        orders = self._orders[1]
        if self._unfinished is not None:
            _, first_batch, loss_sum, correct, saved = self._unfinished
        else:
            first_batch, loss_sum, correct = 0, _ZERO, _ZERO
            # Unused (a new epoch saves its own), but tensors as a continuing call passes:
            # variables here made the first slice's trace differ from the next one's, and the
            # second slice of every run compiled again (1.4 s, with a pause waiting for it).
            saved = [tf.convert_to_tensor(v.value) for v in self._state]
        budget = _NO_BUDGET if max_steps is None else max(1, int(max_steps))
        records, done, diverged, next_batch, loss_sum, correct, saved = self._function(
            x, y, x_test, y_test, tf.constant(n), tf.constant(data.n_test), orders,
            tf.constant(epochs), tf.constant(batch_size), slots, tf.constant(budget),
            tf.constant(first_batch), loss_sum, correct, saved,
        )
        next_batch = int(next_batch)
        batches = -(-n // min(batch_size, n)) if n else 0
        done = int(done)
        steps = done * batches + next_batch - first_batch
        self._unfinished = ((data, batch_size, start_epoch + done, seed, shuffle), next_batch,
                            loss_sum, correct, saved) if next_batch else None
        return records.numpy()[:done], bool(diverged), steps

    @staticmethod
    def _shape_key(data: EngineData, batch_size: int) -> tuple[int, int, int]:
        """The static shapes one compilation serves: (capacity, batch width, test capacity)."""
        return (*_capacity(data.n_train, batch_size), _bucket(data.n_test))

    def _padded_arrays(self, data: EngineData, capacity: int, test_capacity: int):
        """The data padded with zero rows to the compiled shapes (cached for the last data)."""
        cached = self._padded
        if cached is None or cached[0] is not data or cached[1:3] != (capacity, test_capacity):
            arrays = (_pad(data.x, capacity), _pad(data.y, capacity),
                      _pad(data.x_test, test_capacity), _pad(data.y_test, test_capacity))
            self._padded = cached = (data, capacity, test_capacity, arrays)
        return cached[3]

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
        rate = learning_rate_variable(optimizer)
        optimizer_state = [v for v in optimizer.variables if v is not rate]  # live changes stay
        state = list(model.variables) + optimizer_state
        self._state = state

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
            mark_padding(y_pred, mask)
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
            """One epoch's row: the record's measured figures by name, then BatchNorm's."""
            eval_loss, eval_accuracy = evaluate(x, y, n)
            test_loss, test_accuracy = evaluate(x_test, y_test, n_test)
            figures = {"loss": loss, "accuracy": accuracy, "eval_loss": eval_loss,
                       "eval_accuracy": eval_accuracy, "test_loss": test_loss,
                       "test_accuracy": test_accuracy, "w": dense.kernel, "b": dense.bias}
            if bn is not None:
                figures.update(bn_gamma=bn.gamma, bn_beta=bn.beta, bn_moving_mean=bn.moving_mean,
                               bn_moving_variance=bn.moving_variance)
            if bn is not None and last_x is not None:
                inputs = norm(last_x) if norm is not None else last_x
                weight = last_mask[:, None] / tf.reduce_sum(last_mask)
                batch_mean = tf.reduce_sum(inputs * weight, axis=0)
                batch_var = tf.reduce_sum(tf.square(inputs - batch_mean) * weight, axis=0)
                figures.update(bn_batch_mean=batch_mean, bn_batch_variance=batch_var)
            nan = tf.constant(np.nan, tf.float32)
            return tf.concat([
                tf.reshape(tf.cast(figures[name], tf.float32), [part.stop - part.start])
                if name in figures else tf.fill([part.stop - part.start], nan)
                for name, part in _LAYOUT.items()], axis=0)

        @tf.function(jit_compile=True)
        def train_epochs(x, y, x_test, y_test, n, n_test, orders, epochs, batch, slots: int,
                         budget, first_batch, loss_sum, correct, saved):
            """XLA-compiled: every shape is static (padded to a capacity bucket), so the whole
            loop over epochs and batches runs as native code with no per-op dispatch.

            At most ``budget`` batches run. When it runs out inside an epoch, the call returns
            how far that epoch got (its next batch, loss and hits so far, and the state it
            started from, for the divergence check's rollback); passed back in as
            ``first_batch``, ``loss_sum``, ``correct`` and ``saved``, the next call goes on
            with the same arithmetic, so a sliced epoch equals a whole one bit for bit."""
            batches = (n + batch - 1) // batch
            records = tf.TensorArray(tf.float32, size=orders.shape[0], element_shape=[_WIDTH])
            diverged = tf.constant(False)
            positions = tf.range(slots)
            last_x = x[:slots]
            last_mask = tf.zeros([slots])
            steps = tf.constant(0)
            b = first_batch
            # ``while``, not ``for tf.range``: a for loop gets a maximum trip count that XLA
            # treats as a compile-time constant, recompiling for every epoch count and size.
            epoch = tf.constant(0)
            while epoch < epochs:
                if b == 0:  # a new epoch (else the one a previous call began)
                    saved = [tf.identity(v.value) for v in state]
                    loss_sum = tf.constant(0.0)
                    correct = tf.constant(0.0)
                order = orders[epoch]
                while b < batches and steps < budget:
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
                    steps += 1
                if b < batches:
                    break  # out of budget inside the epoch: the caller goes on later
                b = tf.constant(0)
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
                epoch += 1
            # A diverged epoch broke out unrecorded; an epoch out of budget, unfinished.
            return records.stack(), epoch, diverged, b, loss_sum, correct, saved

        @tf.function(input_signature=[
            tf.TensorSpec([None, 2], tf.float32), tf.TensorSpec([None, 1], tf.float32),
            tf.TensorSpec([None, 2], tf.float32), tf.TensorSpec([None, 1], tf.float32),
            tf.TensorSpec([], tf.int32), tf.TensorSpec([], tf.int32)])
        def evaluate_now(x, y, x_test, y_test, n, n_test):
            """The record's row for the weights as they are (no epoch, so no fit figures), on
            the first ``n`` and ``n_test`` rows of the padded points."""
            nan = tf.constant(np.nan, tf.float32)
            return record(nan, nan, x, y, n, x_test, y_test, n_test, last_x=None,
                          last_mask=None)

        return train_epochs, evaluate_now

    def _batch(self, epochs: np.ndarray, rows: np.ndarray, data: EngineData, diverged: bool,
               trained: bool = True) -> EpochBatch:
        """Rows of the compiled loop as the record's columns, with the boundary lines folded
        into data coordinates (inference mode, and BatchNormalization's training mode) and the
        Dense layer's input map (inference mode)."""
        columns = {name: rows[:, part] if part.stop - part.start > 1 else rows[:, part.start]
                   for name, part in _LAYOUT.items()}
        norm = self.neuron.norm_stats() or (None, None)
        bn_layer = self.neuron.batchnorm

        def batchnorm(mean: str, variance: str) -> BatchNormParams | None:
            if bn_layer is None:
                return None
            return BatchNormParams(columns["bn_gamma"], columns["bn_beta"], columns[mean],
                                   columns[variance], bn_layer.epsilon)

        inference = batchnorm("bn_moving_mean", "bn_moving_variance")
        line = fold_line(columns["w"], columns["b"], *norm, batchnorm=inference)
        input_scale, input_shift = input_map(columns["w"].shape, *norm, batchnorm=inference)
        train_line = None
        if bn_layer is not None and trained:
            train_line = fold_line(columns["w"], columns["b"], *norm,
                                   batchnorm=batchnorm("bn_batch_mean", "bn_batch_variance"))
        figures = {f.name: columns[f.name] for f in MEASURED_FIELDS}
        derived = {"line": line, "train_line": train_line, "input_scale": input_scale,
                   "input_shift": input_shift}
        return EpochBatch(epochs, {**figures, **derived},
                          n_train=data.n_train, n_test=data.n_test, diverged=diverged)
