"""The numbers behind the map's colour at one place, and a point's loss as Keras computes it."""

import math

import numpy as np
import pytest

from core.readout import KERAS_EPSILON, read_at


def test_a_place_reads_the_output_the_probability_and_the_class():
    reading = read_at((2.0, -1.0, 0.5), 1.0, 3.0)  # z = 2 - 3 + 0.5 = -0.5
    assert reading.z == pytest.approx(-0.5)
    assert reading.probability == pytest.approx(1 / (1 + math.exp(0.5)))
    assert reading.predicted == 0 and reading.label is None and reading.loss is None


def test_a_point_reads_its_binary_cross_entropy():
    reading = read_at((1.0, 1.0, 0.0), 0.3, 0.2, label=1, held_out=True)
    assert reading.loss == pytest.approx(-math.log(1 / (1 + math.exp(-0.5))))
    assert reading.held_out and reading.predicted == 1


def test_a_saturated_sigmoid_gives_keras_clipped_loss_not_infinity():
    """An unscaled feature (x up to 999) drives z far past the exp's range."""
    wrong = read_at((1.0, 0.0, 0.0), -999.0, 0.0, label=1)
    assert wrong.probability == 0.0 and wrong.predicted == 0
    assert wrong.loss == pytest.approx(-math.log(KERAS_EPSILON))
    right = read_at((1.0, 0.0, 0.0), 999.0, 0.0, label=1)
    assert right.probability == 1.0 and np.isfinite(right.loss)
