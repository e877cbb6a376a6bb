"""The window's garbage-collector policy (gui.training_bridge.keep_collections_short) keeps
collections short without keeping dropped models alive."""

import gc

import numpy as np

from core.config import TrainConfig
from core.dataset import Dataset
from core.trainer import Trainer
from core.training_session import MAX_COMPILED_MODELS
from gui.training_bridge import keep_collections_short
from tests.model_watch import alive, watching_built_models


def test_models_dropped_from_the_compiled_cache_are_collected():
    """Every L2 value is a new compiled model; the trainer keeps six. The seventh and later
    push out the oldest, which had been frozen after its compilation: it must be collected
    all the same, or stepping through L2 values leaks a model and its XLA code each time."""
    dataset = Dataset(np.array([[0.0, 0.0], [0.0, 1.0]]), np.array([0, 1]))
    with watching_built_models() as built:
        trainer = Trainer(dataset, TrainConfig(), lambda batch: None,
                          on_long_lived_objects=keep_collections_short)
        try:
            trainer.prepare()
            assert trainer.wait_until_settled(60)
            for step in range(1, MAX_COMPILED_MODELS + 3):
                trainer.set_config(trainer.config.with_changes(l2=0.001 * step))
                assert trainer.wait_until_settled(60)
            gc.collect()
            assert len(built) == MAX_COMPILED_MODELS + 3
            assert alive(built) == MAX_COMPILED_MODELS  # exactly the ones still compiled
        finally:
            trainer.stop()
