"""The window's texts in the chosen language: its own through the gettext catalogue core uses
(``core.i18n``), Qt's own dialogs and buttons (Save, Discard, the file dialog) through the
catalogue PyQt6 ships for them (``qtbase_zh_CN.qm``).

``self.tr("...")`` and ``QCoreApplication.translate(context, "...")`` stay as they are: Qt asks
every installed ``QTranslator``, and ``CatalogueTranslator`` answers from core's catalogue, so
one ``.po`` file per language holds every text, core's and the window's.
"""

from __future__ import annotations

from PyQt6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from core import i18n
from core.i18n import N_

# Texts of the libraries the window shows that they translate through Qt, listed here so the
# catalogue has them: pyqtgraph's scene menu, and two labels of Qt's file dialog that Qt's own
# Chinese catalogue misses (it has them without their "&" mnemonics).
LIBRARY_TEXTS = (N_("Export..."), N_("&Look in:"), N_("Files of &type:"))


class CatalogueTranslator(QTranslator):
    """Qt's ``tr()`` answered from core's gettext catalogue (contexts are not needed: a text
    means the same wherever it appears in this app)."""

    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: N802
        if not source_text:
            return None
        translated = i18n._(source_text)
        return translated if translated != source_text else None

    def isEmpty(self) -> bool:  # noqa: N802 - Qt naming
        return False


def install(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Choose ``language`` for core and the window, and install the translators (kept in the
    list returned: a translator must outlive its use)."""
    chosen = i18n.set_language(language)
    QLocale.setDefault(QLocale(chosen))
    installed: list[QTranslator] = []
    if chosen == i18n.DEFAULT:
        return installed
    qt_own = QTranslator(app)
    if qt_own.load(f"qtbase_{chosen}",
                   QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_own)
        installed.append(qt_own)
    ours = CatalogueTranslator(app)
    app.installTranslator(ours)  # installed last: asked first
    installed.append(ours)
    return installed
