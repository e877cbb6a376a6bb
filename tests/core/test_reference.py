import numpy as np

from core.geometry import logit
from core.presets import make_preset
from core.reference import logistic_regression


def test_logistic_regression_solves_the_question_at_once():
    xy, labels = make_preset("seed-4")
    reference = logistic_regression(xy, labels)
    assert reference.accuracy == 1.0  # the answer: LogisticRegression predicts [0, 0, 1, 1]
    assert np.array_equal(logit(reference.line, xy) > 0, labels == 1)


def test_one_class_has_no_reference():
    assert logistic_regression(np.zeros((3, 2)), np.ones(3)) is None


def test_the_reference_names_the_model_and_its_c():
    """The legend and the coach say which linear model reached the figure: scikit-learn's
    LogisticRegression at its default C=1 (a mild L2 penalty)."""
    reference = logistic_regression(*make_preset("seed-2000"))
    assert (reference.name, reference.c) == ("LogisticRegression", 1.0)
    assert reference.label == "LogisticRegression (C=1)"
    assert reference.accuracy == 1.0  # unscaled points are no problem for L-BFGS


def test_a_big_set_is_fitted_on_an_even_sample_and_scored_on_all(monkeypatch):
    """Past MAX_FITTED_POINTS the fit takes every k-th point (the window stays responsive at
    1,000,000 points); the line is close to the full fit's and the accuracy counts every
    point. The sample is the same every time: the same points give the same line."""
    import core.reference

    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 30_000)
    xy = rng.normal(size=(30_000, 2)) + labels[:, None] * 1.2
    full = logistic_regression(xy, labels)
    monkeypatch.setattr(core.reference, "MAX_FITTED_POINTS", 10_000)
    sampled = logistic_regression(xy, labels)
    assert full.fitted is None and sampled.fitted == 10_000
    assert sampled == logistic_regression(xy, labels)
    assert np.allclose(sampled.line, full.line, atol=0.1)
    predicted = (xy @ np.array(sampled.line[:2]) + sampled.line[2]) > 0
    assert sampled.accuracy == np.mean(predicted == (labels == 1))
