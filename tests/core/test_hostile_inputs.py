"""Files and outputs that are not what they should be: one line on stderr and status 2, never
a hang, a traceback or a half-written report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli import parse
from core.csv_io import DataFileError, load_csv

ROOT = Path(__file__).resolve().parents[2]


def refused(args: list[str], timeout: float = 60) -> str:
    done = subprocess.run([sys.executable, "main.py", "--headless", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and "Traceback" not in done.stderr, \
        done.stderr[-2000:]
    return lines[0]


def test_a_fifo_is_refused_at_once_not_read_forever(tmp_path):
    fifo = tmp_path / "points.csv"
    os.mkfifo(fifo)
    assert "not a regular file" in refused(["--data", str(fifo)], timeout=30)


def test_a_device_that_never_ends_is_refused(tmp_path):
    assert "not a regular file" in refused(["--data", "/dev/zero"], timeout=30)


def test_a_file_too_large_to_be_data_is_refused_before_reading(tmp_path):
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:  # sparse: no disk used
        handle.truncate(600 * 1000 * 1000)
    with pytest.raises(DataFileError, match="too large to read"):
        load_csv(huge)


def test_a_huge_field_and_control_characters_are_one_readable_line(tmp_path):
    huge = tmp_path / "field.csv"
    huge.write_text('x,y,label\n"' + "a" * 200_000 + '",1,0\n')
    assert "field.csv:2:" in refused(["--data", str(huge)])
    escape = tmp_path / "escape.csv"
    escape.write_text("x,y,label\n1,2,\x1b[31mred\n")
    line = refused(["--data", str(escape)])
    assert "\\x1b[31mred" in line and "\x1b" not in line  # shown, not obeyed by the terminal


def test_a_failed_json_write_leaves_the_old_report_whole(tmp_path, monkeypatch):
    from core import headless

    out = tmp_path / "report.json"
    out.write_text('{"old": true}\n')

    def failing(path, text):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(headless, "atomic_write_text", failing)
    status = headless.run(parse(["--headless", "--quiet", "--preset", "seed-4", "--epochs", "2",
                                 "--json", str(out)]))
    assert status == 2 and json.loads(out.read_text()) == {"old": True}


def test_a_diverged_run_exits_3_with_its_report(tmp_path):
    out = tmp_path / "diverged.json"
    done = subprocess.run([sys.executable, "main.py", "--headless", "--quiet", "--preset",
                           "noisy-corners", "--lr", "1000", "--l2", "10", "--epochs", "20",
                           "--json", str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 3, done.stderr[-2000:]
    assert json.loads(out.read_text())["diverged"] is True


def test_a_session_from_a_pipe_is_refused_too(tmp_path):
    fifo = tmp_path / "run.neuronlab"
    os.mkfifo(fifo)
    assert "not a regular file" in refused(["--session", str(fifo)], timeout=30)
