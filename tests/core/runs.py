"""Real runs for the tests of what explains a run (the caption, the coach): trained as the
window trains them, the trainer's epochs kept in the window's epoch history."""

from collections.abc import Mapping

import numpy as np

from core.config import TrainConfig
from core.dataset import Dataset
from core.history import COLUMNS, EpochHistory
from core.record import EpochStats
from core.trainer import Trainer


def train(xy: np.ndarray, labels: np.ndarray,
          config: TrainConfig) -> tuple[Mapping[str, np.ndarray], EpochStats]:
    """(history columns, last epoch) of a real run to the config's epoch limit."""
    history, last = EpochHistory(), []

    def on_epochs(batch):
        history.add(batch)
        last.append(batch.last())

    trainer = Trainer(Dataset(xy, labels), config, on_epochs)
    try:
        trainer.prepare()
        trainer.wait_until_settled()
        trainer.start()
        trainer.wait_until_settled()
    finally:
        trainer.stop()
    return {name: history.column(name) for name in COLUMNS}, last[-1]
