"""Scenarios are data in core, and ``--scenario NAME`` runs what the window's button runs.

Parsing only (no training): the lead's window test checks that button and CLI give the same
figures; these check that both start from the same config and points.
"""

import numpy as np
import pytest

from core.cli import UsageError, parse
from core.config import TrainConfig
from core.pacing import PACES
from core.presets import DEFAULT_PRESET, PRESETS, make_preset
from core.scenarios import SCENARIOS

NAMES = ["question-4", "question-2000", "fix-remove-batchnorm", "fix-normalize", "fix-sgd",
         "answer-noisy-corners"]


def test_the_six_scenarios_have_stable_names_and_valid_settings():
    assert list(SCENARIOS) == NAMES
    for name, scenario in SCENARIOS.items():
        assert scenario.name == name and scenario.title and scenario.explanation
        assert scenario.preset is None or scenario.preset in PRESETS
        scenario.config_from(TrainConfig())  # every change is a legal setting
    assert [s.preset for s in SCENARIOS.values()] == [
        "seed-4", "seed-2000", None, None, None, "noisy-corners"]


def test_a_fix_is_the_questions_code_without_batchnorm_plus_the_one_change_it_names():
    """Every fix sets every setting the question sets, so what an earlier fix changed never
    stays behind (fix-sgd after fix-normalize does not normalize); the points, the seed and
    the settings the question leaves alone (batch size, L2, split) stay the user's."""
    base = TrainConfig(batch_size=2, l2=0.01, seed=9, test_split=0.25, batchnorm=True,
                       normalize=True, optimizer="rmsprop", learning_rate=0.3, epochs=0)
    question = base.with_changes(optimizer="adam", learning_rate=0.001, batchnorm=False,
                                 normalize=False, epochs=20)
    expected = {
        "fix-remove-batchnorm": question,
        "fix-normalize": question.with_changes(normalize=True),
        "fix-sgd": question.with_changes(optimizer="sgd", learning_rate=0.5),
    }
    for name, config in expected.items():
        assert SCENARIOS[name].preset is None
        assert SCENARIOS[name].config_from(base) == config, name
        after_another = SCENARIOS[name].config_from(SCENARIOS["fix-normalize"].config_from(base))
        assert after_another == config, name
    with pytest.raises(TypeError):
        SCENARIOS["fix-sgd"].changes["epochs"] = 5  # shared by every window: read-only


def test_every_scenario_stops_and_plays_at_a_pace_a_person_can_follow():
    """The window plays each at its pace (a step of the pace slider); the question's 20
    epochs take 4 seconds, its 2000 points' 5 epochs 2.5."""
    for scenario in SCENARIOS.values():
        config = scenario.config_from(TrainConfig())
        assert 5 <= config.epochs <= 100, scenario.name
        assert scenario.pace in PACES and 2 <= config.epochs / scenario.pace <= 10
    assert SCENARIOS["question-4"].pace == 5 and SCENARIOS["question-2000"].pace == 2


def test_the_questions_bring_their_seed_so_any_seed_box_shows_their_symptom():
    """At seed 0 the 4 points end at fit 50% = predict 50%; at seed 4, the scenario's, fit
    says 100% and predict 75% (tests/core/test_diagnosis.py trains it). The button and
    ``--seed S`` alike: the scenario's seed wins, like its points."""
    for name, seed in (("question-4", 4), ("question-2000", 0)):
        for box in (0, 7):
            assert SCENARIOS[name].config_from(TrainConfig(seed=box)).seed == seed
            assert parse(["--scenario", name, "--seed", str(box)]).config.seed == seed
    assert "seed" not in SCENARIOS["fix-sgd"].changes  # a fix keeps the question's seed


@pytest.mark.parametrize("headless", [False, True])
def test_question_4_is_the_questions_code_at_the_given_seed(headless):
    options = parse(["--scenario", "question-4", "--seed", "0"]
                    + (["--headless"] if headless else []))
    assert options.config == TrainConfig(optimizer="adam", learning_rate=0.001, batchnorm=True,
                                         epochs=20, seed=4)
    xy, labels = make_preset("seed-4", 0)
    assert np.array_equal(options.xy, xy) and np.array_equal(options.labels, labels)
    assert (options.scenario, options.source, options.source_path) == (
        "question-4", "seed-4", None)


def test_the_scenario_applies_on_top_of_the_other_flags_like_the_button():
    options = parse(["--scenario", "question-2000", "--optimizer", "rmsprop", "--lr", "0.3",
                     "--batchnorm", "--batch-size", "4", "--test-split", "0.2", "--seed", "3"])
    assert options.config == TrainConfig(optimizer="adam", learning_rate=0.001, batchnorm=False,
                                         epochs=5, seed=0)  # the question's code, replayed
    assert len(options.labels) == 2000


def test_a_fix_keeps_the_chosen_points_or_the_default_preset(tmp_path):
    options = parse(["--scenario", "fix-normalize", "--preset", "seed-2000", "--headless"])
    assert options.source == "seed-2000" and options.config.normalize
    assert options.config.epochs == 20 and options.scenario == "fix-normalize"
    path = tmp_path / "points.csv"
    path.write_text("x,y,label\n0,0,0\n5,1,1\n")
    options = parse(["--scenario", "fix-remove-batchnorm", "--data", str(path), "--batchnorm"])
    assert options.source_path == path and len(options.labels) == 2
    assert not options.config.batchnorm
    options = parse(["--scenario", "fix-remove-batchnorm", "--seed", "5"])
    assert options.source == DEFAULT_PRESET
    assert np.array_equal(options.xy, make_preset(DEFAULT_PRESET, 5)[0])


@pytest.mark.parametrize("other", [["--preset", "blobs"], ["--data", "points.csv"]])
def test_a_scenario_with_points_refuses_other_points(other):
    with pytest.raises(UsageError, match=f"question-4 brings its own points .*drop {other[0]}"):
        parse(["--scenario", "question-4", *other])


def test_the_epoch_limit_explicit_wins():
    assert parse(["--scenario", "question-4", "--epochs", "3", "--headless"]).config.epochs == 3
    assert parse(["--scenario", "fix-sgd", "--headless"]).config.epochs == 20
    options = parse(["--scenario", "fix-sgd", "--headless", "--epochs", "7"])
    assert (options.config.optimizer, options.config.learning_rate) == ("sgd", 0.5)
    assert options.config.epochs == 7
    with pytest.raises(UsageError, match="--epochs must be at least 1"):
        parse(["--scenario", "question-4", "--headless", "--epochs", "0"])


def test_an_unknown_scenario_lists_the_names():
    with pytest.raises(UsageError, match="invalid choice: 'nope'") as error:
        parse(["--scenario", "nope"])
    assert all(name in str(error.value) for name in NAMES)
    assert "\n" not in str(error.value)


def test_without_a_scenario_nothing_changes():
    options = parse(["--headless"])
    assert options.scenario is None and options.source == DEFAULT_PRESET


def test_a_question_replays_its_code_whatever_was_set_before():
    """L2 = 1 kept the weights small and a test split held out one of the 4 points: a replay
    of the question sets what its code leaves at Keras's defaults too."""
    before = TrainConfig(l2=1.0, test_split=0.25, batch_size=2, normalize=True)
    for name in ("question-4", "question-2000", "answer-noisy-corners"):
        config = SCENARIOS[name].config_from(before)
        assert (config.l2, config.test_split, config.batch_size, config.normalize) == (
            0.0, 0.0, 32, False), name
    assert SCENARIOS["fix-sgd"].config_from(before).l2 == 1.0  # a fix changes what it names
