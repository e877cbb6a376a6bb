"""The training thread's TensorFlow-side state: the model, its compiled engine, the data tensors.

Used only on the trainer's thread (TensorFlow objects never cross threads).
"""

from __future__ import annotations

from collections import OrderedDict

from core.config import TrainConfig
from core.record import EpochBatch
from core.split import held_out_mask

MAX_COMPILED_MODELS = 6  # compiled training loops kept for models built before


class TrainingSession:
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
        self._learning_rate: float | None = None
        self._batch_size: int | None = None

    @property
    def compiled_count(self) -> int:
        """Compiled training loops kept (at most ``MAX_COMPILED_MODELS``)."""
        return len(self._engines)

    @property
    def n_train(self) -> int:
        return self.data.n_train if self.data is not None else 0

    def build(self, config: TrainConfig, snapshot) -> bool:
        """A new model for these settings, its initial weights from the config's seed (the same
        start every time: a run repeats); True when the least recently used compiled model was
        dropped to make room."""
        neuron = self._build_model(config)
        structure = config.model_structure()
        released = False
        if structure in self._engines:
            self._engines.move_to_end(structure)
            self._engines[structure].neuron.take_state_of(neuron)
        else:
            self._engines[structure] = self._engine_class(neuron)
            if len(self._engines) > MAX_COMPILED_MODELS:
                self._engines.popitem(last=False)
                released = True
        self.engine = self._engines[structure]
        self._learning_rate = config.learning_rate
        self.refresh(config, snapshot)
        return released

    def apply_live(self, config: TrainConfig) -> bool:
        """Apply the settings that need no new model; True when the batch size changed (epochs
        will cost differently)."""
        if config.learning_rate != self._learning_rate:
            self.engine.set_learning_rate(config.learning_rate)
            self._learning_rate = config.learning_rate
        changed = config.batch_size != self._batch_size
        self._batch_size = config.batch_size
        return changed

    def refresh(self, config: TrainConfig, snapshot) -> None:
        """Take new points and the split (re-adapting Normalization to the training points)."""
        held_out = held_out_mask(snapshot.ids, config.seed, config.test_split)
        train = ~held_out
        x, y = snapshot.xy[train], snapshot.labels[train]
        self.engine.neuron.adapt(x)
        self.data = self._data_class.from_arrays(
            x, y, snapshot.xy[held_out], snapshot.labels[held_out]
        )

    def snapshot(self, epoch: int, diverged: bool = False) -> EpochBatch:
        return self.engine.snapshot(self.data, epoch, diverged)
