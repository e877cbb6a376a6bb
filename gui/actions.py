"""Window actions that say their keys, and where keys go: one helper each, so every shortcut
reaches its tooltip and every control keeps the keys typed into it the same way."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from PyQt6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import QAbstractButton, QWidget


def window_action(window: QWidget, text: str, keys: str | Sequence[str] | None,
                  slot: Callable, tip: str) -> QAction:
    """An action on ``window`` whose shortcuts work anywhere in it and whose tooltip names
    them ("Train / pause (Space)"), so a user can learn every key by hovering."""
    action = QAction(text, window)
    names = [keys] if isinstance(keys, str) else list(keys or [])
    sequences = [QKeySequence(name) for name in names]
    action.setShortcuts(sequences)
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    shown = " / ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in sequences)
    text = QCoreApplication.translate("MainWindow", "{0} ({1})").format(tip, shown) \
        if shown else tip
    action.setToolTip(f"<p>{html.escape(text)}</p>")  # rich text: Qt wraps long tips
    action.setStatusTip(tip)
    action.triggered.connect(slot)
    window.addAction(action)
    return action


def reserve_width(button: QAbstractButton, texts: Sequence[str]) -> None:
    """Keep ``button`` as wide as its widest text (the last one stays shown), so what follows
    it never shifts when its text changes (Train becoming Pause)."""
    widths = []
    for text in texts:
        button.setText(text)
        widths.append(button.sizeHint().width())
    button.setMinimumWidth(max(widths))


class _KeysStayInInputs(QObject):
    """Plain keys belong to the focused control, not to the window's one-key shortcuts:
    Right moves the learning-rate slider, R and S type into a box. (Qt asks the focus widget
    first with a ShortcutOverride event; accepting it keeps the key.) Shortcuts with Ctrl or
    Alt still work everywhere, and so does Space, Train / pause, in controls where it means
    nothing (a slider, a number box, a chooser) — a user who just set the rate presses Space
    to train. Buttons and check boxes take focus only from Tab (``keep_focus_off``),
    so Space reaches them only when the keyboard user chose them."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if event.type() != QEvent.Type.ShortcutOverride or event.modifiers() & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                | Qt.KeyboardModifier.MetaModifier):
            return False
        if event.key() == Qt.Key.Key_Space and not isinstance(watched, QAbstractButton):
            return False
        event.accept()
        return True


_keys_stay: list[_KeysStayInInputs] = []  # one filter for every control of the process


def keep_keys_in(widget: QWidget) -> None:
    """Plain keys typed into this control stay in it (see ``_KeysStayInInputs``)."""
    if not _keys_stay:
        _keys_stay.append(_KeysStayInInputs())
    widget.installEventFilter(_keys_stay[0])


def keep_focus_off(button: QAbstractButton) -> None:
    """A click on a button or check box leaves the keyboard focus where it was (the plot), so
    the next Space trains or pauses instead of pressing the button again (re-running a
    scenario, applying a fix twice) or unticking a box (a new model). Tab still reaches it,
    and then Space presses it (its keys stay in it)."""
    button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    keep_keys_in(button)
