"""The question's runs and its answers' fixes, as data: one click (or ``--scenario NAME``) each.

A scenario is a preset (or None: keep the current points) plus config changes applied on top
of whatever the user has set. The window's buttons and the command line both read ``SCENARIOS``,
so the button and ``python main.py --headless --scenario NAME`` run exactly the same thing.
Titles and explanations are plain English here, marked with ``N_()`` for the catalogue; the
window translates them for display.

Why the two questions set their own seed: the question's symptoms depend on the random start.
At seed 4 the four points show the BatchNormalization gap for all 20 epochs (fit 100%, predict
75%); at seed 0 fit and predict agree at 50% (11 of seeds 0..30 end with a gap). The 2000
points stay at 50% at seed 0 but reach 100% at seed 4. The seed is part of the scenario, like
its points, so the button gives the question's symptom whatever the Seed box said before (the
box then shows the scenario's seed) and ``--scenario question-4 --seed S`` uses seed 4 too.

Why every fix spells out every setting the question sets: a fix changes only what it names.
Each one is the question's code (Adam at 0.001, no input normalization, 20 epochs) without
BatchNormalization — the answers' first advice, and the fix the others build on, so that
pressing the next fix never puts it back — plus the one change its title names. A fix keeps
the seed and the points, so it continues the story of the question pressed before it; the
README table lists what each gives on both question data sets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from core.config import TrainConfig
from core.i18n import N_


@dataclass(frozen=True)
class Scenario:
    """A preset plus settings from the question or its answers."""

    name: str  # stable identifier: command line, tests, saved sessions
    title: str
    explanation: str  # why it behaves as it does; the button's tooltip
    preset: str | None  # None keeps the current points
    changes: Mapping[str, object] = field(default_factory=dict)  # TrainConfig fields
    # Epochs per second the window plays it at, so its story can be followed (None: as fast
    # as it goes). The command line ignores it: a headless run has no one watching.
    pace: float | None = None

    def __post_init__(self) -> None:
        # Frozen all the way down: a scenario is shared by every window and run.
        object.__setattr__(self, "changes", MappingProxyType(dict(self.changes)))

    def config_from(self, base: TrainConfig) -> TrainConfig:
        """The config this scenario trains with: ``base`` with the scenario's changes."""
        return base.with_changes(**self.changes)

    def __hash__(self) -> int:
        return hash(self.name)


# The question's code: what every fix starts from (and changes only what it names).
QUESTION = {"optimizer": "adam", "learning_rate": 0.001, "batchnorm": True,
            "normalize": False, "epochs": 20}
# What the question's code leaves at Keras's defaults: a replay of the question (or of the
# answer's code) sets them too, so an L2 factor or a test split the user chose before does
# not change the story (L2 = 1 kept the weights small; a split held out one of the 4 points).
# The fixes leave them alone: a fix changes only what it names. The question's kernel is the
# seed's Glorot draw, so a replay also forgets start weights picked on the loss landscape.
KERAS_DEFAULTS = {"batch_size": 32, "l2": 0.0, "test_split": 0.0, "start_weights": None}
# The answers' first advice, kept by every later fix.
WITHOUT_BATCHNORM = {**QUESTION, "batchnorm": False}
QUESTION_4_SEED = 4  # fit 100% vs predict 75% for all 20 epochs (see the module docstring)
QUESTION_2000_SEED = 0  # stays at 50% (at seed 4 it would reach 100%)
STORY_PACE = 5.0  # 20 epochs in 4 seconds: each epoch's line can be followed


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario(
            "question-4", N_("Question: 4 points"),
            N_("The question's code: BatchNormalization + Adam (rate 0.001), 20 epochs, at "
               "seed 4. Fit and predict disagree: fit reports 100% (training mode: each batch "
               "normalised with its own statistics, the dashed line) while predict gets 75% "
               "(inference mode: moving averages that have barely moved, the solid line)."),
            "seed-4", {**QUESTION, **KERAS_DEFAULTS, "seed": QUESTION_4_SEED},
            pace=STORY_PACE),
        Scenario(
            "question-2000", N_("Question: 2000 points"),
            N_("x runs to 999 while y is 0 or 1: the unscaled feature saturates the "
               "sigmoid and accuracy stays near 50% (Adam, 5 epochs, seed 0). The question's "
               "code also had BatchNormalization, which rescales the features per batch "
               "and, with Keras 3, often rescues this run; tick it to compare."),
            "seed-2000", {**QUESTION, **KERAS_DEFAULTS, "batchnorm": False, "epochs": 5,
                          "seed": QUESTION_2000_SEED}, pace=2.0),
        Scenario(
            "fix-remove-batchnorm", N_("Fix: remove BatchNormalization"),
            N_("The question's code without BatchNormalization (Adam 0.001, 20 epochs): "
               "training and predict then use the same function. On the 4 points Adam at "
               "0.001 barely moves the weights in 20 epochs; raise the rate next."),
            None, WITHOUT_BATCHNORM, pace=STORY_PACE),
        Scenario(
            "fix-normalize", N_("Fix: normalize inputs"),
            N_("Without BatchNormalization, a Normalization layer adapted to the points puts "
               "x and y on one scale (Adam 0.001, 20 epochs): the 2000 points are learnt fully."),
            None, {**WITHOUT_BATCHNORM, "normalize": True}, pace=STORY_PACE),
        Scenario(
            "fix-sgd", N_("Fix: SGD, rate 0.5"),
            N_("Without BatchNormalization, plain gradient descent at rate 0.5 instead of "
               "Adam at 0.001: large enough to separate the 4 points in 20 epochs. Inputs "
               "stay unnormalized, so the 2000 points still saturate."),
            None, {**WITHOUT_BATCHNORM, "optimizer": "sgd", "learning_rate": 0.5},
            pace=STORY_PACE),
        Scenario(
            "answer-noisy-corners", N_("Answer: noisy corners"),
            N_("The answer's fix: 1000 noisy points around the corners, no "
               "BatchNormalization, SGD, 20 epochs (reaches about 90%)."),
            "noisy-corners", {"optimizer": "sgd", "learning_rate": 0.01, **KERAS_DEFAULTS,
                              "batchnorm": False, "normalize": False, "epochs": 20},
            pace=STORY_PACE),
    )
}
