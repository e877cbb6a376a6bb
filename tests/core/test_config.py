import subprocess
import sys

import pytest

from core.config import ConfigError, TrainConfig


def test_defaults_are_keras_defaults():
    config = TrainConfig()
    assert (config.optimizer, config.learning_rate, config.batch_size) == ("sgd", 0.01, 32)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"optimizer": "lbfgs"}, "optimizer must be one of sgd, adam"),
        ({"learning_rate": 0.0}, "learning rate must be between"),
        ({"learning_rate": float("nan")}, "learning rate must be a finite number"),
        ({"batch_size": 0}, "batch size must be between 1"),
        ({"batch_size": 2.5}, "batch size must be a whole number"),
        ({"epochs": -1}, "epoch limit"),
        ({"l2": -0.1}, "L2 factor"),
        ({"test_split": 0.95}, "test split must be between 0 and 0.9"),
        ({"seed": -3}, "seed"),
    ],
)
def test_invalid_settings_explain_themselves(changes, message):
    with pytest.raises(ConfigError, match=message):
        TrainConfig(**changes)


def test_which_changes_need_a_new_model():
    config = TrainConfig()
    assert not config.needs_rebuild(config.with_changes(learning_rate=0.5, batch_size=4,
                                                        epochs=10, test_split=0.2))
    for change in ({"optimizer": "adam"}, {"batchnorm": True}, {"normalize": True},
                   {"l2": 0.01}, {"seed": 1}):
        assert config.needs_rebuild(config.with_changes(**change))


def test_core_imports_no_qt():
    code = (
        "import sys, core.dataset, core.presets, core.csv_io, core.config, core.geometry, "
        "core.trainer, core.headless, core.cli, core.split, core.stats, core.model, core.engine\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PyQt6', 'PySide6', 'pyqtgraph')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
