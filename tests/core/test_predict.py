"""What ``model.predict`` returns for the question's rows, on a real Keras model, and how the
Predict panel reads it: the class at 0.5, the label of the data point at a row."""

import io
from contextlib import redirect_stdout

import numpy as np
import pytest

from core.config import TrainConfig
from core.engine import Engine, EngineData
from core.model import build_model
from core.predict import (
    MAX_COORDINATE,
    QUESTION_ROWS,
    code_text,
    describe,
    keras_text,
    parse_coordinate,
    predict_rows,
    predicted_class,
    row_text,
    within_limit,
)
from core.presets import make_preset
from core.readout import read_at
from core.scenarios import QUESTION_4_SEED

# predict and the layers called directly run the same float32 ops: round-off only.
SAME_OPS = 1e-7
# The record's line is the inference-mode model folded into (a, b, c) in float64, while
# predict computes in float32 layer by layer: a few float32 ulps near 0.5 (6e-8 each).
FOLDED = 1e-6


@pytest.fixture(scope="module")
def trained():
    """The question's model (BatchNormalization + Adam) at the question scenario's seed,
    trained 20 epochs on its four points by the app's engine, and the record it reports."""
    xy, labels = make_preset("seed-4", QUESTION_4_SEED)
    neuron = build_model(TrainConfig(batchnorm=True, seed=QUESTION_4_SEED))
    engine = Engine(neuron)
    data = EngineData.from_arrays(xy, labels)
    batch = engine.run(data, 20, batch_size=32)
    return neuron, batch.last(), xy, labels


def test_the_question_rows_are_the_questions_predict_data():
    """(1, 1) twice and no (0, 1), exactly as the question wrote predict_data."""
    assert QUESTION_ROWS == ((0, 0), (1, 0), (1, 1), (1, 1))


def test_predict_rows_is_keras_predict_in_inference_mode(trained):
    neuron, _record, _xy, _labels = trained
    xy = np.array(QUESTION_ROWS)
    out = predict_rows(neuron, xy)
    assert out.shape == (4, 1) and out.dtype == np.float32
    inference = neuron.keras_model(xy, training=False).numpy()
    np.testing.assert_allclose(out, inference, rtol=0, atol=SAME_OPS)
    # Not training mode: with BatchNormalization the batch's own statistics give other
    # numbers; that gap is the question's first puzzle. (A training-mode call also moves
    # the moving averages: the weights are put back for the other tests.)
    weights = neuron.keras_model.get_weights()
    training = neuron.keras_model(xy, training=True).numpy()
    neuron.keras_model.set_weights(weights)
    assert np.abs(out - training).max() > 0.01
    assert out[2, 0] == out[3, 0]  # the same row twice, the same number twice


def test_predict_agrees_with_the_records_line_and_the_readout(trained):
    """The panel's numbers and the map's colour (core.readout on the record's line) are the
    same model: what the plot shows at a row is what predict returns there."""
    neuron, record, _xy, _labels = trained
    rows = np.array([*QUESTION_ROWS, (0.5, 0.25), (-2.0, 3.5)])
    out = predict_rows(neuron, rows)[:, 0]
    readings = [read_at(record.line, x, y) for x, y in rows]
    np.testing.assert_allclose(out, [r.probability for r in readings], rtol=0, atol=FOLDED)
    assert [predicted_class(p) for p in out] == [r.predicted for r in readings]


def test_the_class_is_predict_above_one_half_exactly_one_half_is_class_0():
    """The decision line and the cursor's readout draw the boundary at predict > 0.5."""
    assert predicted_class(0.5) == 0 and predicted_class(np.float32(0.5)) == 0
    assert predicted_class(np.nextafter(np.float32(0.5), np.float32(1))) == 1
    assert predicted_class(0.4999999) == 0
    assert read_at((0.0, 0.0, 0.0), 1.0, 1.0).predicted == predicted_class(0.5)


def test_rows_on_data_points_show_their_labels(trained):
    neuron, _record, xy, labels = trained
    rows = np.array([*QUESTION_ROWS, (0.5, 0.5)])
    described = describe(rows, predict_rows(neuron, rows), xy, labels)
    assert [r.label for r in described] == [0, 0, 1, 1, None]
    assert [r.points for r in described] == [1, 1, 1, 1, 0]
    assert [r.predicted for r in described] == [int(r.output > 0.5) for r in described]


def test_coinciding_points_of_both_classes_give_both_labels():
    data = np.array([[1.0, 1.0], [1.0, 1.0], [0.3, 0.0], [2.0, 2.0]])
    labels = np.array([0, 1, 1, 1])
    rows = describe([[1.0, 1.0], [0.1 + 0.2, 0.0], [0.3 + 1e-6, 0.0]],
                    np.array([[0.2], [0.6], [0.6]], np.float32), data, labels)
    assert rows[0].labels == (0, 1) and rows[0].label is None and rows[0].points == 2
    # 0.1 + 0.2 is 0.30000000000000004: the same place, after float round-off
    assert rows[1].label == 1
    assert rows[2].label is None and rows[2].points == 0  # a millionth away: a place


def test_typed_coordinates_are_finite_numbers_or_refused():
    assert parse_coordinate(" 1.5 ") == 1.5 and parse_coordinate("-2e3") == -2000.0
    for bad in ("", "abc", "1,5", "nan", "inf", "0.5.1"):
        assert parse_coordinate(bad) is None, bad


def test_typed_coordinates_beyond_the_limit_are_refused():
    assert within_limit(MAX_COORDINATE) and within_limit(-1e6) and within_limit(0.0)
    assert not within_limit(1e30) and not within_limit(-1.000001e6)


def test_the_printout_looks_like_the_questions():
    outputs = np.array([[0.49750862], [0.51616406], [0.774486], [0.774486]], np.float32)
    assert keras_text(outputs) == ("[[0.49750862]\n [0.51616406]\n [0.774486  ]\n"
                                   " [0.774486  ]]")
    assert row_text(outputs[0, 0]) == "[0.49750862]"


def test_the_code_line_runs_and_prints_what_the_panel_shows(trained):
    """The user can paste the panel's code after the question's model and see the same
    printout (after Keras's progress bar, which the panel leaves out)."""
    neuron, _record, _xy, _labels = trained
    rows = np.array([*QUESTION_ROWS, (0.1, 1 / 3)])
    printed = io.StringIO()
    with redirect_stdout(printed):
        exec(code_text(rows), {"np": np, "model": neuron.keras_model})  # noqa: S102
    assert printed.getvalue().rstrip().endswith("\n" + keras_text(predict_rows(neuron, rows)))


def test_no_rows_need_no_keras_call():
    class Unusable:
        keras_model = None  # any call would fail

    assert predict_rows(Unusable(), np.zeros((0, 2))).shape == (0, 1)


def test_a_row_waiting_for_predict_still_shows_its_label():
    """Rows just typed have no output until the model answers; their label is known now."""
    rows = describe([[0.0, 1.0], [5.0, 5.0]], [None, 0.75], np.array([[0.0, 1.0]]), [1])
    assert (rows[0].output, rows[0].predicted, rows[0].label) == (None, None, 1)
    assert (rows[1].output, rows[1].predicted, rows[1].label) == (0.75, 1, None)
