"""One translation mechanism for every text a user reads: GNU gettext catalogues.

Core has no Qt, and the window's ``tr()`` calls should not be rewritten, so both go through
the same catalogue: core calls ``_()`` from here; the window installs a ``QTranslator`` that
asks this module (``gui/translation.py``), so ``self.tr("...")`` finds the same entries.
argparse's own words ("usage:", "invalid choice") are looked up by the standard library's
gettext, which ``set_language`` points at the same catalogue. One source of truth per language:
``resources/translations/<lang>/LC_MESSAGES/neuron_lab.po`` (``make translations`` extracts
every marked string with Babel, updates the ``.po`` files and compiles the ``.mo`` files the
app reads; the ``.mo`` files are committed, so running needs no Babel).

Texts defined before a language is chosen (module constants: scenario titles, advice) are
marked with ``N_()``, which only marks them for extraction, and translated with ``_()`` where
they are shown.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "neuron_lab"
# The languages there are catalogues for (English is the source and needs none), with each
# one's name in itself, as a language menu shows them.
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}
DEFAULT = "en"

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = DEFAULT


def catalogue_folder() -> Path:
    """Where the catalogues are: ``resources/translations`` in the installed package."""
    import resources

    return Path(resources.__file__).resolve().parent / "translations"


def _(message: str) -> str:
    """``message`` in the chosen language (itself when there is no translation)."""
    return _translation.gettext(message)


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name
    """Mark ``message`` for translation without translating it now (see the module's
    docstring): ``_(text)`` where it is shown translates it."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    return _translation.ngettext(singular, plural, count)


def language() -> str:
    """The language in effect (a key of ``LANGUAGES``)."""
    return _language


def supported(code: str | None) -> str | None:
    """``code`` as one of ``LANGUAGES`` ("zh_CN.UTF-8", "zh", "zh-Hans", "zh_SG" are zh_CN;
    "en_US" is en), or None when there is no catalogue for it."""
    if not code:
        return None
    base = code.split(".")[0].split("@")[0].replace("-", "_")
    if base in LANGUAGES:
        return base
    first = base.split("_")[0].lower()
    if first == "zh" and "TW" not in base and "HK" not in base and "Hant" not in base:
        return "zh_CN"  # the one Chinese catalogue there is: Simplified
    return first if first in LANGUAGES else None


def system_language() -> str:
    """The language the environment asks for (LANGUAGE, LC_ALL, LC_MESSAGES, LANG, as
    gettext reads them), if there is a catalogue for it; else English."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        for code in os.environ.get(variable, "").split(":"):
            found = supported(code)
            if found is not None:
                return found
            if code and code not in ("C", "POSIX"):
                return DEFAULT  # a language without a catalogue: English, not the next one
    return DEFAULT


def set_language(code: str) -> str:
    """Use ``code``'s catalogue from now on (for core's ``_()``, the window's ``tr()`` and
    argparse's own words); returns the language in effect."""
    global _translation, _language
    chosen = supported(code) or DEFAULT
    folder = str(catalogue_folder())
    _translation = gettext.translation(DOMAIN, folder, languages=[chosen], fallback=True)
    _language = chosen
    # The standard library's modules (argparse) call gettext.gettext(): the same catalogue.
    gettext.bindtextdomain(DOMAIN, folder)
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = chosen
    return chosen
