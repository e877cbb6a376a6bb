"""The training thread's TensorFlow-side state: the model, its compiled engine, the data tensors.

Used only on the trainer's thread (TensorFlow objects never cross threads).
"""

from __future__ import annotations

from core.config import OPTIMIZERS, TrainConfig
from core.record import EpochBatch
from core.split import held_out_mask

# Every model structure (optimizer x BatchNormalization x input normalization): the compiled
# loops kept, since none is ever dropped (see ``TrainingSession``).
MAX_COMPILED_MODELS = len(OPTIMIZERS) * 2 * 2


class TrainingSession:
    """The trainer thread's TensorFlow-side state: model, engine and the tensors of the data.

    Compiled loops are kept for every model structure built, never dropped. Dropping one frees
    nothing: TensorFlow keeps each XLA executable in a process-wide cache that has no eviction
    (``device_compilation_cache.h``; tensorflow/tensorflow#64170). Measured: twelve engines
    compiled and dropped (collected, ``malloc_trim``-ed, ``clear_session``) grew RSS by 222 MB,
    twelve kept by 225 MB. The least-recently-used cache of six this replaces recompiled every
    structure it had dropped, so cycling 16 settings combinations grew RSS by 337, 312 and
    326 MB a cycle (16 compilations, ~46 s of compiling each). Kept, a structure compiles once:
    memory is bounded by the structures there are (``MAX_COMPILED_MODELS``, each times the
    data capacities and batch widths it has met), and the L2 factor, a variable the loop
    reads, is no structure (tests/benchmarks/bench_compile.py: cycles after the first compile
    nothing and keep RSS flat).
    """

    def __init__(self, engine_class, data_class, build_model) -> None:
        self._engine_class = engine_class
        self._data_class = data_class
        self._build_model = build_model
        self.engine = None
        self.data = None
        # Compiled loops by model structure. Compiling takes seconds and its native memory
        # (~15-20 MB) is never returned, so toggling a setting back reuses the loop it had:
        # the new model's weights (and L2 factor) are copied into that model.
        self._engines: dict[tuple, object] = {}
        self._learning_rate: float | None = None
        self._batch_size: int | None = None

    @property
    def compiled_count(self) -> int:
        """Compiled training loops kept (at most ``MAX_COMPILED_MODELS``)."""
        return len(self._engines)

    @property
    def n_train(self) -> int:
        return self.data.n_train if self.data is not None else 0

    def build(self, config: TrainConfig, snapshot) -> None:
        """A new model for these settings, its initial weights from the config's seed (the same
        start every time: a run repeats)."""
        neuron = self._build_model(config)
        structure = config.model_structure()
        if self.engine is not None:
            self.engine.discard_unfinished()
        if structure in self._engines:
            self._engines[structure].discard_unfinished()
            self._engines[structure].neuron.take_state_of(neuron)
        else:
            self._engines[structure] = self._engine_class(neuron)
        self.engine = self._engines[structure]
        self._learning_rate = config.learning_rate
        self.refresh(config, snapshot)

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
