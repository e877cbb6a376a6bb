"""The window's garbage-collector policy (gui.training_bridge.keep_collections_short) keeps
collections short without keeping dropped models alive."""

import gc

import numpy as np

from core.config import TrainConfig
from core.dataset import Dataset
from core.trainer import Trainer
from gui.training_bridge import keep_collections_short
from tests.model_watch import alive, watching_built_models


def test_models_built_for_a_compiled_loop_are_collected():
    """A new model whose layers were compiled before (an L2 step, a return to an optimizer)
    only lends its initial state to the kept compiled model; frozen or not, it is collected,
    or stepping through settings would leak a model each time."""
    dataset = Dataset(np.array([[0.0, 0.0], [0.0, 1.0]]), np.array([0, 1]))
    with watching_built_models() as built:
        trainer = Trainer(dataset, TrainConfig(), lambda batch: None,
                          on_long_lived_objects=keep_collections_short)
        try:
            trainer.prepare()
            assert trainer.wait_until_settled(60)
            for changes in ({"l2": 0.001}, {"l2": 0.01}, {"optimizer": "adam"},
                            {"optimizer": "sgd"}, {"l2": 0.5}):
                trainer.set_config(trainer.config.with_changes(**changes))
                assert trainer.wait_until_settled(60)
            gc.collect()
            assert len(built) == 6
            assert alive(built) == trainer.compiled_loops == 2  # sgd's and adam's
        finally:
            trainer.stop()
