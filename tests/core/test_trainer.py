import threading

import numpy as np
import pytest

from core.config import TrainConfig
from core.dataset import Dataset
from core.pacing import MAX_CHUNK_EPOCHS
from core.presets import make_preset
from core.trainer import Trainer, TrainerState


class Recorder:
    """Keeps the trainer's reports as they come (batches of epochs, and states)."""

    def __init__(self):
        self.batches = []
        self.states = []
        self.lock = threading.Lock()

    def on_epochs(self, batch):
        with self.lock:
            self.batches.append(batch)

    def on_state(self, state, message):
        self.states.append((state, message))

    @property
    def stats(self):
        """Every report as an EpochStats (only for short runs: one object per epoch)."""
        with self.lock:
            batches = list(self.batches)
        return [stats for batch in batches for stats in batch]

    @property
    def last(self):
        with self.lock:
            return self.batches[-1].last()

    def epochs(self):
        with self.lock:
            return [int(e) for batch in self.batches for e in batch.epoch]


@pytest.fixture
def make_trainer():
    trainers = []

    def make(dataset, **config):
        recorder = Recorder()
        trainer = Trainer(dataset, TrainConfig(**config), recorder.on_epochs, recorder.on_state)
        trainers.append(trainer)
        return trainer, recorder

    yield make
    for trainer in trainers:
        trainer.stop()
    assert [t.name for t in threading.enumerate() if t.name == "trainer"] == []


def test_epoch_limit_and_reports(make_trainer):
    trainer, rec = make_trainer(Dataset(*make_preset("noisy-corners")), epochs=7)
    trainer.start()
    assert trainer.wait_until_settled(60)
    assert rec.epochs() == list(range(0, 8))
    assert trainer.state is TrainerState.PAUSED
    first, last = rec.stats[0], rec.last
    assert first.loss is None and first.eval_accuracy is not None  # epoch 0: untrained
    assert last.loss is not None and last.n_train == 1000


def test_step_is_exactly_one_epoch_and_stop_joins(make_trainer):
    trainer, rec = make_trainer(Dataset(*make_preset("seed-4")))
    trainer.prepare()
    trainer.wait_until_settled(60)
    for expected in (1, 2, 3):
        trainer.step()
        assert trainer.wait_until_settled(10)
        assert trainer.epoch == expected
    assert rec.epochs() == [0, 1, 2, 3]
    trainer.stop()
    assert not any(t.name == "trainer" for t in threading.enumerate())


def test_points_added_while_training_are_used_next_epoch(make_trainer):
    ds = Dataset(*make_preset("seed-4"))
    trainer, rec = make_trainer(ds)
    trainer.start()
    assert _wait(lambda: trainer.epoch > 5)
    ds.add(0.5, 2.0, 1)
    mark = trainer.epoch
    assert _wait(lambda: trainer.epoch > mark + 3)
    trainer.pause()
    trainer.wait_until_settled(10)
    # Epochs run in chunks of about one frame; the chunk already running when the point was
    # added finishes on the old data, every chunk after it trains on the new point.
    later = [(b.n_train, len(b)) for b in rec.batches if b.epoch[-1] > mark]
    switch = [n for n, _ in later].index(5)
    assert {n for n, _ in later[switch:]} == {5}
    assert sum(count for _, count in later[:switch]) <= MAX_CHUNK_EPOCHS
    assert rec.epochs() == sorted(rec.epochs())  # never restarted: epochs keep counting


def test_points_added_while_paused_are_evaluated_without_training(make_trainer):
    ds = Dataset(*make_preset("seed-4"))
    trainer, rec = make_trainer(ds)
    trainer.prepare()
    trainer.wait_until_settled(60)
    ds.add(0.0, 5.0, 0)
    assert _wait(lambda: rec.last.n_train == 5)
    assert rec.last.epoch == 0


def test_reset_goes_back_to_the_seeds_start(make_trainer):
    """Reset with the same seed gives the same start (issue 9: runs that repeat); another seed
    gives another."""
    trainer, rec = make_trainer(Dataset(*make_preset("seed-4")), epochs=3)
    trainer.start()
    trainer.wait_until_settled(60)
    initial = rec.stats[0].w
    assert TrainerState.COMPILING in [state for state, _ in rec.states]  # the first model
    assert rec.last.w != initial  # it trained
    before_reset = len(rec.states)
    trainer.reset()
    assert _wait(lambda: rec.last.epoch == 0 and len(rec.stats) > 4)
    assert rec.last.w == initial
    # Same layers, so the compiled loop is kept: Reset answers at once, with no compiling.
    assert trainer.wait_until_settled(60)
    after_reset = [state for state, _ in rec.states[before_reset:]]
    assert TrainerState.BUILDING in after_reset and TrainerState.COMPILING not in after_reset
    trainer.set_config(trainer.config.with_changes(seed=1))
    assert trainer.wait_until_settled(60) and rec.last.epoch == 0 and rec.last.w != initial


def test_learning_rate_change_applies_without_reset(make_trainer):
    trainer, rec = make_trainer(Dataset(*make_preset("seed-4")), learning_rate=1e-6)
    trainer.prepare()
    trainer.wait_until_settled(60)
    trainer.step()
    trainer.wait_until_settled(10)
    slow = abs(rec.last.w[1] - rec.stats[-2].w[1])
    assert not trainer.set_config(trainer.config.with_changes(learning_rate=1.0))
    trainer.step()
    trainer.wait_until_settled(10)
    fast = abs(rec.last.w[1] - rec.stats[-2].w[1])
    assert rec.last.epoch == 2 and fast > 1000 * slow


def test_divergence_pauses_and_keeps_finite_weights(make_trainer):
    # Huge unscaled coordinates and contradictory labels: the first step overflows float32.
    xy = np.array([[1e30, 1e30], [1e30, 1e30], [-1e30, 2e30]])
    trainer, rec = make_trainer(Dataset(xy, np.array([1, 0, 1])), learning_rate=100.0)
    trainer.start()
    assert trainer.wait_until_settled(60)
    assert trainer.state is TrainerState.DIVERGED
    assert "NaN or infinite in epoch 2" in rec.states[-1][1]
    last = rec.last
    assert last.diverged and np.all(np.isfinite(last.w)) and np.isfinite(last.b)


def test_no_points_waits_instead_of_failing(make_trainer):
    ds = Dataset()
    trainer, rec = make_trainer(ds, epochs=2)
    trainer.start()
    assert _wait(lambda: trainer.state is TrainerState.WAITING)
    ds.add(0, 1, 1)
    ds.add(0, 0, 0)
    assert _wait(lambda: trainer.epoch == 2)


def test_one_class_trains_as_keras_would(make_trainer):
    xy = np.array([[0.0, 0.0], [1.0, 1.0]])
    trainer, rec = make_trainer(Dataset(xy, np.array([1, 1])), epochs=5)
    trainer.start()
    trainer.wait_until_settled(60)
    assert trainer.state is TrainerState.PAUSED and rec.last.epoch == 5


def _wait(condition, timeout=30.0):
    """Poll a condition from the test thread (the trainer is Qt-free; no event loop to wait on)."""
    event = threading.Event()
    for _ in range(int(timeout / 0.01)):
        if condition():
            return True
        event.wait(0.01)
    return condition()


def test_epoch_limit_counts_from_zero_after_a_reset(make_trainer):
    trainer, rec = make_trainer(Dataset(*make_preset("seed-4")), epochs=5)
    trainer.start()
    trainer.wait_until_settled(60)
    assert trainer.epoch == 5
    trainer.set_config(trainer.config.with_changes(batchnorm=True))  # needs a new model
    trainer.reset()
    trainer.start()
    assert _wait(lambda: trainer.state is TrainerState.PAUSED and rec.last.epoch == 5
                 and 0 in rec.epochs()[6:])
    assert max(rec.epochs()[6:]) == 5  # not 10: the limit restarted with it


def test_switching_a_setting_back_reuses_its_compiled_loop(make_trainer):
    """BatchNormalization on, then off again: the second switch needs no compiling (and no
    more memory), and still starts a new model at epoch 0."""
    trainer, rec = make_trainer(Dataset(*make_preset("seed-4")), epochs=2)
    trainer.start()
    assert trainer.wait_until_settled(60)

    def switch(batchnorm):
        mark = len(rec.states)
        trainer.set_config(trainer.config.with_changes(batchnorm=batchnorm))
        trainer.start()
        assert trainer.wait_until_settled(60) and rec.last.epoch == 2
        return [state for state, _ in rec.states[mark:]]

    assert TrainerState.COMPILING in switch(True)  # a new structure compiles once
    assert TrainerState.COMPILING not in switch(False)
    assert TrainerState.COMPILING not in switch(True)


def test_a_new_run_is_never_ended_by_the_previous_models_epoch_count(make_trainer):
    """The window's scenario buttons: new points, then pause, settings, reset, start — after
    a run that reached its limit. The old model's epoch (at the limit) must not end the new
    run: every press trains the new model from epoch 0 to the limit (it used to stay at
    "epoch 0 · paused" in a third to a half of presses)."""
    ds = Dataset(*make_preset("seed-4"))
    trainer, rec = make_trainer(ds, epochs=20, optimizer="adam", learning_rate=0.001,
                                batchnorm=True)
    trainer.start()
    assert trainer.wait_until_settled(60) and trainer.epoch == 20
    for press in range(8):
        mark = len(rec.epochs())
        ds.replace(*make_preset("seed-4"))
        if press % 2:  # the old sequence of separate orders, and the one atomic order
            trainer.pause()
            trainer.set_config(trainer.config.with_changes(seed=press))
            trainer.reset()
            trainer.start()
        else:
            trainer.restart(trainer.config.with_changes(seed=press))
        assert trainer.wait_until_settled(60)
        epochs = rec.epochs()[mark:]
        assert trainer.state is TrainerState.PAUSED, (press, trainer.state)
        assert 0 in epochs and epochs[-1] == 20, (press, epochs)
        assert epochs[epochs.index(0):] == list(range(21)), press


def test_restart_from_the_seed_gives_the_same_run_twice(make_trainer):
    ds = Dataset(*make_preset("noisy-corners"))
    trainer, rec = make_trainer(ds, epochs=5)
    runs = []
    for _ in range(2):
        mark = len(rec.batches)
        trainer.restart(trainer.config)
        assert trainer.wait_until_settled(60)
        runs.append([(s.epoch, s.loss, s.w) for b in rec.batches[mark:] for s in b][-5:])
    assert runs[0] == runs[1] and runs[0][-1][0] == 5


def test_resets_do_not_keep_discarded_models_alive(make_trainer):
    """Each Reset builds a model whose weights are copied into the compiled one; the built
    model is garbage afterwards and must be collectable (freezing the garbage collector
    used to make 30 resets keep 31 models)."""
    import gc

    from tests.model_watch import alive, watching_built_models

    with watching_built_models() as built:
        trainer, rec = make_trainer(Dataset(*make_preset("seed-4")))
        trainer.prepare()
        assert trainer.wait_until_settled(60)
        for _ in range(30):
            trainer.reset()
            assert trainer.wait_until_settled(60)
    gc.collect()
    assert len(built) == 31 and alive(built) <= 2, f"{alive(built)} of {len(built)} alive"


def test_epoch_target_counts_from_where_the_run_starts():
    from core.pacing import epoch_target

    assert epoch_target(0, 7) is None  # no limit
    assert epoch_target(20, 0) == 20 and epoch_target(20, 5) == 20
    assert epoch_target(20, 20) == 40  # started at the limit: another 20
    assert epoch_target(10, 15, continuing=True) == 15  # lowered while running: stop now


def test_a_paced_run_takes_the_wall_time_of_its_pace_and_pauses_at_once(make_trainer):
    """10 epochs at 20 a second take at least 9 / 20 s (never faster: a person must be able
    to follow them), each reported on its own; a pause while it sleeps between epochs ends the
    run at once, without the next epoch."""
    import time

    trainer, rec = make_trainer(Dataset(*make_preset("seed-4")), epochs=10)
    trainer.prepare()
    assert trainer.wait_until_settled(60)
    trainer.set_pace(20)
    began = time.perf_counter()
    trainer.start()
    assert trainer.wait_until_settled(30)
    took = time.perf_counter() - began
    assert rec.epochs() == list(range(0, 11))  # one report per epoch
    assert took >= 9 / 20  # epochs 1..10: the first at once, then one every 1/20 s

    trainer.set_pace(1)
    trainer.start()  # at the limit already: another 10 epochs, one a second
    while trainer.epoch < 11:
        trainer.wait_until_settled(0.01)
    trainer.pause()
    assert trainer.wait_until_settled(0.9)  # woken from its sleep, not after the second
    assert trainer.epoch == 11 and trainer.state is TrainerState.PAUSED


def test_ask_answers_with_the_live_model_between_epochs_even_at_a_slow_pace(make_trainer):
    """What the Predict panel and the finder rely on: a question runs on the training thread
    with the model as trained so far (its predict equals the reported line's probability), is
    answered at once while a slow pace sleeps, and is cancelled, not left hanging, on stop."""
    import concurrent.futures

    xy, labels = make_preset("seed-4")
    trainer, rec = make_trainer(Dataset(xy, labels), optimizer="sgd", learning_rate=0.5)
    trainer.step()
    _wait(lambda: rec.epochs()[-1:] == [1])
    answer = trainer.ask(lambda neuron: neuron.keras_model.predict(xy, verbose=0))
    probabilities = answer.result(timeout=30).reshape(-1)
    a, b, c = rec.last.line
    expected = 1 / (1 + np.exp(-(a * xy[:, 0] + b * xy[:, 1] + c)))
    assert np.allclose(probabilities, expected, atol=1e-5)  # float32 model vs float64 line

    trainer.set_pace(0.2)  # one epoch every 5 s: the thread sleeps between them
    trainer.start()
    _wait(lambda: trainer.state is TrainerState.TRAINING)
    assert trainer.ask(lambda neuron: 42).result(timeout=2) == 42  # woken, not after 5 s

    failing = trainer.ask(lambda neuron: 1 / 0)
    assert isinstance(failing.exception(timeout=5), ZeroDivisionError)
    trainer.stop()
    with pytest.raises(concurrent.futures.CancelledError):
        trainer.ask(lambda neuron: 1).result(timeout=1)


def _run_to_limit(dataset, frame_seconds, **config):
    recorder = Recorder()
    trainer = Trainer(dataset, TrainConfig(**config), recorder.on_epochs,
                      frame_seconds=frame_seconds)
    try:
        trainer.prepare()
        assert trainer.wait_until_settled(60)
        trainer.start()
        assert trainer.wait_until_settled(120)
        state = trainer.capture().result(30)
    finally:
        trainer.stop()
    return recorder, state


def test_epochs_cut_into_frames_give_the_same_run(monkeypatch):
    """When one epoch is longer than a frame (here: a frame of 20 microseconds) the trainer
    runs it in slices, so a pause lands within a frame; the run is the same run."""
    from core.engine import Engine

    real_run = Engine.run
    cut: list[int] = []  # chunks that ended inside an epoch

    def watched(self, *args, **kwargs):
        batch = real_run(self, *args, **kwargs)
        if self.has_unfinished_epoch():
            cut.append(len(batch))
        return batch

    monkeypatch.setattr(Engine, "run", watched)
    rng = np.random.default_rng(4)
    xy = rng.normal(size=(3000, 2))  # 3,000 steps an epoch: above a chunk's floor of 1,000
    labels = (xy[:, 0] > 0.2).astype(int)
    config = dict(learning_rate=0.05, batch_size=1, epochs=4)
    whole, whole_state = _run_to_limit(Dataset(xy, labels), 1 / 30, **config)
    cut.clear()  # (the first chunks, before an epoch's cost is known, may be cut too)
    sliced, sliced_state = _run_to_limit(Dataset(xy, labels), 2e-5, **config)
    assert len(cut) > 6  # it did run every epoch in pieces
    assert sliced.epochs()[-4:] == [1, 2, 3, 4]
    for name in ("loss", "w", "b"):
        assert np.array_equal(np.concatenate([b.columns[name] for b in sliced.batches]),
                              np.concatenate([b.columns[name] for b in whole.batches]),
                              equal_nan=True), name  # (epoch 0 has no training loss)
    assert sliced_state.epoch == whole_state.epoch == 4
    assert all(np.array_equal(a, b) for (_, a), (_, b) in
               zip(sliced_state.variables, whole_state.variables))


def test_a_pause_inside_an_epoch_leaves_the_model_of_the_epoch_reported():
    rng = np.random.default_rng(5)
    xy = rng.normal(size=(3000, 2))
    dataset = Dataset(xy, (xy[:, 1] > 0).astype(int))
    recorder = Recorder()
    trainer = Trainer(dataset, TrainConfig(learning_rate=0.05, batch_size=1), recorder.on_epochs,
                      frame_seconds=2e-4)
    try:
        trainer.prepare()
        assert trainer.wait_until_settled(60)
        trainer.start()
        reported = threading.Event()
        while not reported.wait(0.01):
            if any(e >= 2 for e in recorder.epochs()):
                reported.set()
        trainer.pause()
        assert trainer.wait_until_settled(60)
        state = trainer.capture().result(30)
    finally:
        trainer.stop()
    last = recorder.last
    assert state.epoch == last.epoch
    kernel = dict(state.variables)[next(n for n, _ in state.variables if "kernel" in n)]
    assert np.array_equal(kernel.reshape(-1).astype(np.float32),
                          np.asarray(last.w, dtype=np.float32).reshape(-1))


def test_a_drag_among_many_points_is_read_once_when_it_pauses(make_trainer):
    """Paused, each edit of a big data set is re-read (split, tensors, an evaluation: ~0.1 s at
    1,000,000 points); a drag's steps come faster than that, and reading each held the
    interpreter the window needed to draw the drag. The trainer reads once the edits pause."""
    rng = np.random.default_rng(0)
    xy = rng.normal(size=(60_000, 2))
    ds = Dataset(xy, (xy[:, 0] > 0).astype(int))
    trainer, rec = make_trainer(ds)
    trainer.prepare()
    assert trainer.wait_until_settled(60)
    reports = len(rec.batches)
    ds.add(5.0, 5.0, 1)
    pause = threading.Event()
    for step in range(10):  # a drag: a step every 20 ms, well under EDITS_SETTLE_SECONDS
        ds.move(60_000, 5.0 + 0.1 * step, 5.0, merge=True)
        pause.wait(0.02)
    assert _wait(lambda: rec.last.n_train == 60_001)
    assert trainer.wait_until_settled(10)
    # One re-evaluation, of the dragged point's end (read at every step: ten). Up to three: a
    # loaded machine may hold this thread past the settle time between two steps.
    assert len(rec.batches) - reports <= 3
    assert rec.last.epoch == 0
