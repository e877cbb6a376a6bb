"""The question's scenarios, end to end through ``main.py --headless --json``."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli import parse
from core.headless import run
from core.record import FIELD_NAMES

ROOT = Path(__file__).resolve().parents[2]


def headless(tmp_path, *args):
    out = tmp_path / "run.json"
    assert run(parse(["--headless", "--quiet", "--json", str(out), *args])) == 0
    return json.loads(out.read_text())


def test_json_report_shape(tmp_path):
    report = headless(tmp_path, "--preset", "seed-4", "--epochs", "3", "--test-split", "0.5")
    assert [e["epoch"] for e in report["epochs"]] == [1, 2, 3]
    assert report["final"] == report["epochs"][-1]
    for epoch in report["epochs"]:  # exactly the record's fields: named once, in core.record
        assert tuple(epoch) == FIELD_NAMES
    assert report["config"]["test_split"] == 0.5 and report["diverged"] is False
    assert report["train_seconds"] > 0 and report["epochs_per_second"] > 0


def test_scenario_a_batchnorm_adam_leaves_predict_wrong(tmp_path):
    wrong = 0
    for seed in range(6):
        final = headless(tmp_path, "--preset", "seed-4", "--batchnorm", "--optimizer", "adam",
                         "--lr", "0.001", "--epochs", "20", "--seed", str(seed))["final"]
        wrong += final["eval_accuracy"] < 1.0
    assert wrong >= 4, f"predict was right in {6 - wrong} of 6 starts"


def test_scenario_b_unscaled_stays_near_chance(tmp_path):
    final = headless(tmp_path, "--preset", "seed-2000", "--optimizer", "adam", "--epochs",
                     "5")["final"]
    assert 0.45 <= final["accuracy"] <= 0.55


def test_scenario_b_fixed_by_normalization(tmp_path):
    final = headless(tmp_path, "--preset", "seed-2000", "--normalize", "--optimizer", "adam",
                     "--lr", "0.01", "--epochs", "20")["final"]
    assert final["eval_accuracy"] >= 0.99


def test_answer_fix_noisy_corners_sgd(tmp_path):
    final = headless(tmp_path, "--preset", "noisy-corners", "--optimizer", "sgd", "--lr", "0.5",
                     "--epochs", "50")["final"]
    assert final["eval_accuracy"] >= 0.98


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lr", "-1"], "learning rate must be between"),
        (["--optimizer", "lbfgs"], "invalid choice: 'lbfgs'"),
        (["--data", "missing.csv"], "missing.csv: no such file"),
        (["--epochs", "0"], "--epochs must be at least 1"),
        (["--batch-size", "x"], "invalid int value"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(args, message):
    done = subprocess.run([sys.executable, "main.py", "--headless", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in done.stderr


def test_a_file_without_points_or_a_folder_as_output_fail_before_training(tmp_path):
    """Found while parsing arguments: one line, not after TensorFlow has loaded."""
    empty = tmp_path / "empty.csv"
    empty.write_text("x,y,label\n")
    for args, message in ((["--data", str(empty)], "empty.csv: no points to train on"),
                          (["--json", str(tmp_path)], "is a folder, not a file name")):
        done = subprocess.run([sys.executable, "main.py", "--headless", *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 2 and len(lines) == 1 and message in lines[0]


def test_a_normal_run_prints_nothing_on_stderr():
    """TensorFlow's native start-up lines (oneDNN, CUDA, XLA service) are not the user's
    business; only real problems go to stderr."""
    done = subprocess.run([sys.executable, "main.py", "--headless", "--preset", "seed-4",
                           "--epochs", "2", "--batchnorm", "--quiet"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stderr == ""


def test_bad_csv_exit_2_names_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y,label\n0,0,0\n1,oops,1\n")
    done = subprocess.run([sys.executable, "main.py", "--headless", "--data", str(bad)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "bad.csv:3: y is not a number" in done.stderr


def test_the_coachs_advice_is_printed_and_in_the_json(tmp_path):
    """The question's 2000 points: one line naming the cause and the flag that fixes it, and
    ``advice`` in the report with the fix as the settings it changes."""
    out = tmp_path / "run.json"
    printed = io.StringIO()
    assert run(parse(["--headless", "--scenario", "question-2000", "--json", str(out)]),
               printed) == 0
    lines = [line for line in printed.getvalue().splitlines() if line.startswith("advice ")]
    assert lines == ["advice unscaled-inputs: x spans 0–999 while y spans 0–1: the sigmoid "
                     "saturates and gradient descent crawls. Normalize the inputs. "
                     "(fix: --normalize)"]
    report = json.loads(out.read_text())
    message = lines[0].removeprefix("advice unscaled-inputs: ").removesuffix(
        " (fix: --normalize)")
    assert report["advice"] == [{"code": "unscaled-inputs", "message": message,
                                 "fix": {"normalize": True}}]
    assert report["reference"]["name"] == "LogisticRegression"
    assert report["reference"]["c"] == 1.0 and report["reference"]["accuracy"] == 1.0


def test_a_run_that_works_has_no_advice(tmp_path):
    report = headless(tmp_path, "--preset", "seed-4", "--scenario", "fix-sgd", "--seed", "4")
    assert report["final"]["eval_accuracy"] == 1.0 and report["advice"] == []


def test_a_saved_session_goes_on_headless_as_the_unbroken_run_would(tmp_path):
    """``--save-session`` after 30 epochs, then ``--session`` for 20 more: epochs 31 to 50
    are the ones a 50-epoch run trains (the question's batch-normalised Adam run)."""
    scenario = ["--scenario", "question-4", "--test-split", "0.25"]
    whole = headless(tmp_path, *scenario, "--epochs", "50")
    saved = tmp_path / "run.neuronlab"
    headless(tmp_path, *scenario, "--epochs", "30", "--save-session", str(saved))
    out = io.StringIO()
    report = tmp_path / "more.json"
    assert run(parse(["--headless", "--session", str(saved), "--epochs", "20",
                      "--json", str(report)]), out) == 0
    more = json.loads(report.read_text())
    assert more["epochs"][-1]["epoch"] == 50
    assert [e for e in more["epochs"] if e["epoch"] > 30] == whole["epochs"][30:]
    # The epochs before are the saved history; the lines printed are the new ones only.
    assert [e["epoch"] for e in more["epochs"][:30]] == list(range(1, 31))
    printed = [line.split()[1] for line in out.getvalue().splitlines()
               if line.startswith("epoch")]
    assert printed[0] == "31" and printed[-1] == "50"
    assert "trained 20 epochs" in out.getvalue()


@pytest.mark.parametrize(("args", "message"), [
    (["--lr", "0.1"], "--session brings its own settings; drop --lr"),
    (["--preset", "blobs"], "not allowed with argument"),
    (["--save-session", "x.neuronlab"], "need --headless"),
])
def test_session_flags_that_cannot_go_together_are_one_line(tmp_path, args, message):
    session = tmp_path / "s.neuronlab"
    session.write_text("{}")
    with pytest.raises(Exception) as error:
        parse(["--session", str(session), *args])
    assert message in str(error.value)


def test_a_broken_session_file_exits_2_with_one_line(tmp_path):
    broken = tmp_path / "broken.neuronlab"
    broken.write_text('{"format": "neuron-lab-session", "version": 7}')
    done = subprocess.run([sys.executable, "main.py", "--headless", str(broken)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and "newer Neuron Lab" in lines[0]


def test_a_long_run_records_a_bounded_number_of_epochs_and_says_which(tmp_path, monkeypatch):
    """Past RECORDED_EPOCHS the JSON keeps every k-th epoch (and the last, exactly): a
    400,000-epoch run no longer holds one object per epoch."""
    import core.headless

    monkeypatch.setattr(core.headless, "RECORDED_EPOCHS", 100)
    report = headless(tmp_path, "--preset", "seed-4", "--epochs", "1000", "--lr", "0.5")
    epochs = [e["epoch"] for e in report["epochs"]]
    assert len(epochs) <= 100 and epochs[-1] == 1000 == report["final"]["epoch"]
    every = report["recorded"]["every"]
    assert every > 1 and all(e % every == 0 for e in epochs[:-1])
    assert report["recorded"]["count"] == len(epochs)


def test_a_session_whose_model_does_not_fit_its_settings_is_refused_headless(tmp_path):
    """Not a silent restart from epoch 0: one line naming the file, status 2."""
    saved = tmp_path / "adam.neuronlab"
    headless(tmp_path, "--preset", "seed-4", "--optimizer", "adam", "--epochs", "3",
             "--save-session", str(saved))
    document = json.loads(saved.read_text())
    document["config"]["optimizer"] = "sgd"  # Adam's moments do not fit SGD
    saved.write_text(json.dumps(document))
    err = io.StringIO()
    import contextlib

    with contextlib.redirect_stderr(err):
        status = run(parse(["--headless", "--quiet", "--session", str(saved), "--epochs", "2"]))
    assert status == 2
    assert err.getvalue().count("\n") == 1 and "does not fit its settings" in err.getvalue()
    assert str(saved) in err.getvalue()
