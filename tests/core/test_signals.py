"""Ctrl+C and SIGTERM on a headless run (a real subprocess): it stops after the current chunk,
writes the epochs so far with ``"interrupted": true``, says so in one line and exits 130."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def interrupted_run(tmp_path: Path, number: int, after_first_epoch: bool):
    out = tmp_path / "run.json"
    process = subprocess.Popen(
        [sys.executable, "main.py", "--headless", "--preset", "seed-4", "--epochs",
         "3000000", "--json", str(out)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if after_first_epoch:  # a line of a trained epoch (one per 50,000): training runs
        while (line := process.stdout.readline()) and line.split()[1] == "0":
            pass
        assert line, process.communicate()[1][-2000:]
    else:  # still importing (TensorFlow takes seconds): it must not end on its own meanwhile
        with pytest.raises(subprocess.TimeoutExpired):
            process.wait(timeout=0.3)
    process.send_signal(number)
    began = time.monotonic()
    _out, err = process.communicate(timeout=60)
    return process.returncode, err, time.monotonic() - began, out


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_run_keeps_its_epochs(tmp_path, number):
    status, err, seconds, out = interrupted_run(tmp_path, number, after_first_epoch=True)
    assert status == 130 and "Traceback" not in err, err[-2000:]
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("neuron-lab: interrupted at epoch ")
    report = json.loads(out.read_text())
    assert report["interrupted"] is True and report["epochs"]
    assert report["final"]["epoch"] == int(lines[0].split()[-1]) > 0
    assert seconds < 10


def test_ctrl_c_while_tensorflow_loads_is_one_line(tmp_path):
    status, err, seconds, _out = interrupted_run(tmp_path, signal.SIGINT,
                                                 after_first_epoch=False)
    assert status == 130 and "Traceback" not in err, err[-2000:]
    assert len(err.strip().splitlines()) == 1 and "interrupted" in err
    assert seconds < 15
