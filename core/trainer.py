"""Training on a background thread, steered by plain method calls from any thread.

The thread owns every TensorFlow object (imported lazily, on the thread). Callers only leave
*orders* (train, pause, step, new model, new settings) under a lock; new points are noticed
through the data set. The thread takes all pending orders as one snapshot, acts on them in a
fixed order — a new model first, then new points, then settings, then how far to train — and
runs one chunk of epochs, sized to about a screen frame so that pausing and editing take
effect at once. At a pace (``set_pace``, epochs per second) it sleeps on its condition until
the next epochs are due, so a person can follow them and a slow pace costs no CPU. Results
leave the thread only through the callbacks, never under the lock.

States (``TrainerState``), all set through ``_publish``, from the thread except STOPPED::

    IDLE --prepare--> LOADING --TensorFlow loaded--> BUILDING --> [COMPILING] --> PAUSED
    PAUSED, DIVERGED --start/step--> TRAINING --chunk--> TRAINING ... --pause/step done--> PAUSED
    TRAINING --epoch limit--> PAUSED ("epoch limit reached")
    TRAINING --loss NaN/inf--> DIVERGED (weights of the last finite epoch kept)
    PAUSED --start/step, no training points--> WAITING --points added--> TRAINING
    WAITING --pause--> PAUSED
    any --new model (reset, restart, structural setting)--> BUILDING --> [COMPILING] --> ...
    any --a bug--> ERROR;  any --stop()--> STOPPED

Why the run request carries a number: an epoch limit belongs to the model it was asked for.
``start()`` bumps ``_run_request``; the thread resolves the limit only after it has built any
model ordered with it, and it ends a run (limit reached, diverged) only if no newer request
came meanwhile. A run can therefore never be ended by the previous model's epoch count.
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, replace
from enum import Enum

import numpy as np

from core.config import TrainConfig
from core.dataset import Dataset
from core.i18n import _
from core.native_logs import routine_native_logs_hidden
from core.pacing import MANY_POINTS, ChunkSizer, PaceClock, RunLimit
from core.record import EpochBatch, history_columns
from core.session import ModelState
from core.training_session import TrainingSession

FRAME_SECONDS = 0.016
# Paused, with MANY_POINTS or more, new points are read once the edits have paused this long.
EDITS_SETTLE_SECONDS = 0.15


class TrainerState(str, Enum):
    IDLE = "idle"  # thread not started
    LOADING = "loading"  # importing TensorFlow (once)
    BUILDING = "building"  # building a new model
    COMPILING = "compiling"  # XLA compiling the training loop for a new model or capacity
    PAUSED = "paused"
    TRAINING = "training"
    WAITING = "waiting"  # asked to train, but there are no training points
    DIVERGED = "diverged"  # paused because the loss became NaN or infinite
    ERROR = "error"
    STOPPED = "stopped"


BUSY_STATES = (TrainerState.IDLE, TrainerState.LOADING, TrainerState.BUILDING,
               TrainerState.COMPILING, TrainerState.TRAINING)


@dataclass(frozen=True)
class _Orders:
    """Everything the callers asked for since the thread last looked, taken in one go."""

    config: TrainConfig
    new_model: bool
    data_changed: bool
    run_request: int  # bumped by every start(); 0 = never started
    running: bool
    step: bool  # train exactly one epoch (only when not running)
    pace: float | None  # epochs per second of wall time; None: as fast as it goes
    resume: tuple[ModelState | None, np.ndarray | None] | None  # a saved session to go on from


class Trainer:
    """Owns the training thread. ``stop()`` joins it; it is safe to call more than once.

    ``on_epochs`` receives every epoch in order, in batches. A report whose epoch number was
    already reported replaces it: the model was re-evaluated (points changed while paused, or a
    new model). ``on_state`` receives (state, message) on every change of state.
    ``on_long_lived_objects()`` runs on the thread when many objects that live as long as the
    process were just made: once TensorFlow is imported (before any model exists) and after
    each compilation (compiled models are never dropped, see ``TrainingSession``). The window
    uses it to take long-lived objects out of the garbage collector's view; core leaves the
    process-wide collector alone.
    """

    def __init__(
        self,
        dataset: Dataset,
        config: TrainConfig,
        on_epochs: Callable[[EpochBatch], None],
        on_state: Callable[[TrainerState, str], None] | None = None,
        frame_seconds: float = FRAME_SECONDS,
        on_long_lived_objects: Callable[[], None] | None = None,
    ) -> None:
        self._dataset = dataset
        self._on_epochs = on_epochs
        self._on_state = on_state or (lambda state, message: None)
        self._on_long_lived_objects = on_long_lived_objects or (lambda: None)
        self._sizer = ChunkSizer(frame_seconds)
        self._clock = PaceClock(frame_seconds)  # the training thread's only
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._state = TrainerState.IDLE
        self._message = ""
        # Orders, guarded by _cond; the thread takes them all at once in _take_orders.
        self._config = config
        self._new_model = True  # built from the config's seed, like every model
        self._data_changed = True
        self._last_edit: float | None = None  # when many points were last edited
        self._run_request = 0
        self._running = False
        self._steps = 0
        self._pace: float | None = None
        self._resume: tuple[ModelState | None, np.ndarray | None] | None = None
        self._resumed = False  # a session was taken to resume (has_untrained_start)
        self._questions: list[tuple[Callable[[object], object], Future]] = []
        self._stop = False
        # Written by the training thread only; read by others for display.
        self.epoch = 0
        self.error: str | None = None
        self.resume_problem: str | None = None  # why a session's model could not be used
        self.compiled_loops = 0  # compiled training loops kept (for memory reports)
        self._last: EpochBatch | None = None  # the latest report (training thread only)
        self._models_built = 0  # (training thread only)
        self._paced_run = (0, 0)  # the run request and model the pace clock counts for
        dataset.subscribe(self._on_data_changed)

    # --- orders (any thread) --------------------------------------------------------------
    @property
    def state(self) -> TrainerState:
        return self._state

    @property
    def config(self) -> TrainConfig:
        return self._config

    @property
    def running(self) -> bool:
        return self._running

    def prepare(self) -> None:
        """Start the thread (import TensorFlow, build the model) without training."""
        with self._cond:
            if self._thread is not None or self._stop:
                return
            self._thread = threading.Thread(target=self._main, name="trainer", daemon=True)
            self._thread.start()

    def start(self) -> None:
        """Train until paused, or until the epoch limit is reached."""
        self.prepare()
        with self._cond:
            self._running = True
            self._steps = 0
            self._run_request += 1
            self._cond.notify_all()

    def pause(self) -> None:
        with self._cond:
            self._running = False
            self._steps = 0
            self._cond.notify_all()

    def toggle(self) -> None:
        with self._cond:
            running = self._running
        self.pause() if running else self.start()

    def step(self) -> None:
        """Train exactly one epoch (when paused)."""
        self.prepare()
        with self._cond:
            if not self._running:
                self._steps += 1
                self._cond.notify_all()

    def reset(self) -> None:
        """Back to epoch 0: the seed's initial weights and a fresh optimizer state (the same
        start every time; a new seed gives another)."""
        self.prepare()
        with self._cond:
            self._new_model = True
            self._resume = None
            self._cond.notify_all()

    def restart(self, config: TrainConfig) -> None:
        """Apply ``config``, build its model from its seed (the same start as a headless run
        with these settings) and train from epoch 0: one order, so nothing can come between."""
        self.prepare()
        with self._cond:
            self._config = config
            self._new_model = True
            self._resume = None
            self._data_changed = True
            self._running = True
            self._steps = 0
            self._run_request += 1
            self._cond.notify_all()

    def set_config(self, config: TrainConfig) -> bool:
        """Apply new settings; returns True when they need a new model (built from the seed)."""
        with self._cond:
            rebuild = self._config.needs_rebuild(config)
            if config.test_split != self._config.test_split:
                self._data_changed = True  # other points are held out now
            self._config = config
            if rebuild:
                self._new_model = True
                self._resume = None  # the saved weights belong to the old settings
            self._cond.notify_all()
        return rebuild

    def resume(self, config: TrainConfig, model: ModelState | None,
               history: np.ndarray | None = None) -> None:
        """Go on from a saved session (``core.session``), paused: the config's model with the
        saved weights and optimizer state at the saved epoch, so the next epochs are the ones
        the saved run would have trained. ``history`` (rows laid out as
        ``core.history.COLUMNS``) is reported first, as the epochs so far. A saved model that
        does not fit the config is not used: the run starts from epoch 0 and the state message
        says why. ``model`` None: the seed's model at epoch 0."""
        self.prepare()
        with self._cond:
            self._config = config
            self._new_model = True
            self._data_changed = True
            self._running = False
            self._steps = 0
            self._resume = (model, history)
            self._cond.notify_all()

    def capture(self) -> Future:
        """The model as it is, as a future ``ModelState`` (weights, optimizer state and the
        epoch they belong to), taken on the training thread between chunks: a session saved
        while training holds one consistent epoch."""
        return self.ask(lambda neuron: ModelState(self.epoch, *neuron.state()))

    def has_untrained_start(self) -> bool:
        """True while the thread has built no model yet and no session waits to be resumed:
        the model will be the config's seed model at epoch 0, so saving needs not wait for it."""
        with self._cond:
            return (self._state in (TrainerState.IDLE, TrainerState.LOADING)
                    and self._resume is None and not self._resumed)

    def set_pace(self, epochs_per_second: float | None) -> None:
        """Train at most this many epochs per second of wall time (None: as fast as it goes).
        Between paced epochs the thread sleeps on its condition: a slow pace costs no CPU, and
        an order (pause, a new point) still takes effect at once."""
        if epochs_per_second is not None and not epochs_per_second > 0:
            raise ValueError(f"a pace must be above 0 epochs per second, not {epochs_per_second}")
        with self._cond:
            self._pace = epochs_per_second
            self._cond.notify_all()

    @property
    def pace(self) -> float | None:
        return self._pace

    def ask(self, question: Callable[[object], object]) -> Future:
        """Run ``question(neuron)`` on the training thread with the live model (a
        ``core.model.NeuronModel``), between chunks, and return its answer as a future.

        TensorFlow objects never leave the thread, so this is how anyone else reads the real
        model: the Predict panel's ``model.predict``, the weights the learning-rate finder
        copies. The question must return plain values (NumPy arrays, numbers) and take
        milliseconds: training waits for it. It runs once a model exists; when the trainer
        stops first, the future is cancelled; an exception in it is the future's exception.
        """
        future: Future = Future()
        self.prepare()
        with self._cond:
            if self._stop or self._state is TrainerState.ERROR:
                future.cancel()
                return future
            self._questions.append((question, future))
            self._cond.notify_all()
        return future

    def stop(self, timeout: float = 10.0) -> None:
        """End the thread and wait for it (the current chunk is at most about one frame)."""
        with self._cond:
            self._stop = True
            self._running = False
            self._cond.notify_all()
            thread = self._thread
            questions, self._questions = self._questions, []
        for _question, future in questions:
            future.cancel()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        self._dataset.unsubscribe(self._on_data_changed)
        self._publish(TrainerState.STOPPED)

    def wait_until_settled(self, timeout: float | None = None) -> bool:
        """Block until the trainer has nothing left to do (or waits for points, or failed)."""
        with self._cond:
            return self._cond.wait_for(
                lambda: self._stop or self._state in (TrainerState.ERROR, TrainerState.WAITING)
                or (self._state not in BUSY_STATES and not self._has_work()),
                timeout,
            )

    # --- the thread -----------------------------------------------------------------------
    def _on_data_changed(self) -> None:
        many = len(self._dataset) > MANY_POINTS  # (a listener runs under the data lock)
        with self._cond:
            self._data_changed = True
            self._last_edit = time.monotonic() if many else None
            self._cond.notify_all()

    def _wait_for_edits_to_pause(self) -> None:
        """(With ``_cond`` held.) When the only order is to read many new points while
        paused, wait until the edits pause: a drag is read once, not at every step."""
        while (self._last_edit is not None and self._data_changed
               and not (self._stop or self._new_model or self._questions or self._running
                        or self._steps)):
            left = self._last_edit + EDITS_SETTLE_SECONDS - time.monotonic()
            if left <= 0:
                return
            self._cond.wait(left)

    def _has_work(self) -> bool:
        """Whether orders are pending (call with _cond held)."""
        return bool(self._running or self._steps or self._new_model or self._data_changed)

    def _take_orders(self, waiting_for_points: bool) -> _Orders | None:
        """Wait until there is something to do, then take every pending order at once.
        None means stop. While waiting for points, only new points, a new model or a pause
        wake it."""

        def ready() -> bool:
            if self._stop or self._new_model or self._data_changed or self._questions:
                return True
            if waiting_for_points:
                return not self._running
            return bool(self._running or self._steps)

        with self._cond:
            idle = not ready()
        if idle and self._state is TrainerState.TRAINING:
            self._publish(TrainerState.PAUSED)  # paused, or the step is done: say so first
        with self._cond:
            self._cond.wait_for(ready)
            self._wait_for_edits_to_pause()
            if self._stop:
                return None
            step = not self._running and self._steps > 0
            if step:
                self._steps -= 1
            orders = _Orders(self._config, self._new_model, self._data_changed,
                             self._run_request, self._running, step, self._pace,
                             self._resume if self._new_model else None)
            self._new_model, self._data_changed = False, False
            self._resumed = self._resumed or orders.resume is not None
            self._resume = None
            return orders

    def _end_run(self, run_request: int, drop_steps: bool = False) -> bool:
        """Stop running (and forget steps asked for), unless a newer start() came in
        meanwhile; True when stopped."""
        with self._cond:
            if self._run_request != run_request:
                return False
            self._running = False
            if drop_steps:
                self._steps = 0
            return True

    def _publish(self, state: TrainerState, message: str = "") -> None:
        """The one place the state changes; listeners hear it outside the lock."""
        with self._cond:
            changed = (state, message) != (self._state, self._message)
            self._state, self._message = state, message
            self._cond.notify_all()
        if changed:
            self._on_state(state, message)

    def _main(self) -> None:
        try:
            self._publish(TrainerState.LOADING)
            self._loop()
        except Exception as error:  # a bug, not a user error: say so loudly, keep the app alive
            self.error = f"{type(error).__name__}: {error}"
            traceback.print_exc(file=sys.stderr)
            with self._cond:
                self._running = False
                self._steps = 0
                questions, self._questions = self._questions, []
            for _question, future in questions:
                future.cancel()
            self._publish(TrainerState.ERROR, self.error)

    def _loop(self) -> None:
        with routine_native_logs_hidden():
            # TensorFlow loads here, off the GUI thread, and XLA starts its service.
            from core.engine import Engine, EngineData, start_xla
            from core.model import build_model

            start_xla()
        self._on_long_lived_objects()
        session = TrainingSession(Engine, EngineData, build_model)
        run = RunLimit()
        waiting_for_points = False
        while (orders := self._take_orders(waiting_for_points)) is not None:
            config = orders.config
            waiting_for_points = False
            self._apply(orders, session, run)
            self._answer_questions(session)
            if not (orders.running or orders.step):
                if session.engine is not None:
                    session.engine.discard_unfinished()  # paused: the model as reported
                self._publish(TrainerState.PAUSED)
                continue
            if session.n_train == 0:
                waiting_for_points = True
                with self._cond:
                    self._steps = 0  # a step with no points to train on does nothing
                self._publish(TrainerState.WAITING, _("add points to train"))
                continue
            epochs = 1 if orders.step else self._sizer.epochs()
            if orders.running and run.target is not None:
                epochs = min(epochs, run.target - self.epoch)
            if epochs <= 0:
                if self._end_run(orders.run_request):
                    self._publish(TrainerState.PAUSED, _("epoch limit reached"))
                continue
            if orders.running:
                epochs = self._paced(orders, epochs)
                if not epochs:
                    continue
            self._train(session, config, orders, epochs)

    def _apply(self, orders: _Orders, session: TrainingSession, run: RunLimit) -> None:
        """Act on the orders in a fixed order: a new model (epoch 0), else new points, then
        the live settings, then the epoch at which this run stops."""
        config = orders.config
        points_before = session.n_train
        if orders.new_model:
            self._models_built += 1
            self._publish(TrainerState.BUILDING)
            session.build(config, self._dataset.snapshot())
            self.compiled_loops = session.compiled_count
            self.epoch = 0
            run.forget()  # a limit counts from the new model's epoch 0
            if orders.resume is not None:
                self._resume_session(session, *orders.resume)
            else:
                self._emit(session.snapshot(0))  # the new line is drawn before compiling
            self._compile_if_needed(session, config)
        elif orders.data_changed:
            session.refresh(config, self._dataset.snapshot())
            self._emit(session.snapshot(self.epoch), keep_fit_figures=True)
        self._sizer.rescale(points_before, session.n_train)
        if session.apply_live(config):
            self._sizer.forget()
        if orders.running:
            run.update(orders.run_request, config.epochs, self.epoch)

    def _resume_session(self, session: TrainingSession, model: ModelState | None,
                        history: np.ndarray | None) -> None:
        """Set a saved session's weights, optimizer state and epoch on the model just built,
        and report its history; a saved model that does not fit starts from epoch 0."""
        if model is not None:
            try:
                session.engine.neuron.load_state(model.variables, model.optimizer)
            except ValueError as error:
                self.resume_problem = _("the session's model does not fit its settings "
                                        "({reason})").format(reason=error)
                self._emit(session.snapshot(0))
                self._publish(TrainerState.BUILDING,
                              _("{problem}; training starts again from epoch 0").format(
                                  problem=self.resume_problem))
                return
            self.epoch = model.epoch
        # The model as it really is (its line, its figures on these points), with the saved
        # epoch's training-mode figures from the history, after the epochs before it: one
        # report from epoch 0, so it replaces whatever was reported before and reads as the
        # run's latest epoch, not as a re-evaluation on changed points.
        n_train, n_test = session.n_train, session.data.n_test
        rows = np.zeros((0, len(history_columns())))
        if history is not None:
            rows = history[history[:, 0] <= self.epoch]
        self._last = EpochBatch.from_rows(rows[-1:], n_train, n_test) if len(rows) else None
        now = self._with_fit_figures(session.snapshot(self.epoch))
        rows = np.vstack([rows[rows[:, 0] < self.epoch], now.rows()])
        self._emit(EpochBatch.from_rows(rows, n_train, n_test))

    def _answer_questions(self, session: TrainingSession) -> None:
        """Answer what was asked of the model (``ask``), now that the orders are applied."""
        with self._cond:
            questions, self._questions = self._questions, []
        if questions and session.engine is not None:
            session.engine.discard_unfinished()  # answers speak of the epoch reported
        for question, future in questions:
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(question(session.engine.neuron))
            except Exception as error:  # the asker's problem: it gets the exception
                future.set_exception(error)

    def _paced(self, orders: _Orders, wanted: int) -> int:
        """How many of ``wanted`` epochs the pace allows now; 0 after sleeping until more are
        due (or an order came). A new run, model or pace counts from its first epoch."""
        self._clock.set_pace(orders.pace)
        run = (orders.run_request, self._models_built)
        if run != self._paced_run:
            self._paced_run = run
            self._clock.restart()
        now = time.perf_counter()
        due = self._clock.due(now, wanted)
        if due:
            return due
        self._publish(TrainerState.TRAINING)
        with self._cond:
            self._cond.wait_for(
                lambda: self._stop or self._new_model or self._data_changed or not self._running
                or self._run_request != orders.run_request or self._pace != orders.pace
                or bool(self._questions),
                self._clock.seconds_until_due(now, wanted))
        return 0

    def _train(self, session: TrainingSession, config: TrainConfig, orders: _Orders,
               epochs: int) -> None:
        """One chunk of epochs, reported; ends the run on divergence. (The epoch limit ends
        it in ``_loop``, when the next chunk would have no epochs left.)"""
        # New points may have outgrown the capacity: compile now, so the timing of the chunk
        # below (which sizes the next one) is training alone.
        self._compile_if_needed(session, config)
        self._publish(TrainerState.TRAINING)
        n = session.n_train
        steps_per_epoch = -(-n // min(config.batch_size, n))
        max_steps = None if orders.step else self._sizer.steps(steps_per_epoch)
        began = time.perf_counter()
        batch = session.engine.run(session.data, epochs, config.batch_size,
                                   start_epoch=self.epoch, seed=config.seed, max_steps=max_steps)
        self._sizer.observe(session.engine.last_steps / steps_per_epoch,
                            time.perf_counter() - began)
        self._clock.ran(len(batch))
        if len(batch):
            self.epoch = int(batch.epoch[-1])
            self._emit(batch)
        if batch.diverged:
            self._emit(session.snapshot(self.epoch, diverged=True), keep_fit_figures=True)
            if self._end_run(orders.run_request, drop_steps=True):  # else a newer run goes on
                self._publish(
                    TrainerState.DIVERGED,
                    _("loss became NaN or infinite in epoch {epoch}; kept the weights of epoch "
                      "{kept} (try a smaller learning rate or normalized inputs)").format(
                          epoch=self.epoch + 1, kept=self.epoch),
                )

    def _compile_if_needed(self, session: TrainingSession, config: TrainConfig,
                           ) -> None:
        """Compile ahead of training, saying so: the window shows why the line waits."""
        if session.engine.needs_compiling(session.data, config.batch_size):
            self._publish(TrainerState.COMPILING)
            with routine_native_logs_hidden():  # the first compilation logs MLIR's set-up
                session.engine.warm_up(session.data, config.batch_size)
            self._on_long_lived_objects()  # tracing left ~100k objects behind

    def _emit(self, batch: EpochBatch, keep_fit_figures: bool = False) -> None:
        """Report epochs. A re-evaluation of a trained epoch keeps that epoch's training-mode
        figures: they describe how the epoch went, which new points do not change."""
        if keep_fit_figures:
            batch = self._with_fit_figures(batch)
        self._last = batch
        self._on_epochs(batch)

    def _with_fit_figures(self, batch: EpochBatch) -> EpochBatch:
        """``batch`` (a re-evaluation) with the training-mode figures its epoch had when it
        was last reported, if it was."""
        last = self._last
        if last is None or not len(last) or not last.epoch[-1] == batch.epoch[-1] > 0:
            return batch
        kept = {name: last.columns[name][-1:] if last.columns[name] is not None else None
                for name in ("loss", "accuracy", "train_line")}
        return replace(batch, columns={**batch.columns, **kept})
