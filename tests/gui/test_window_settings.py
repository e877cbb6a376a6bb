"""The window reopens as it was closed: size, splitter, last folder, pace and brush; and
``--reset-settings`` forgets all of it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PyQt6.QtCore import QSettings
from PyQt6.QtWidgets import QFileDialog, QSplitter

from core.config import TrainConfig
from core.dataset import Dataset
from core.document import Document
from gui.main_window import MainWindow
from gui.plot_view import Brush
from gui.window_settings import BRUSH_KEY, PACE_KEY, SPLITTER_KEY

ROOT = Path(__file__).resolve().parents[2]


def ini(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def launch(qtbot, answers):
    """A window as the app opens it with the given settings (no model needed)."""
    windows = []  # qtbot holds weak references only: a collected window dies mid-paint

    def make(settings):
        xy = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
        window = MainWindow(Document(Dataset(xy, np.array([0, 0, 1, 1])), preset="seed-4"),
                            TrainConfig(), pace=5.0, settings=settings)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()


def splitter(window) -> QSplitter:
    return window.centralWidget().findChild(QSplitter)


def test_the_window_reopens_as_it_was_closed(launch, tmp_path):
    first = launch(ini(tmp_path))
    # The offscreen screen is 800 pixels square and the window at least ~850 wide; Qt fits
    # a restored window onto the screen, so the height and the place are what can differ.
    first.resize(790, 610)
    first.move(first.x() + 0, 70)
    splitter(first).setSizes([300, 450, 350])
    first.pace.set_pace(20.0)
    first.set_brush(Brush.CLASS0)
    folder = tmp_path / "my data"
    folder.mkdir()
    first.files.save_to(folder / "points.csv")
    sizes = splitter(first).sizes()
    geometry = first.geometry()
    assert first.close()

    again = launch(ini(tmp_path))
    assert again.height() == 610 and again.geometry() == geometry
    assert splitter(again).sizes() == sizes
    assert again.pace.pace == 20.0 and again.bridge.trainer.pace == 20.0
    assert again.plot.brush == Brush.CLASS0
    assert again.brush_actions[Brush.CLASS0].isChecked()
    assert again.files.last_folder == str(folder)


def test_open_starts_in_the_last_folder(launch, tmp_path, monkeypatch):
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    np.savetxt(folder / "q.txt", np.array([[0.0, 0.0, 0], [1.0, 1.0, 1]]))
    first = launch(ini(tmp_path))
    assert first.files.load_file(folder / "q.txt")
    assert first.close()

    asked = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *args: (asked.append(args[2]), ("", ""))[1])
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args: (asked.append(args[2]), ("", ""))[1])
    again = launch(ini(tmp_path))  # on a preset: no file of its own to start from
    again.open_file()
    again.files.save_file()
    assert asked == [str(folder), str(folder / "seed-4.csv")]


def test_max_speed_is_remembered_too(launch, tmp_path):
    first = launch(ini(tmp_path))
    first.pace.set_pace(None)
    assert first.close()
    assert launch(ini(tmp_path)).pace.pace is None


def test_a_scenarios_pace_is_not_remembered_as_the_users(launch, tmp_path):
    """The 2000-point question plays at 2 epochs a second for its story; the next start
    opens at the pace the user chose, not at that."""
    from core.scenarios import SCENARIOS

    first = launch(ini(tmp_path))
    first.pace.faster()
    chosen = first.pace.pace
    first.apply_scenario(SCENARIOS["question-2000"])
    assert first.pace.pace != chosen
    assert first.close()
    assert launch(ini(tmp_path)).pace.pace == chosen


def test_without_settings_nothing_is_remembered(launch, tmp_path):
    first = launch(None)
    first.set_brush(Brush.ERASE)
    first.resize(1000, 700)
    assert first.close()
    again = launch(None)
    assert again.plot.brush == Brush.CLASS1 and again.width() == 1280


def test_unusable_stored_values_are_ignored(launch, tmp_path):
    settings = ini(tmp_path)
    settings.setValue(SPLITTER_KEY, ["a", "b"])
    settings.setValue(PACE_KEY, "fast")
    settings.setValue(BRUSH_KEY, "spray-can")
    settings.sync()
    window = launch(ini(tmp_path))
    assert window.pace.pace == 5.0 and window.plot.brush == Brush.CLASS1
    assert len(splitter(window).sizes()) == 3


def run_main(args, config_home):
    env = {**os.environ, "XDG_CONFIG_HOME": str(config_home), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_reset_settings_forgets_everything_and_says_so(tmp_path):
    conf = tmp_path / "Neuron Lab" / "Neuron Lab.conf"
    conf.parent.mkdir()
    conf.write_text("[General]\nrecent_files=/tmp/a.csv\n\n[help]\nwelcome-seen=true\n\n"
                    "[plot]\nbrush=class0\n")
    done = run_main(["--reset-settings"], tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1 and "settings reset" in lines[0]
    left = QSettings(str(conf), QSettings.Format.NativeFormat)
    assert left.allKeys() == []


def test_reset_settings_with_a_headless_run_is_one_line_and_status_2(tmp_path):
    done = run_main(["--reset-settings", "--headless"], tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "--reset-settings" in done.stderr
