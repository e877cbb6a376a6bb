"""Exports into the Keras world, checked where a user would use them: the history CSV read
back, the .keras model and the script run by a fresh Python that has never seen Neuron Lab."""

import csv
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.cli import UsageError, parse
from core.csv_io import load_csv
from core.export import INLINE_POINTS, ExportError, script_text, write_history, write_script
from core.headless import run
from core.presets import make_preset
from core.record import history_columns
from core.split import held_out_mask

ROOT = Path(__file__).resolve().parents[2]


def headless(tmp_path, *args) -> dict:
    out = tmp_path / "run.json"
    assert run(parse(["--headless", "--quiet", "--json", str(out), *args])) == 0
    return json.loads(out.read_text())


def fresh_python(code: str, cwd: Path) -> str:
    """Run ``code`` in a new interpreter started outside the repository (so Neuron Lab's
    modules are not importable) and return its stdout."""
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={"PATH": "/usr/bin:/bin", "TF_CPP_MIN_LOG_LEVEL": "3",
                                            "CUDA_VISIBLE_DEVICES": ""})
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_history_csv_has_one_row_per_epoch_with_the_records_columns(tmp_path):
    out = tmp_path / "history.csv"
    report = headless(tmp_path, "--preset", "noisy-corners", "--epochs", "30", "--batchnorm",
                      "--export-history", str(out))
    with out.open(newline="") as file:
        rows = list(csv.reader(file))
    assert tuple(rows[0]) == history_columns()
    body = rows[1:]
    assert [int(row[0]) for row in body] == list(range(31))  # epoch 0 (untrained) .. 30
    loss = rows[0].index("loss")
    assert body[0][loss] == ""  # epoch 0 has no training-mode loss: an empty cell
    for row, epoch in zip(body[1:], report["epochs"]):
        assert float(row[loss]) == epoch["loss"]
    line = [rows[0].index(f"line{i}") for i in (1, 2, 3)]
    assert [float(body[-1][i]) for i in line] == report["final"]["line"]


@pytest.mark.parametrize("flags", [[], ["--normalize"], ["--normalize", "--batchnorm"],
                                   ["--batchnorm", "--l2", "0.01"]])
def test_exported_model_loads_in_plain_keras_and_predicts_the_apps_probabilities(tmp_path,
                                                                                  flags):
    model = tmp_path / "neuron.keras"
    report = headless(tmp_path, "--preset", "noisy-corners", "--epochs", "40",
                      "--optimizer", "adam", *flags, "--export-model", str(model))
    xy, _ = make_preset("noisy-corners", 0)
    np.save(tmp_path / "xy.npy", xy)
    code = ("import keras, numpy as np\n"
            f"m = keras.models.load_model({str(model)!r}, safe_mode=True)\n"
            f"p = m.predict(np.load({str(tmp_path / 'xy.npy')!r}), verbose=0).reshape(-1)\n"
            "print(' '.join(repr(float(v)) for v in p))\n"
            "print(' '.join(type(layer).__name__ for layer in m.layers))\n")
    lines = fresh_python(code, tmp_path).splitlines()
    predicted = np.array([float(v) for v in lines[-2].split()])
    a, b, c = report["final"]["line"]
    app = 1 / (1 + np.exp(-(a * xy[:, 0] + b * xy[:, 1] + c)))
    np.testing.assert_allclose(predicted, app, atol=1e-5)
    layers = lines[-1].split()
    assert ("Normalization" in layers) == ("--normalize" in flags)
    assert ("BatchNormalization" in layers) == ("--batchnorm" in flags)


@pytest.mark.parametrize("preset, flags, tolerance", [
    # Four points: the script's fit reaches the same verdict on each point.
    ("seed-4", ["--optimizer", "adam", "--lr", "0.1", "--epochs", "60"], 0.0),
    # 1000 noisy points: model.fit shuffles with its own random stream, not the app's, so
    # the weights differ a little; the accuracy agrees within 2 points in 100.
    ("noisy-corners", ["--normalize", "--epochs", "20"], 0.02),
])
def test_exported_script_trains_to_the_apps_accuracy(tmp_path, preset, flags, tolerance):
    script = tmp_path / "rebuild.py"
    report = headless(tmp_path, "--preset", preset, *flags, "--export-script", str(script))
    text = script.read_text()
    assert "neuron" not in text.split('"""')[-1].lower().replace("neuron lab", "")  # plain code
    last = fresh_python(f"exec(open({str(script)!r}).read())", tmp_path).splitlines()[-1]
    accuracy = float(last.split()[2])
    assert math.isclose(accuracy, report["final"]["eval_accuracy"], abs_tol=tolerance + 1e-6)


def test_the_script_holds_out_the_points_the_app_held_out(tmp_path):
    """With --test-split the script trains on the app's training points only and reports the
    held-out accuracy: on the noisy corners the same within 0.03 (fit's own shuffle)."""
    script = tmp_path / "split.py"
    report = headless(tmp_path, "--preset", "noisy-corners", "--normalize", "--epochs", "20",
                      "--test-split", "0.3", "--export-script", str(script))
    text = script.read_text()
    xy, labels = make_preset("noisy-corners", 0)
    held = held_out_mask(np.arange(len(labels)), 0, 0.3)
    assert f"{np.flatnonzero(held).tolist()!r}" in text  # the app's own split, by index
    last = fresh_python(f"exec(open({str(script)!r}).read())", tmp_path).splitlines()[-1]
    words = last.split()
    assert math.isclose(float(words[2]), report["final"]["eval_accuracy"], abs_tol=0.03)
    assert math.isclose(float(words[-1]), report["final"]["test_accuracy"], abs_tol=0.03)


def test_a_large_set_goes_to_a_csv_beside_the_script(tmp_path):
    xy = np.random.default_rng(1).normal(size=(INLINE_POINTS + 1, 2))
    labels = (xy[:, 0] > 0).astype(int)
    from core.config import TrainConfig
    script = tmp_path / "big.py"
    write_script(script, TrainConfig(epochs=2), xy, labels)
    held = np.arange(len(labels)) % 3 == 0
    write_script(script, TrainConfig(epochs=2, test_split=0.3), xy, labels, held)
    table = np.loadtxt(tmp_path / "big_points.csv", delimiter=",", skiprows=1)
    np.testing.assert_array_equal(table[:, :2], xy)
    np.testing.assert_array_equal(table[:, 3] > 0, held)
    read_xy, read_labels = load_csv(tmp_path / "big_points.csv")  # the app opens it too
    np.testing.assert_array_equal(read_xy, xy)
    np.testing.assert_array_equal(read_labels, labels)
    assert "big_points.csv" in script.read_text()
    assert "np.array([" not in script_text(TrainConfig(), xy, labels, "big_points.csv")


def test_export_flags_need_a_headless_run_and_a_keras_name():
    with pytest.raises(UsageError, match="--headless"):
        parse(["--export-model", "m.keras"])
    with pytest.raises(UsageError, match=".keras"):
        parse(["--headless", "--export-model", "m.h5"])


def test_an_unwritable_export_is_one_line_and_status_2(tmp_path):
    with pytest.raises(ExportError, match="history.csv"):  # a folder where the file would go
        (tmp_path / "history.csv").mkdir()
        write_history(tmp_path / "history.csv", {name: [] for name in history_columns()})
    blocker = tmp_path / "file"
    blocker.write_text("")
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--headless", "--quiet", "--epochs", "3",
         "--export-model", str(blocker / "m.keras")],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "m.keras" in done.stderr
