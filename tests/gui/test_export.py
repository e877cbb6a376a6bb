"""File → Export from the real window: history CSV, the .keras model (loaded by a fresh Python
without Neuron Lab), the Keras script, and the pictures of the plot and the charts."""

import csv
import subprocess
import sys
from xml.etree import ElementTree

import numpy as np
import pyqtgraph as pg
from PyQt6.QtGui import QImage

from core.record import history_columns
from core.trainer import TrainerState

TIMEOUT = 60_000


def trained(qtbot, make_window, epochs=25, **config):
    window = make_window(optimizer="sgd", learning_rate=0.5, epochs=epochs, **config)
    window.bridge.start()
    qtbot.waitUntil(lambda: window.bridge.state is TrainerState.PAUSED
                    and window.metrics.latest.epoch == epochs, timeout=TIMEOUT)
    return window


def test_the_file_menu_lists_the_exports(qtbot, make_window):
    window = make_window()
    file_menu = window.menuBar().actions()[0].menu()
    texts = [action.text() for action in file_menu.actions()]
    for text in ("Export model…", "Export Keras script…", "Export history…",
                 "Export picture…"):
        assert text in texts


def test_export_history_writes_every_epoch_the_charts_hold(qtbot, make_window, tmp_path):
    window = trained(qtbot, make_window, epochs=25)
    out = tmp_path / "history.csv"
    assert window.exports.export_history(out)
    rows = list(csv.reader(out.open(newline="")))
    assert tuple(rows[0]) == history_columns()
    assert [int(r[0]) for r in rows[1:]] == list(range(26))
    loss = rows[0].index("loss")
    np.testing.assert_array_equal([float(r[loss]) for r in rows[2:]],
                                  window.metrics.recorded.column("loss")[1:])


def test_export_model_predicts_the_windows_probabilities_in_plain_keras(qtbot, make_window,
                                                                        tmp_path):
    window = trained(qtbot, make_window, epochs=20, normalize=True, batchnorm=True)
    out = tmp_path / "neuron.keras"
    with qtbot.waitSignal(window.exports.modelSaved, timeout=TIMEOUT):
        window.exports.export_model(out)
    xy = window.dataset.snapshot().xy
    code = ("import keras, numpy as np\n"
            f"m = keras.models.load_model({str(out)!r}, safe_mode=True)\n"
            f"p = m.predict(np.array({xy.tolist()!r}), verbose=0).reshape(-1)\n"
            "print(' '.join(repr(float(v)) for v in p))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300, env={"PATH": "/usr/bin:/bin",
                                                       "CUDA_VISIBLE_DEVICES": ""})
    assert done.returncode == 0, done.stderr[-2000:]
    predicted = np.array([float(v) for v in done.stdout.split()])
    a, b, c = window.metrics.latest.line
    app = 1 / (1 + np.exp(-(a * xy[:, 0] + b * xy[:, 1] + c)))
    np.testing.assert_allclose(predicted, app, atol=1e-5)


def test_an_unwritable_export_says_one_line_in_the_caption(qtbot, make_window, tmp_path):
    window = make_window()
    (tmp_path / "taken").mkdir()
    assert not window.exports.export_history(tmp_path / "taken")
    qtbot.waitUntil(lambda: "taken" in window.caption.error_text())
    assert "\n" not in window.caption.error_text()
    with qtbot.waitSignal(window.exports.failed, timeout=TIMEOUT):
        window.exports.export_model(tmp_path / "missing" / "m.keras")


def test_export_script_writes_plain_keras_for_the_windows_config(qtbot, make_window, tmp_path):
    window = make_window(optimizer="adam", learning_rate=0.05, epochs=7, seed=3, l2=0.01)
    out = tmp_path / "rebuild.py"
    assert window.exports.export_script(out)
    text = out.read_text()
    compile(text, str(out), "exec")
    for piece in ("keras.utils.set_random_seed(3)", "GlorotUniform(seed=3)", "Adam(",
                  "learning_rate=0.05", "L2(0.01)", "epochs=7", "model.fit("):
        assert piece in text
    assert "core." not in text and "neuron_lab" not in text


def test_export_picture_writes_png_and_svg_of_plot_and_charts(qtbot, make_window, tmp_path):
    window = trained(qtbot, make_window, epochs=10)
    png = window.exports.export_picture(tmp_path / "view.png")
    assert [p.name for p in png] == ["view.png", "view-charts.png"]
    for path in png:
        data = path.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 2000
    width = int.from_bytes(png[0].read_bytes()[16:20], "big")
    assert abs(width - window.plot.plotItem.sceneBoundingRect().width()) <= 2  # window size
    wide = window.exports.export_picture(tmp_path / "wide.png", width=1600)
    assert int.from_bytes(wide[0].read_bytes()[16:20], "big") == 1600
    svg = window.exports.export_picture(tmp_path / "view.svg")
    for path in svg:
        root = ElementTree.parse(path).getroot()  # well-formed XML
        assert root.tag.endswith("svg") and len(list(root.iter())) > 20


def test_export_picture_asks_the_width_of_a_png(qtbot, make_window, tmp_path, monkeypatch):
    """File → Export picture…: the PNG's width is asked, the window's size proposed."""
    from PyQt6.QtWidgets import QFileDialog, QInputDialog

    window = make_window()
    proposed = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args: (str(tmp_path / "slide.png"), ""))
    monkeypatch.setattr(QInputDialog, "getInt",
                        lambda *args: (proposed.append(args[3]), (2000, True))[1])
    window.exports.ask_picture()
    assert proposed == [round(window.plot.plotItem.sceneBoundingRect().width())]
    plot, charts = QImage(str(tmp_path / "slide.png")), QImage(str(tmp_path / "slide-charts.png"))
    assert plot.width() == 2000
    # The charts are scaled by the same factor, so they keep their shape beside the plot.
    scale = 2000 / window.plot.plotItem.boundingRect().width()
    assert abs(charts.width() - scale * window.metrics.findChild(
        pg.GraphicsLayoutWidget).ci.boundingRect().width()) <= 2
    monkeypatch.setattr(QInputDialog, "getInt", lambda *args: (0, False))
    (tmp_path / "slide.png").unlink()
    window.exports.ask_picture()  # cancelled at the width: nothing written
    assert not (tmp_path / "slide.png").exists()
