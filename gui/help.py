"""Help a newcomer finds without reading a manual: a welcome over the plot on first launch, and
two Help dialogs (keys and gestures; what the lines and charts mean).

The keys dialog is generated from the window's own actions and their shortcuts, so it lists
exactly the keys that work, never a stale copy. The welcome is opt-in: the window shows it only
when given settings that say it was not seen yet (tests and screenshots pass none).
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from PyQt6.QtCore import QCoreApplication, QEvent, QObject, QSettings, Qt, pyqtSignal
from PyQt6.QtGui import QAction, QColor, QKeySequence, QPainter
from PyQt6.QtWidgets import (
    QAbstractScrollArea,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

WELCOME_SEEN_KEY = "help/welcome-seen"


def _tr(text: str) -> str:
    return QCoreApplication.translate("Help", text)


# --- settings ------------------------------------------------------------------------------
def app_settings() -> QSettings:
    """The user's settings (organisation and application both "Neuron Lab")."""
    return QSettings("Neuron Lab", "Neuron Lab")


def welcome_due(settings: QSettings | None) -> bool:
    """True on a first launch: settings given and the welcome never dismissed in them."""
    return settings is not None and not settings.value(WELCOME_SEEN_KEY, False, type=bool)


# --- texts ---------------------------------------------------------------------------------
def welcome_html() -> str:
    return _tr(
        "<p style='font-size:13pt'><b>One neuron, learning to separate two classes</b></p>"
        "<ul style='margin-left:-20px'>"
        "<li><b>Click</b> the plot to add a class-1 point (orange triangle), "
        "<b>right-click</b> for class 0 (blue circle).</li>"
        "<li>Press <b>Space</b> to train or pause, and watch the line move.</li>"
        "<li>The <b>scenario buttons</b> on the left replay the question (BatchNormalization, "
        "unscaled inputs) and its answers' fixes; the caption above says what each run "
        "shows.</li></ul>"
        "<p>Help ▸ Keys and gestures (F1) lists every key.</p>")


def gestures() -> list[tuple[str, str]]:
    """Mouse gestures on the plot: (gesture, what it does)."""
    return [
        (_tr("Click"), _tr("Add a point of the brush's class (class 1 unless Class 0 or "
                           "Erase is chosen)")),
        (_tr("Right-click"), _tr("Add a class-0 point")),
        (_tr("Ctrl+click"), _tr("Remove the point under the cursor (also a click with the "
                                "Erase brush)")),
        (_tr("Drag a point"), _tr("Move it (one undo step); a selected point moves the "
                                  "whole selection")),
        (_tr("Drag elsewhere"), _tr("Pan the view (with the Spray or Select brush: the "
                                    "middle button)")),
        (_tr("Spray: drag"), _tr("Add points around the cursor, of the last class brush's "
                                 "class; the radius and points per puff are beside the brushes; "
                                 "one undo step per stroke")),
        (_tr("Spray: right-drag"), _tr("Spray class-0 points")),
        (_tr("Select: drag on empty space"), _tr("Select the points in a rectangle (Shift "
                                                 "adds to the selection)")),
        (_tr("Select: click"), _tr("Select the point under the cursor (Shift adds or takes "
                                   "it out); on empty space, select nothing")),
        (_tr("Escape on the plot"), _tr("Clear the selection")),
        (_tr("Mouse wheel"), _tr("Zoom around the cursor")),
    ]


def action_keys(actions: Iterable[QAction]) -> list[tuple[str, str, str]]:
    """(keys, action, what it does) for every action with a shortcut, in the window's order:
    read from the actions themselves, so the list is never stale."""
    rows = []
    for action in actions:
        keys = [s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts()]
        keys = [k for k in keys if k]
        if not keys:
            continue
        name = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        rows.append((" / ".join(keys), name.rstrip("…"), action.statusTip()))
    return rows


def keys_html(actions: Iterable[QAction]) -> str:
    def table(rows: Iterable[tuple[str, ...]]) -> str:
        cells = "".join(
            "<tr>" + "".join(f"<td style='padding:2px 10px 2px 0'>{c}</td>" for c in cells)
            + "</tr>"
            for cells in ((f"<b>{html.escape(first)}</b>", *map(html.escape, rest))
                          for first, *rest in rows))
        return f"<table>{cells}</table>"

    note = _tr("Keys work anywhere in the window, except that a text box keeps the keys you "
               "type into it.")
    return (f"<h3>{html.escape(_tr('Keys'))}</h3>{table(action_keys(actions))}"
            f"<h3>{html.escape(_tr('Mouse on the plot'))}</h3>{table(gestures())}"
            f"<p>{html.escape(note)}</p>")


def meanings_html() -> str:
    return _tr(
        "<h3>The plot</h3>"
        "<p><b>Solid black line</b>: where <code>predict</code> gives 0.5 — the model in "
        "inference mode, as you would use it after training.</p>"
        "<p><b>Dashed line</b> (only with BatchNormalization): the same boundary in training "
        "mode, with the last batch's mean and variance instead of the running averages. "
        "When the two lines differ, what <code>fit</code> reports and what "
        "<code>predict</code> does differ too — the question's first puzzle.</p>"
        "<p><b>Background colour</b>: the probability map, P(class 1) from "
        "<code>predict</code> at every place (blue: class 0, orange: class 1, white: "
        "0.5).</p>"
        "<p><b>Rings</b>: points that <code>predict</code> classifies wrongly. Hollow markers "
        "are held-out test points (with a test split).</p>"
        "<h3>Accuracy and loss</h3>"
        "<p><b>fit</b>: what Keras reports for an epoch — averaged over the epoch's batches "
        "while the weights were still moving, in training mode.</p>"
        "<p><b>predict</b>: the model as it is now, in inference mode, on all training "
        "points.</p>"
        "<p><b>test</b>: the same on the held-out points, which training never sees.</p>"
        "<h3>Weights</h3>"
        "<p>The neuron computes sigmoid(w1·x + w2·y + b). The weights chart shows w1, w2 and b "
        "epoch by epoch: when they barely move, the learning rate is too small for the "
        "number of epochs; when they grow without bound, the classes can be separated "
        "perfectly and the loss keeps pushing.</p>"
        "<h3>The caption</h3>"
        "<p>Above the plot, one or two sentences say what the run shows, with the measured "
        "figures, and may offer the next fix as a button.</p>")


# --- dialogs -------------------------------------------------------------------------------
class HelpDialog(QDialog):
    """A non-modal window of rich text: it can stay open beside the main window."""

    def __init__(self, parent: QWidget, name: str, title: str) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(560, 520)

    def set_html(self, text: str) -> None:
        self.browser.setHtml(text)


def _show_help(window: QWidget, name: str, title: str, text: str) -> HelpDialog:
    dialog = window.findChild(HelpDialog, name) or HelpDialog(window, name, title)
    dialog.set_html(text)
    dialog.show()
    dialog.raise_()
    return dialog


def show_keys(window: QWidget) -> HelpDialog:
    """The keys dialog, from the window's actions as they are now."""
    return _show_help(window, "keys-dialog", _tr("Keys and gestures"), keys_html(window.actions()))


def show_meanings(window: QWidget) -> HelpDialog:
    return _show_help(window, "meanings-dialog", _tr("What the lines and charts mean"),
                      meanings_html())


# --- the welcome ---------------------------------------------------------------------------
class WelcomeOverlay(QWidget):
    """A card over the plot that says what to do first. "Got it", Escape (the window's
    Dismiss action) or any click on the plot closes it; that click adds no point."""

    shownChanged = pyqtSignal(bool)

    def __init__(self, plot: QAbstractScrollArea, settings: QSettings | None = None) -> None:
        viewport = plot.viewport()
        super().__init__(viewport)
        self.setObjectName("welcome")
        self._viewport = viewport
        self._settings = settings
        self._showing = False
        self._swallow_release = False

        card = QFrame()
        card.setObjectName("welcome-card")
        card.setStyleSheet("#welcome-card { background: white; border: 1px solid #8A8A8A;"
                           " border-radius: 6px; }")
        card.setMaximumWidth(440)
        text = QLabel(welcome_html())
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        self.got_it = QPushButton(_tr("Got it"))
        self.got_it.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # Space keeps training
        self.got_it.clicked.connect(self.dismiss)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.got_it)
        inner = QVBoxLayout(card)
        inner.addWidget(text)
        inner.addLayout(buttons)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 10)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        viewport.installEventFilter(self)
        self.hide()

    def showing(self) -> bool:
        return self._showing

    def show_if_due(self) -> None:
        """Show on a first launch (see ``welcome_due``)."""
        if welcome_due(self._settings):
            self.show_welcome()

    def show_welcome(self) -> None:
        self.setGeometry(self._viewport.rect())
        self.show()
        self.raise_()
        if not self._showing:
            self._showing = True
            self.shownChanged.emit(True)

    def dismiss(self) -> None:
        """Close it, and remember that it was seen (it does not come back by itself)."""
        if not self._showing:
            return
        self._showing = False
        self.hide()
        if self._settings is not None:
            self._settings.setValue(WELCOME_SEEN_KEY, True)
            self._settings.sync()
        self.shownChanged.emit(False)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt naming
        """Veil the plot, so the card reads as a note over it."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(255, 255, 255, 150))
        painter.end()

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        """A click anywhere over the plot dismisses it (the plot never sees the click)."""
        event.accept()
        self.dismiss()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt naming
        event.accept()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        """Follow the plot's size; while shown, a press sent to the plot itself (not through
        the card) dismisses it, and neither the press nor its release adds a point."""
        if watched is self._viewport:
            kind = event.type()
            if kind == QEvent.Type.Resize:
                self.setGeometry(self._viewport.rect())
            elif self._showing and kind in (QEvent.Type.MouseButtonPress,
                                            QEvent.Type.MouseButtonDblClick):
                self._swallow_release = True
                self.dismiss()
                return True
            elif self._swallow_release and kind == QEvent.Type.MouseButtonRelease:
                self._swallow_release = False
                return True
        return super().eventFilter(watched, event)
