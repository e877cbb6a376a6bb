"""Ctrl+C and SIGTERM on the real app in a subprocess (offscreen): it closes, says so in one
line, never prints a traceback, and SIGTERM keeps unsaved points for recovery."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from core.session import load_session
from gui.recovery import RECOVERY_NAME

ROOT = Path(__file__).resolve().parents[2]

# The app as ``python main.py`` runs it (run_app), with a hook that edits or trains once the
# window is up and says on stdout when the test may send its signal.
DRIVER = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[1])
    import gui.app as app
    from PyQt6.QtCore import QTimer
    from core.cli import parse

    opened = app.open_window

    def open_window(*args, **kwargs):
        window = opened(*args, **kwargs)
        mode = sys.argv[2]
        if mode == "edit":
            window.dataset.add(0.5, 0.5, 1)
        if mode == "train":
            window.bridge.epochsReady.connect(
                lambda batches: batches[-1].last().epoch > 10 and print("ready", flush=True))
            window.bridge.start()
        else:
            QTimer.singleShot(0, lambda: print("ready", flush=True))
        return window

    app.open_window = open_window
    from PyQt6.QtWidgets import QMessageBox
    ask = QMessageBox.question

    def question(*args, **kwargs):  # tell the test the question is up, then ask it
        print("asking", flush=True)
        return ask(*args, **kwargs)

    QMessageBox.question = question
    sys.exit(app.run_app(parse(["--preset", "seed-4"])))
""")


def start(tmp_path: Path, mode: str) -> subprocess.Popen:
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    (tmp_path / "run").mkdir(mode=0o700, exist_ok=True)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path / "home"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_RUNTIME_DIR": str(tmp_path / "run")}
    process = subprocess.Popen([sys.executable, str(driver), str(ROOT), mode], env=env,
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    line = process.stdout.readline()  # blocks until the window is up (or the process died)
    assert line.strip() == "ready", process.communicate(timeout=60)[1][-2000:]
    return process


def ended(process: subprocess.Popen, timeout: float = 30) -> tuple[int, str, float]:
    began = time.monotonic()
    _out, err = process.communicate(timeout=timeout)
    return process.returncode, err, time.monotonic() - began


@pytest.mark.parametrize("mode", ["idle", "train"])
def test_ctrl_c_closes_the_window_idle_or_training(tmp_path, mode):
    process = start(tmp_path, mode)
    process.send_signal(signal.SIGINT)
    status, err, seconds = ended(process)
    assert status == 130 and "Traceback" not in err, err[-2000:]
    assert "SIGINT received" in err and seconds < 15


def test_sigterm_closes_at_once_and_keeps_unsaved_points_for_recovery(tmp_path):
    process = start(tmp_path, "edit")
    process.send_signal(signal.SIGTERM)
    status, err, _seconds = ended(process)
    assert status == 143 and "Traceback" not in err, err[-2000:]
    copies = list((tmp_path / "data").rglob(RECOVERY_NAME))
    assert len(copies) == 1
    assert len(load_session(copies[0]).labels) == 5  # the preset's 4 and the one added


def test_ctrl_c_with_unsaved_points_asks_and_a_second_one_ends_it(tmp_path):
    """The first Ctrl+C asks about the unsaved points as Ctrl+Q does; a second one does not
    wait for the answer: it closes, keeping them for recovery."""
    process = start(tmp_path, "edit")
    process.send_signal(signal.SIGINT)
    assert process.stdout.readline().strip() == "asking"  # the question is up
    assert process.poll() is None
    process.send_signal(signal.SIGINT)
    status, err, _seconds = ended(process)
    assert status == 130 and "Traceback" not in err, err[-2000:]
    assert list((tmp_path / "data").rglob(RECOVERY_NAME))
