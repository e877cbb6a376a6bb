"""All training settings in one frozen, validated object.

Defaults are Keras's own (SGD at 0.01, batch 32) so the app starts from what a newcomer gets
by default; the command line takes its defaults from here too. The ``*_RANGE`` constants are
the legal ranges, ``TrainConfig.problems`` is the single place that checks them and words the
messages a user sees, and the controls span exactly these ranges. Policy that is not a range,
such as the learning rate following the optimizer's default, is a method here
(``with_optimizer``) so the window and tests share it.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import asdict, dataclass, replace

from core.i18n import _

OPTIMIZERS = ("sgd", "adam", "rmsprop", "adagrad")

# Keras's default learning rate for each optimizer, used when the user names none.
DEFAULT_LEARNING_RATES = {"sgd": 0.01, "adam": 0.001, "rmsprop": 0.001, "adagrad": 0.001}

# The legal range of every numeric setting: ``problems`` checks these and the controls span
# exactly these, so the window never offers a value the config refuses (or hides a legal one).
LEARNING_RATE_RANGE = (1e-6, 1e3)  # the low end is open: the rate must be above 0
BATCH_SIZE_RANGE = (1, 1_000_000)
EPOCH_LIMIT_RANGE = (0, 10**9)  # 0 = until paused
L2_RANGE = (0.0, 10.0)
SEED_RANGE = (0, 2**31 - 1)  # a signed 32-bit int: every seed API and input box takes it
TEST_SPLIT_RANGE = (0.0, 0.9)  # at least a tenth of the points stays for training
# Start weights (picked on the loss landscape or given with --start-weights) stay within this
# of 0: far beyond it every point's sigmoid is saturated in float32 and nothing would train.
START_WEIGHT_LIMIT = 1e4

# Settings that change the Keras model's structure or its initial state: changing one of these
# means a new model (new weights). Everything else is applied to the running model. Start
# weights are initial state, not structure: the compiled loop of a model with the same layers
# is reused (``model_structure`` keys it), only the weights copied in differ. The L2 factor is
# the same: a variable the compiled loop reads (``core.model.LiveL2``), so stepping through L2
# values compiles nothing, while a new value still starts a new model from the seed, as it
# always has (the penalty changes what the weights are trained towards).
STRUCTURE_FIELDS = ("optimizer", "batchnorm", "normalize")  # layers / compiled graph
REBUILD_FIELDS = (*STRUCTURE_FIELDS, "l2", "seed", "start_weights")


class ConfigError(ValueError):
    """An invalid setting; the message is one line meant for the user."""


@dataclass(frozen=True)
class TrainConfig:
    optimizer: str = "sgd"
    learning_rate: float = DEFAULT_LEARNING_RATES["sgd"]
    batch_size: int = 32
    epochs: int = 0  # epoch limit; 0 = until paused
    batchnorm: bool = False
    normalize: bool = False
    l2: float = 0.0
    seed: int = 0
    test_split: float = 0.0
    # The Dense kernel (w1, w2) to start from instead of the seed's Glorot draw (the bias starts
    # at 0, as Keras's does); None: the seed's. Kept when the optimizer changes, so Adam and
    # SGD can start from one point and their paths be compared on the loss landscape.
    start_weights: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        weights = self.start_weights
        if isinstance(weights, (list, tuple)) and all(
                isinstance(v, numbers.Real) and not isinstance(v, bool) for v in weights):
            # JSON gives a list, NumPy its own floats: one form, so configs compare equal
            object.__setattr__(self, "start_weights", tuple(float(v) for v in weights))
        problems = self.problems()
        if problems:
            raise ConfigError(problems[0])

    def problems(self) -> list[str]:
        """Every invalid setting, each as a message the user can act on."""
        out: list[str] = []
        if self.optimizer not in OPTIMIZERS:
            out.append(_("optimizer must be one of {choices}, not '{value}'").format(
                choices=", ".join(OPTIMIZERS), value=self.optimizer))
        out += _check_range(_("learning rate"), self.learning_rate, LEARNING_RATE_RANGE,
                            low_open=True)
        out += _check_int(_("batch size"), self.batch_size, *BATCH_SIZE_RANGE)
        out += _check_int(_("epoch limit"), self.epochs, *EPOCH_LIMIT_RANGE)
        out += _check_range(_("L2 factor"), self.l2, L2_RANGE)
        out += _check_int(_("seed"), self.seed, *SEED_RANGE)
        out += _check_range(_("test split"), self.test_split, TEST_SPLIT_RANGE)
        out += _check_start_weights(self.start_weights)
        return out

    def with_changes(self, **changes: object) -> TrainConfig:
        return replace(self, **changes)

    def with_optimizer(self, optimizer: str) -> TrainConfig:
        """Switch optimizer; a rate still at the old optimizer's Keras default follows to the
        new one's (SGD 0.01 -> Adam 0.001), while a rate the user chose stays."""
        learning_rate = self.learning_rate
        if optimizer != self.optimizer and learning_rate == DEFAULT_LEARNING_RATES.get(
                self.optimizer):
            learning_rate = DEFAULT_LEARNING_RATES.get(optimizer, learning_rate)
        return replace(self, optimizer=optimizer, learning_rate=learning_rate)

    def needs_rebuild(self, other: TrainConfig) -> bool:
        """True when going from self to other needs a new model."""
        return any(getattr(self, name) != getattr(other, name) for name in REBUILD_FIELDS)

    def model_structure(self) -> tuple[object, ...]:
        """The settings that change the model's layers or compiled graph (not its weights)."""
        return tuple(getattr(self, name) for name in STRUCTURE_FIELDS)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _check_range(
    name: str, value: float, bounds: tuple[float, float], low_open: bool = False
) -> list[str]:
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return [_("{name} must be a finite number, not {value!r}").format(name=name, value=value)]
    if value > high or value < low or (low_open and value <= 0):
        return [_("{name} must be between {low:g} and {high:g}, not {value:g}").format(
            name=name, low=low, high=high, value=value)]
    return []


def _check_start_weights(weights: object) -> list[str]:
    if weights is None:
        return []
    if not isinstance(weights, tuple) or len(weights) != 2:
        return [_("start weights must be two numbers (w1, w2), not {value!r}").format(
            value=weights)]
    for value in weights:
        problems = _check_range(_("a start weight"), value,
                                (-START_WEIGHT_LIMIT, START_WEIGHT_LIMIT))
        if problems:
            return problems
    return []


def _check_int(name: str, value: int, low: int, high: int) -> list[str]:
    if isinstance(value, bool) or not isinstance(value, int):
        return [_("{name} must be a whole number, not {value!r}").format(name=name, value=value)]
    if not low <= value <= high:
        return [_("{name} must be between {low} and {high}, not {value}").format(
            name=name, low=low, high=high, value=value)]
    return []
