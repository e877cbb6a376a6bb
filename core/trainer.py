"""Training on a background thread, steered by plain method calls from any thread.

The thread owns every TensorFlow object (imported lazily, on the thread). Between chunks of
epochs it picks up commands (pause, step, reset, new settings) and new points, so edits take
effect from the next epoch without restarting. Each chunk is sized to about one screen frame,
which keeps pausing and editing immediate even at thousands of epochs per second. Results
leave the thread only through ``on_epochs``, as an ``EpochBatch`` per chunk (columns of
``EpochStats``): at a few hundred thousand epochs a second, an object per epoch would cost
more than the training.
"""

from __future__ import annotations

import gc
import sys
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from enum import Enum

import numpy as np

from core.config import TrainConfig
from core.dataset import Dataset
from core.native_logs import routine_native_logs_hidden
from core.split import test_mask
from core.stats import EpochBatch, EpochStats

FRAME_SECONDS = 0.016
MAX_CHUNK_EPOCHS = 5000
MAX_COMPILED_MODELS = 6  # compiled training loops kept for models built before


class TrainerState(str, Enum):
    IDLE = "idle"  # thread not started
    LOADING = "loading"  # importing TensorFlow / building the model
    COMPILING = "compiling"  # XLA compiling the training loop for a new model or capacity
    PAUSED = "paused"
    TRAINING = "training"
    WAITING = "waiting"  # asked to train, but there are no training points
    DIVERGED = "diverged"  # paused because the loss became NaN or infinite
    ERROR = "error"
    STOPPED = "stopped"


class Trainer:
    """Owns the training thread. ``stop()`` joins it; it is safe to call more than once.

    ``on_epochs`` receives every epoch in order, in batches. A report whose epoch number was
    already reported replaces it: the model was re-evaluated (points changed while paused, or a
    reset). ``on_state`` receives (state, message) on every change of state.
    """

    def __init__(
        self,
        dataset: Dataset,
        config: TrainConfig,
        on_epochs: Callable[[EpochBatch], None],
        on_state: Callable[[TrainerState, str], None] | None = None,
        frame_seconds: float = FRAME_SECONDS,
    ) -> None:
        self._dataset = dataset
        self._config = config
        self._on_epochs = on_epochs
        self._on_state = on_state or (lambda state, message: None)
        self._frame_seconds = frame_seconds
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._state = TrainerState.IDLE
        self._message = ""
        # commands, guarded by _cond
        self._running = False
        self._steps = 0
        self._reset = False
        self._stop = False
        self._data_changed = True
        self._target_epoch: int | None = None
        # read by other threads for display; written by the training thread
        self.epoch = 0
        self.error: str | None = None
        self._last_stats: EpochStats | None = None
        dataset.subscribe(self._on_data_changed)

    # --- commands (any thread) ----------------------------------------------------------
    @property
    def state(self) -> TrainerState:
        return self._state

    @property
    def config(self) -> TrainConfig:
        return self._config

    def prepare(self) -> None:
        """Start the thread (import TensorFlow, build the model) without training."""
        with self._cond:
            if self._thread is None and not self._stop:
                self._set_state(TrainerState.LOADING, "")
                self._thread = threading.Thread(target=self._main, name="trainer", daemon=True)
                self._thread.start()

    def start(self) -> None:
        """Train until paused, or until the epoch limit is reached."""
        self.prepare()
        with self._cond:
            self._running = True
            self._target_epoch = self._next_target(self.epoch)
            self._cond.notify_all()

    resume = start

    def pause(self) -> None:
        with self._cond:
            self._running = False
            self._steps = 0
            self._cond.notify_all()

    def toggle(self) -> None:
        if self._running:
            self.pause()
        else:
            self.start()

    @property
    def running(self) -> bool:
        return self._running

    def step(self) -> None:
        """Train exactly one epoch (when paused)."""
        self.prepare()
        with self._cond:
            if not self._running:
                self._steps += 1
                self._cond.notify_all()

    def reset(self) -> None:
        """New initial weights (and optimizer state); epoch goes back to 0."""
        self.prepare()
        with self._cond:
            self._reset = True
            self._cond.notify_all()

    def set_config(self, config: TrainConfig) -> bool:
        """Apply new settings; returns True when they need a new model (new weights)."""
        with self._cond:
            rebuild = self._config.needs_rebuild(config)
            if config.test_split != self._config.test_split:
                self._data_changed = True  # other points are held out now
            self._config = config
            if self._running:
                self._target_epoch = self._next_target(self.epoch, keep_running=True)
            self._reset = self._reset or rebuild
            self._cond.notify_all()
        return rebuild

    def stop(self, timeout: float = 10.0) -> None:
        """End the thread and wait for it (the current chunk is at most about one frame)."""
        with self._cond:
            self._stop = True
            self._running = False
            self._cond.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        self._dataset.unsubscribe(self._on_data_changed)
        self._set_state(TrainerState.STOPPED, "")

    def wait_until_settled(self, timeout: float | None = None) -> bool:
        """Block until the trainer is neither loading nor training nor owing a step."""
        busy = (TrainerState.IDLE, TrainerState.LOADING, TrainerState.COMPILING,
                TrainerState.TRAINING)
        with self._cond:
            return self._cond.wait_for(
                lambda: self._stop or (
                    self._state not in busy and not self._running and not self._steps
                    and not self._reset
                ) or self._state in (TrainerState.ERROR, TrainerState.WAITING),
                timeout,
            )

    # --- the thread ---------------------------------------------------------------------
    def _on_data_changed(self, version: int) -> None:
        with self._cond:
            self._data_changed = True
            self._cond.notify_all()

    def _next_target(self, epoch: int, keep_running: bool = False) -> int | None:
        limit = self._config.epochs
        if limit == 0:
            return None
        if epoch < limit:
            return limit
        return epoch if keep_running else epoch + limit

    def _set_state(self, state: TrainerState, message: str) -> None:
        with self._cond:
            changed = (state, message) != (self._state, self._message)
            self._state, self._message = state, message
            self._cond.notify_all()
        if changed:
            self._on_state(state, message)

    def _main(self) -> None:
        try:
            self._loop()
        except Exception as error:  # a bug, not a user error: say so loudly, keep the app alive
            self.error = f"{type(error).__name__}: {error}"
            traceback.print_exc(file=sys.stderr)
            self._running = False
            self._set_state(TrainerState.ERROR, self.error)

    def _loop(self) -> None:
        with routine_native_logs_hidden():
            # TensorFlow loads here, off the GUI thread, and XLA starts its service.
            from core.engine import Engine, EngineData, start_xla
            from core.model import build_model

            start_xla()

        session = _Session(Engine, EngineData, build_model)
        chunk = 1
        seconds_per_epoch: float | None = None
        measured_batch_size = self._config.batch_size
        while True:
            with self._cond:
                idle = not (self._running or self._steps)
            if idle and self._state == TrainerState.TRAINING:
                self._set_state(TrainerState.PAUSED, "")
            with self._cond:
                self._cond.wait_for(
                    lambda: self._stop or self._running or self._steps or self._reset
                    or self._data_changed or session.engine is None
                )
                if self._stop:
                    return
                config = self._config
                reset, self._reset = self._reset, False
                data_changed, self._data_changed = self._data_changed, False
                target = self._target_epoch
            if session.engine is None or reset:
                self._set_state(TrainerState.LOADING, "")
                if session.build(config, self._dataset.snapshot()):
                    gc.unfreeze()  # frozen objects are never collected: thaw, collect
                    gc.collect()
                # TensorFlow leaves millions of long-lived objects; a full garbage collection
                # walking them all pauses every thread (the GUI's too) for ~100 ms. Moving
                # them out of the collector's view keeps collections short.
                gc.freeze()
                self.epoch = 0
                with self._cond:  # a limit counts from the new model's epoch 0
                    if self._running:
                        self._target_epoch = self._next_target(0)
                    target = self._target_epoch
                self._report_current(session)  # the new line is drawn before compiling
                self._compile_if_needed(session, config)
                data_changed = False
            session.apply_live(config)
            if config.batch_size != measured_batch_size:
                chunk, seconds_per_epoch = 1, None  # epochs cost differently: measure again
                measured_batch_size = config.batch_size
            if data_changed:
                before = session.data.n_train if session.data is not None else 0
                session.refresh(config, self._dataset.snapshot())
                self._report_current(session)
                # An epoch costs about in proportion to the points: rescale the estimate, or
                # a chunk sized for 4 points could run for seconds on 100,000 before a pause
                # is seen (and one point more should not make the next chunk tiny).
                if seconds_per_epoch is not None and before:
                    seconds_per_epoch *= max(session.data.n_train, 1) / before
                    chunk = int(np.clip(self._frame_seconds / seconds_per_epoch, 1,
                                        MAX_CHUNK_EPOCHS))
            with self._cond:
                wants = self._running or self._steps
            if not wants:
                self._set_state(TrainerState.PAUSED, "")
                continue
            if session.data is None or session.data.n_train == 0:
                self._set_state(TrainerState.WAITING, "add points to train")
                with self._cond:
                    self._cond.wait_for(lambda: self._stop or self._data_changed or self._reset
                                        or not (self._running or self._steps))
                    self._steps = 0 if not self._running else self._steps
                continue
            with self._cond:
                stepping = not self._running
                if stepping:
                    self._steps -= 1
            epochs = 1 if stepping else chunk
            if not stepping and target is not None:
                epochs = max(0, min(epochs, target - self.epoch))
                if epochs == 0:
                    with self._cond:
                        self._running = False
                    self._set_state(TrainerState.PAUSED, "epoch limit reached")
                    continue
            # New points may have outgrown the capacity: compile now, so the timing of the
            # chunk below (which sizes the next one) is training alone.
            self._compile_if_needed(session, config)
            self._set_state(TrainerState.TRAINING, "")
            began = time.perf_counter()
            result = session.engine.run(
                session.data, epochs, config.batch_size, start_epoch=self.epoch, seed=config.seed
            )
            elapsed = time.perf_counter() - began
            self._report_chunk(session, result)
            if len(result):
                rate = elapsed / len(result)
                seconds_per_epoch = rate if seconds_per_epoch is None else (
                    0.7 * seconds_per_epoch + 0.3 * rate)
                chunk = int(np.clip(self._frame_seconds / seconds_per_epoch, 1, MAX_CHUNK_EPOCHS))
            if result.diverged:
                with self._cond:
                    self._running = False
                    self._steps = 0
                self._report_current(session, diverged=True)
                self._set_state(
                    TrainerState.DIVERGED,
                    f"loss became NaN or infinite in epoch {self.epoch + 1}; kept the weights of "
                    f"epoch {self.epoch} (try a smaller learning rate or normalized inputs)",
                )
            elif not stepping and target is not None and self.epoch >= target:
                with self._cond:
                    self._running = False
                self._set_state(TrainerState.PAUSED, "epoch limit reached")

    def _compile_if_needed(self, session: _Session, config: TrainConfig) -> None:
        """Compile ahead of training, saying so: the window shows why the line waits."""
        if session.engine.needs_compiling(session.data, config.batch_size):
            self._set_state(TrainerState.COMPILING, "")
            with routine_native_logs_hidden():  # the first compilation logs MLIR's set-up
                session.engine.warm_up(session.data, config.batch_size)
            gc.freeze()  # tracing left ~100k long-lived objects; keep full collections short

    def _report_chunk(self, session: _Session, result) -> None:
        if not len(result):
            return
        n_test = session.data.n_test
        no_test = np.full(len(result), np.nan)
        epochs = np.arange(self.epoch + 1, self.epoch + 1 + len(result))
        self.epoch = int(epochs[-1])
        self._emit(EpochBatch(
            epoch=epochs, loss=result.loss, accuracy=result.accuracy,
            eval_loss=result.eval_loss, eval_accuracy=result.eval_accuracy,
            test_loss=result.test_loss if n_test else no_test,
            test_accuracy=result.test_accuracy if n_test else no_test,
            w=result.kernel, b=result.bias, line=result.line, train_line=result.train_line,
            n_train=session.data.n_train, n_test=n_test,
        ))

    def _report_current(self, session: _Session, diverged: bool = False) -> None:
        """Re-report the current epoch for the model as it is now (no training). The training-
        mode figures of that epoch, when it was trained, are kept: they describe the epoch."""
        stats = session.current_stats(self.epoch, diverged)
        last = self._last_stats
        if last is not None and last.epoch == self.epoch and self.epoch > 0:
            stats = replace(stats, loss=last.loss, accuracy=last.accuracy,
                            train_line=last.train_line)
        self._emit(EpochBatch.of(stats))

    def _emit(self, batch: EpochBatch) -> None:
        self._last_stats = batch.last()
        self._on_epochs(batch)


class _Session:
    """The trainer thread's TensorFlow-side state: model, engine and the tensors of the data."""

    def __init__(self, engine_class, data_class, build_model) -> None:
        self._engine_class = engine_class
        self._data_class = data_class
        self._build_model = build_model
        self.engine = None
        self.data = None
        # Compiled loops by model structure, most recent last. Compiling takes a second or
        # two and its native memory (~15 MB) is never returned, so toggling a setting back
        # reuses the loop it had: the new model's weights are copied into that model.
        self._engines: OrderedDict[tuple, object] = OrderedDict()
        self._builds = 0
        self._learning_rate: float | None = None

    def build(self, config: TrainConfig, snapshot) -> bool:
        """A new model (new initial weights) for these settings; True when an old compiled
        loop was dropped to make room (its Python objects are garbage now)."""
        init_seed = int(np.random.SeedSequence([config.seed, self._builds]).generate_state(1)[0]
                        % (2**31 - 1)) if self._builds else config.seed
        self._builds += 1
        neuron = self._build_model(config, init_seed=init_seed)
        structure = config.model_structure()
        dropped = False
        if structure in self._engines:
            self._engines.move_to_end(structure)
            self._engines[structure].neuron.take_state_of(neuron)
        else:
            self._engines[structure] = self._engine_class(neuron)
            if len(self._engines) > MAX_COMPILED_MODELS:
                self._engines.popitem(last=False)
                dropped = True
        self.engine = self._engines[structure]
        self._learning_rate = config.learning_rate
        self.refresh(config, snapshot)
        return dropped

    def apply_live(self, config: TrainConfig) -> None:
        if config.learning_rate != self._learning_rate:
            self.engine.set_learning_rate(config.learning_rate)
            self._learning_rate = config.learning_rate

    def refresh(self, config: TrainConfig, snapshot) -> None:
        """Take new points and the split (re-adapting Normalization to the training points)."""
        held_out = test_mask(snapshot.ids, config.seed, config.test_split)
        train = ~held_out
        x, y = snapshot.xy[train], snapshot.labels[train]
        self.engine.neuron.adapt(x)
        self.data = self._data_class.from_arrays(
            x, y, snapshot.xy[held_out], snapshot.labels[held_out]
        )

    def current_stats(self, epoch: int, diverged: bool) -> EpochStats:
        neuron = self.engine.neuron
        line = neuron.line()
        kernel = neuron.dense.kernel.numpy().reshape(2)
        bias = float(neuron.dense.bias.numpy().reshape(()))
        figures = self.engine.evaluate(self.data)
        return EpochStats(
            epoch=epoch, loss=None, accuracy=None,
            eval_loss=figures[0], eval_accuracy=figures[1],
            test_loss=figures[2], test_accuracy=figures[3],
            w=(float(kernel[0]), float(kernel[1])), b=bias, line=_line(line),
            n_train=self.data.n_train, n_test=self.data.n_test, diverged=diverged,
        )


def _line(values: np.ndarray) -> tuple[float, float, float]:
    return (float(values[0]), float(values[1]), float(values[2]))
