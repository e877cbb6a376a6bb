"""The question's runs and its answers' fixes, as data: one click (or ``--scenario NAME``) each.

A scenario is a preset (or None: keep the current points) plus config changes applied on top
of whatever the user has set. The window's buttons and the command line both read ``SCENARIOS``,
so the button and ``python main.py --headless --scenario NAME`` run exactly the same thing.
Titles and explanations are plain English here; the window translates them for display.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from core.config import TrainConfig


@dataclass(frozen=True)
class Scenario:
    """A preset plus settings from the question or its answers."""

    name: str  # stable identifier: command line, tests, saved sessions
    title: str
    explanation: str  # why it behaves as it does; the button's tooltip
    preset: str | None  # None keeps the current points
    changes: Mapping[str, object] = field(default_factory=dict)  # TrainConfig fields

    def __post_init__(self) -> None:
        # Frozen all the way down: a scenario is shared by every window and run.
        object.__setattr__(self, "changes", MappingProxyType(dict(self.changes)))

    def config_from(self, base: TrainConfig) -> TrainConfig:
        """The config this scenario trains with: ``base`` with the scenario's changes."""
        return base.with_changes(**self.changes)

    def __hash__(self) -> int:
        return hash(self.name)


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario(
            "question-4", "Question: 4 points",
            "The question's code: BatchNormalization + Adam (rate 0.001), 20 epochs. "
            "Compare fit's accuracy with predict's: depending on the seed they disagree "
            "(seed 2: 50% against 75%).",
            "seed-4", {"optimizer": "adam", "learning_rate": 0.001, "batchnorm": True,
                       "normalize": False, "epochs": 20}),
        Scenario(
            "question-2000", "Question: 2000 points",
            "x runs to 999 while y is 0 or 1: the unscaled feature saturates the "
            "sigmoid and accuracy stays near 50% (Adam, 5 epochs). The question's "
            "code also had BatchNormalization, which rescales the features per batch "
            "and, with Keras 3, often rescues this run; tick it to compare.",
            "seed-2000", {"optimizer": "adam", "learning_rate": 0.001, "batchnorm": False,
                          "normalize": False, "epochs": 5}),
        Scenario(
            "fix-remove-batchnorm", "Fix: remove BatchNormalization",
            "Training and predict then use the same function.",
            None, {"batchnorm": False}),
        Scenario(
            "fix-normalize", "Fix: normalize inputs",
            "A Normalization layer adapted to the points puts x and y on one scale; "
            "with a rate of 0.01 for 20 epochs the 2000 points are learnt fully.",
            None, {"normalize": True, "learning_rate": 0.01, "epochs": 20}),
        Scenario(
            "fix-sgd", "Fix: SGD, rate 0.5",
            "Plain gradient descent with a rate large enough to move in a few epochs.",
            None, {"optimizer": "sgd", "learning_rate": 0.5, "epochs": 0}),
        Scenario(
            "answer-noisy-corners", "Answer: noisy corners",
            "The answer's fix: 1000 noisy points around the corners, no "
            "BatchNormalization, SGD, 20 epochs (reaches about 90%).",
            "noisy-corners", {"optimizer": "sgd", "learning_rate": 0.01,
                              "batchnorm": False, "normalize": False, "epochs": 20}),
    )
}
