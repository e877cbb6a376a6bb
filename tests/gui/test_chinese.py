"""The window in Simplified Chinese: no visible text left in English.

Walks everything a user can read — widgets' texts and tooltips, every menu and action, tab
titles, combo boxes, the caption, the charts' titles, axes and legends, the status bar — after
training a scenario (so advice, legends and captions have appeared), and finds English words
that are not names a user would type (API names, keys, file formats). It fails on the next
feature whose texts were not translated, as ``tests/core/test_translations.py`` does for the
catalogue.
"""

import re

import pyqtgraph as pg
import pytest
from PyQt6.QtCore import QCoreApplication
from PyQt6.QtGui import QAction
from PyQt6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QMenu,
    QTabWidget,
    QWidget,
)

from core import i18n
from core.scenarios import SCENARIOS
from gui.painted_text import PaintedText
from gui.translation import install
from tests.gui.helpers import press_scenario

# Words that stay as they are in any language: what a user types into Keras or NumPy code or a
# terminal (API names, the CSV's "label" column), keys on the keyboard, formats, the app's and
# the presets' names, and each language's name in itself (the Language menu).
KEPT = frozenset((
    "model", "fit", "predict", "Dense", "Adam", "SGD", "RMSprop", "Adagrad", "sgd", "adam",
    "rmsprop", "adagrad", "BatchNormalization", "Normalization", "LogisticRegression", "scikit",
    "learn", "Keras", "TensorFlow", "NumPy", "CSV", "PNG", "JSON", "sigmoid", "Ctrl", "Shift",
    "Alt", "Space", "Esc", "Escape", "Del", "Delete", "Enter", "Home", "End", "PgUp", "PgDown",
    "Backspace", "Tab", "Neuron", "Lab", "neuronlab", "csv", "png", "seed", "noisy", "corners",
    "blobs", "xor", "circles", "px", "Python", "Left", "Right", "Up", "Down", "adapt", "kernel",
    "numpy", "savetxt", "pandas", "label", "SVG", "log", "BatchNorm", "English",
))
WORD = re.compile(r"[A-Za-z][A-Za-z']{2,}")


def english_words(text: str) -> list[str]:
    plain = re.sub(r"<[^>]+>|&[a-z]+;", " ", text or "")
    plain = re.sub(r"\S*\.(csv|png|neuronlab|py|keras)\b|model\.\w+|keras\.\S+", " ", plain)
    return [word for word in WORD.findall(plain) if word not in KEPT]


def visible_texts(window) -> list[tuple[str, str]]:
    """(where, text) for everything a user can read in the window."""
    found: list[tuple[str, str]] = []
    for widget in window.findChildren(QWidget):
        name = type(widget).__name__
        if widget.toolTip():
            found.append((f"{name} tooltip", widget.toolTip()))
        if isinstance(widget, (QLabel, QAbstractButton)) and widget.text():
            found.append((name, widget.text()))
        if isinstance(widget, PaintedText):
            found.append((name, widget.text()))
        if isinstance(widget, QGroupBox):
            found.append((name, widget.title()))
        if isinstance(widget, QComboBox):
            found += [(f"{name} item", widget.itemText(i)) for i in range(widget.count())]
        if isinstance(widget, QTabWidget):
            for i in range(widget.count()):
                found += [("tab", widget.tabText(i)), ("tab tooltip", widget.tabToolTip(i))]
        if isinstance(widget, QMenu):
            found.append(("menu", widget.title()))
    for action in window.findChildren(QAction):
        found += [("action", action.text()), ("action tooltip", action.toolTip()),
                  ("action status tip", action.statusTip())]
    for view in window.findChildren(pg.GraphicsView):
        for item in view.scene().items():
            if isinstance(item, pg.AxisItem) and item.label.isVisible():
                found.append(("axis", item.labelText))
            if isinstance(item, pg.LabelItem) and item.isVisible():
                found.append(("chart label", item.text))
            if isinstance(item, pg.TextItem) and item.isVisible():
                found.append(("chart text", item.toPlainText()))
    found.append(("window title", window.windowTitle()))
    found.append(("status", window.statusBar().currentMessage()))
    return [(where, text) for where, text in found if text]


@pytest.fixture
def chinese():
    app = QCoreApplication.instance()
    translators = install(app, "zh_CN")
    yield
    for translator in translators:
        app.removeTranslator(translator)
    i18n.set_language("en")


def test_the_window_in_chinese_has_no_english_left(qtbot, chinese, make_window):
    window = make_window()
    title = QCoreApplication.translate("Scenarios", SCENARIOS["question-4"].title)
    assert re.search(r"[\u4e00-\u9fff]", title)  # the button reads in Chinese
    press_scenario(qtbot, window, title)
    qtbot.waitUntil(lambda: window.bridge.trainer.epoch >= 20, timeout=120_000)
    qtbot.waitUntil(lambda: window.coach_panel.reference is not None, timeout=60_000)
    window.coach_panel.update_advice()
    for panel in (window.coach_panel, window.predict_panel, window.landscape_panel,
                  window.lr_finder_panel, window.metrics):
        window.show_panel(panel)
    left = [(where, text) for where, text in visible_texts(window) if english_words(text)]
    assert not left, "\n".join(f"{where}: {text!r}" for where, text in left[:40])


def test_the_language_menu_remembers_the_choice_for_the_next_start(qtbot, tmp_path):
    from PyQt6.QtCore import QSettings

    from core.config import TrainConfig
    from core.dataset import Dataset
    from core.document import Document
    from gui.language_menu import remembered_language
    from gui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Document(Dataset()), TrainConfig(), settings=settings)
    qtbot.addWidget(window)
    entries = {action.data(): action for action in window.language_menu.actions()}
    assert set(entries) == set(i18n.LANGUAGES) and entries["en"].isChecked()
    entries["zh_CN"].trigger()
    assert remembered_language(settings) == "zh_CN"
    assert "简体中文" in window.statusBar().currentMessage()  # and when it applies
    window.close()
