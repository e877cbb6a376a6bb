"""View ▸ Language: the interface's language, remembered for the next start.

The window's texts are set when it is built, so a new language applies when Neuron Lab starts
again (the menu says so). The choice is remembered in the user's settings; ``--lang`` on the
command line overrides it for one run, and without either the system's locale decides
(``core.i18n.system_language``).
"""

from __future__ import annotations

from PyQt6.QtCore import QCoreApplication, QSettings
from PyQt6.QtGui import QAction, QActionGroup
from PyQt6.QtWidgets import QMainWindow, QMenu

from core import i18n

LANGUAGE_KEY = "view/language"


def remembered_language(settings: QSettings | None) -> str | None:
    """The language chosen in the menu before, if any (and still one there is)."""
    if settings is None:
        return None
    return i18n.supported(settings.value(LANGUAGE_KEY, "", type=str))


def add_language_menu(window: QMainWindow, menu: QMenu, settings: QSettings | None,
                      say: callable) -> QMenu:
    """A Language submenu in ``menu``: one checkable entry per catalogue, the language in
    effect checked; choosing one remembers it and ``say``s when it applies."""
    translate = QCoreApplication.translate
    languages = QMenu(translate("Language", "&Language"), window)
    group = QActionGroup(languages)
    for code, name in i18n.LANGUAGES.items():
        action = QAction(name, languages)  # each language in itself: findable in any of them
        action.setCheckable(True)
        action.setChecked(code == i18n.language())
        action.setData(code)
        group.addAction(action)
        languages.addAction(action)

    def chosen(action: QAction) -> None:
        code = action.data()
        if settings is not None:
            settings.setValue(LANGUAGE_KEY, code)
        if code == i18n.language():
            return
        say(translate("Language", "The interface will be in {0} the next time Neuron Lab starts")
            .format(i18n.LANGUAGES[code]))

    group.triggered.connect(chosen)
    menu.addSeparator()
    menu.addMenu(languages)
    return languages
