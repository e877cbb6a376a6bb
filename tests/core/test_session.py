"""Sessions: a saved run, reopened, trains the epochs it would have trained unclosed."""

import json

import numpy as np
import pytest

from core.config import TrainConfig
from core.dataset import Dataset
from core.history import COLUMNS, EpochHistory
from core.presets import make_preset
from core.session import (
    FORMAT,
    SessionFileError,
    history_rows,
    load_session,
    save_session,
    session_of,
)
from core.trainer import Trainer, TrainerState


class Run:
    """A real trainer and the window's epoch history, stepped to given epochs."""

    def __init__(self, dataset: Dataset, config: TrainConfig) -> None:
        self.history = EpochHistory()
        self.dataset = dataset
        self.trainer = Trainer(dataset, config, self.history.add)

    def train_to(self, epoch: int) -> None:
        self.trainer.set_config(self.trainer.config.with_changes(epochs=epoch))
        self.trainer.start()
        self.trainer.wait_until_settled()
        assert self.trainer.state is TrainerState.PAUSED, self.trainer.error
        assert self.trainer.epoch == epoch

    def rows(self, first: int) -> np.ndarray:
        epochs = self.history.column("epoch")
        keep = epochs >= first
        return np.stack([self.history.column(name)[keep] for name in COLUMNS], axis=1)

    def session(self):
        model = self.trainer.capture().result(timeout=60)
        return session_of(self.dataset.snapshot(), self.trainer.config, model, self.history,
                          view=((-1.0, 2.0), (-3.0, 4.0)), source="test")


CONFIGS = {
    "sgd": TrainConfig(learning_rate=0.5, batch_size=2),
    # Adam's moments and step count, BatchNormalization's moving statistics, the adapted
    # Normalization and a held-out share: everything an epoch depends on.
    "adam-batchnorm-normalize-split": TrainConfig(
        optimizer="adam", learning_rate=0.05, batch_size=8, batchnorm=True, normalize=True,
        test_split=0.25, seed=3, l2=0.01),
}


@pytest.mark.parametrize("name", list(CONFIGS))
def test_a_reopened_session_trains_the_same_next_epochs_as_not_closing_it(name, tmp_path):
    xy, labels = make_preset("blobs", 1)
    dataset = Dataset(xy, labels)
    dataset.remove(3)  # ids are no longer 0..n-1: the split must come back with them
    dataset.add(0.5, 0.5, 1)
    unclosed = Run(dataset, CONFIGS[name])
    try:
        unclosed.train_to(30)
        path = tmp_path / "run.neuronlab"
        save_session(path, unclosed.session())
        unclosed.train_to(50)
    finally:
        unclosed.trainer.stop()

    saved = load_session(path)
    assert saved.epoch == 30 and saved.config == CONFIGS[name].with_changes(epochs=30)
    assert saved.view == ((-1.0, 2.0), (-3.0, 4.0)) and saved.source == "test"
    reopened = Run(Dataset(saved.xy, saved.labels, saved.ids), saved.config)
    try:
        reopened.trainer.resume(saved.config, saved.model, saved.history)
        reopened.trainer.wait_until_settled()
        assert reopened.trainer.epoch == 30
        # The history came back with it, epoch 30's training loss included.
        np.testing.assert_array_equal(reopened.rows(0)[:, :3], unclosed.rows(0)[:31, :3])
        reopened.train_to(50)
    finally:
        reopened.trainer.stop()
    # Bit for bit: the same float32 weights, shuffles (seed, epoch) and split (ids).
    np.testing.assert_array_equal(reopened.rows(31), unclosed.rows(31))


def test_an_untrained_session_and_one_that_does_not_fit_its_settings_start_from_epoch_0(
        tmp_path):
    xy, labels = make_preset("seed-4", 0)
    run = Run(Dataset(xy, labels), TrainConfig(optimizer="adam", learning_rate=0.1))
    try:
        run.train_to(5)
        session = run.session()
    finally:
        run.trainer.stop()
    # Adam's state does not fit an SGD model: the points and settings open, training
    # starts again, and the state message says why.
    states = []
    other = Trainer(Dataset(xy, labels), TrainConfig(), lambda batch: None,
                    on_state=lambda state, message: states.append(message))
    try:
        other.resume(TrainConfig(), session.model, session.history)
        other.wait_until_settled()
        assert other.state is TrainerState.PAUSED and other.epoch == 0
        assert any("does not fit" in message for message in states)
    finally:
        other.stop()
    fresh = Trainer(Dataset(xy, labels), TrainConfig(), lambda batch: None)
    try:
        fresh.resume(TrainConfig(), None)
        fresh.wait_until_settled()
        assert fresh.state is TrainerState.PAUSED and fresh.epoch == 0
    finally:
        fresh.stop()


def test_the_file_is_documented_json_and_history_is_thinned_to_a_bound(tmp_path):
    history = EpochHistory()
    from core.record import EpochBatch

    rows = np.full((50_001, len(COLUMNS)), 0.5)
    rows[:, 0] = np.arange(50_001)
    history.add(EpochBatch.from_rows(rows, 4, 0))
    kept = history_rows(history, up_to_epoch=40_000, max_rows=1000)
    assert len(kept) <= 1000 and kept[0, 0] == 0 and kept[-1, 0] == 40_000
    assert history_rows(history, up_to_epoch=10).shape == (11, len(COLUMNS))

    dataset = Dataset(np.array([[0.0, 1.0], [2.0, 3.0]]), np.array([0, 1]))
    path = tmp_path / "s.neuronlab"
    save_session(path, session_of(dataset.snapshot(), TrainConfig(), None, history))
    document = json.loads(path.read_text())
    assert document["format"] == FORMAT and document["version"] == 1
    assert document["points"] == {"x": [0.0, 2.0], "y": [1.0, 3.0], "label": [0, 1],
                                  "id": [0, 1]}
    assert document["model"] is None and document["history"]["columns"][0] == "epoch"


def _write(tmp_path, text: str):
    path = tmp_path / "bad.neuronlab"
    path.write_text(text)
    return path


GOOD = {"format": FORMAT, "version": 1, "config": {}, "points": {
    "x": [0.0], "y": [1.0], "label": [1], "id": [0]}, "model": None, "history": None}


@pytest.mark.parametrize("text, message", [
    ("", "invalid JSON"),
    ("x,y,label\n0,0,1\n", "invalid JSON"),
    ("[1, 2]", "not a Neuron Lab session"),
    (json.dumps({"format": "other"}), "not a Neuron Lab session"),
    (json.dumps({**GOOD, "version": 2}), "newer Neuron Lab (session version 2"),
    (json.dumps({**GOOD, "version": "1"}), "version must be a whole number"),
    (json.dumps({**GOOD, "config": {"optimizer": "lbfgs"}}), "optimizer must be one of"),
    (json.dumps({**GOOD, "config": {"colour": 1}}), "unknown setting 'colour'"),
    (json.dumps({**GOOD, "points": {**GOOD["points"], "label": [2]}}), "label is not 0 or 1"),
    (json.dumps({**GOOD, "points": {**GOOD["points"], "x": ["a"]}}), "only numbers"),
    (json.dumps({**GOOD, "points": {**GOOD["points"], "id": [0, 0]}}), "differ in length"),
    (json.dumps({**GOOD, "points": {"x": [0]}}), "lacks 'y'"),
    (json.dumps({**GOOD, "model": {"epoch": -1}}), "model.epoch must be"),
    (json.dumps({**GOOD, "model": {"epoch": 1, "variables": [
        {"name": "k", "dtype": "float32", "shape": [2, 1], "values": [1.0]}],
        "optimizer": []}}), "has 1 values for shape [2, 1]"),
    (json.dumps({**GOOD, "history": {"columns": ["epoch"], "rows": [[2], [1]]}}),
     "increasing from 0"),
    (json.dumps({**GOOD, "view": {"x": [1, 0], "y": [0, 1]}}), "view.x must be"),
    (json.dumps({**GOOD, "view": {"x": ["a", 1], "y": [0, 1]}}), "view.x must be two finite"),
    (json.dumps({**GOOD, "model": {"epoch": 10**40, "variables": [], "optimizer": []}}),
     "model.epoch must be a whole number from 0 to 1000000000"),
    (json.dumps({**GOOD, "history": {"columns": ["epoch"], "rows": [[0], [2**31]]}}),
     "to at most 1000000000"),
])
def test_foreign_old_and_broken_files_are_refused_with_one_line(tmp_path, text, message):
    with pytest.raises(SessionFileError, match=None) as error:
        load_session(_write(tmp_path, text))
    assert message in str(error.value) and "\n" not in str(error.value)
    assert str(error.value).startswith(str(tmp_path))


def test_a_failed_save_leaves_the_old_file_whole(tmp_path):
    path = tmp_path / "s.neuronlab"
    dataset = Dataset(np.array([[0.0, 1.0]]), np.array([1]))
    session = session_of(dataset.snapshot(), TrainConfig(), None, EpochHistory())
    save_session(path, session)
    before = path.read_bytes()
    with pytest.raises(SessionFileError, match="could not save"):
        save_session(tmp_path / "no such folder" / "s.neuronlab", session)
    assert path.read_bytes() == before and load_session(path).xy.tolist() == [[0.0, 1.0]]
