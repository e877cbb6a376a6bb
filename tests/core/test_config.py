import pkgutil
import subprocess
import sys

import pytest

import core
from core.cli import HEADLESS_DEFAULT_EPOCHS, parse
from core.config import (
    BATCH_SIZE_RANGE,
    DEFAULT_LEARNING_RATES,
    EPOCH_LIMIT_RANGE,
    L2_RANGE,
    LEARNING_RATE_RANGE,
    SEED_RANGE,
    TEST_SPLIT_RANGE,
    ConfigError,
    TrainConfig,
)


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


def test_the_learning_rate_follows_the_optimizer_only_from_its_default():
    """Keras's defaults differ (SGD 0.01, Adam 0.001): a rate nobody chose follows the
    optimizer, a rate the user chose stays."""
    config = TrainConfig()
    assert config.with_optimizer("adam").learning_rate == DEFAULT_LEARNING_RATES["adam"]
    assert config.with_optimizer("adam").with_optimizer("sgd") == config
    chosen = config.with_changes(learning_rate=0.05)
    assert chosen.with_optimizer("rmsprop") == chosen.with_changes(optimizer="rmsprop")
    assert config.with_optimizer("sgd") == config
    with pytest.raises(ConfigError, match="optimizer must be one of"):
        config.with_optimizer("lbfgs")


@pytest.mark.parametrize(
    ("name", "bounds"),
    [("learning_rate", LEARNING_RATE_RANGE), ("batch_size", BATCH_SIZE_RANGE),
     ("epochs", EPOCH_LIMIT_RANGE), ("l2", L2_RANGE), ("seed", SEED_RANGE),
     ("test_split", TEST_SPLIT_RANGE)],
)
def test_each_range_is_exactly_what_the_config_accepts(name, bounds):
    """The named ranges the widgets use are the ones ``problems`` enforces, ends included."""
    low, high = bounds
    for legal in bounds:
        TrainConfig(**{name: legal})
    step = 1 if isinstance(low, int) else 1e-9
    with pytest.raises(ConfigError):
        TrainConfig(**{name: high + step * max(1, abs(high))})
    with pytest.raises(ConfigError):
        TrainConfig(**{name: low - step * max(1, abs(low))})


def test_core_imports_no_qt():
    """Every module of ``core``, found by listing the package (a new module cannot be
    forgotten), imports in a fresh interpreter without loading any Qt binding or pyqtgraph."""
    names = sorted(f"core.{m.name}" for m in pkgutil.iter_modules(core.__path__))
    assert {"core.config", "core.scenarios", "core.trainer"} <= set(names)
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PyQt6', 'PySide6', 'pyqtgraph', 'gui'))\n"
        "print(' '.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_the_command_line_starts_from_the_configs_defaults():
    assert parse([]).config == TrainConfig()
    assert parse(["--headless"]).config == TrainConfig(epochs=HEADLESS_DEFAULT_EPOCHS)
    assert parse(["--optimizer", "adam"]).config == TrainConfig().with_optimizer("adam")
