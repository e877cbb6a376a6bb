"""Window actions that say their keys: one helper, so every shortcut reaches its tooltip."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from PyQt6.QtCore import QCoreApplication, Qt
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


def keep_focus_off(button: QAbstractButton) -> None:
    """A click on a button or check box leaves the keyboard focus where it was (the plot), so
    the next Space trains or pauses instead of pressing the button again (re-running a
    scenario, applying a fix twice) or unticking a box (a new model). Tab still reaches it."""
    button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
