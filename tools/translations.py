"""``make translations``: extract every marked text, update each language's catalogue, compile.

Marked texts are the literals in core's ``_()``/``N_()``/``ngettext()`` and the window's
``tr()``/``_tr()``/``QCoreApplication.translate(context, text)`` (``KEYWORDS``). The template
``neuron_lab.pot`` and each ``<lang>/LC_MESSAGES/neuron_lab.po`` live in
``resources/translations``; the compiled ``.mo`` beside each ``.po`` is what the app reads and
is committed, so running the app needs no Babel. ``tests/core/test_translations.py`` uses the
same extraction to fail when a text has no translation.

Adding a language: add it to ``core.i18n.LANGUAGES``, run ``python -m tools.translations
--init xx_YY`` (a new, empty ``.po``), translate every entry, run ``make translations``.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from core.i18n import DOMAIN, LANGUAGES, catalogue_folder

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("core", "gui", "main.py")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "tr": None, "_tr": None,
            "translate": (2,)}
METHODS = [("**.py", "python")]


def extract() -> Catalog:
    """Every marked text in the app's sources, and argparse's own (its "usage:" and errors
    reach the user through the same catalogue: ``core.i18n.set_language``), as a template."""
    import argparse as argparse_module

    from babel.messages.extract import extract_from_file

    template = Catalog(project="Neuron Lab", domain=DOMAIN, charset="utf-8")
    for lineno, message, comments, context in extract_from_file(
            "python", argparse_module.__file__, keywords={"_": None, "ngettext": (1, 2)}):
        template.add(message, None, [("argparse.py", lineno)], auto_comments=comments,
                     context=context)
    for source in SOURCES:
        path = ROOT / source
        if path.is_dir():
            found = extract_from_dir(str(path), METHODS, keywords=KEYWORDS)
        else:
            found = ((str(path), *entry) for entry in
                     extract_from_file("python", str(path), keywords=KEYWORDS))
        for filename, lineno, message, comments, context in found:
            template.add(message, None, [(str(Path(source) / filename) if path.is_dir()
                                          else source, lineno)],
                         auto_comments=comments, context=context)
    return template


def po_path(language: str) -> Path:
    return catalogue_folder() / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(language: str) -> Catalog:
    with open(po_path(language), "rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def compiled(catalog: Catalog) -> bytes:
    """The ``.mo`` bytes for ``catalog`` (untranslated and fuzzy entries left out)."""
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def _write_po(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=100, no_location=True, sort_output=True,
                 omit_header=False, ignore_obsolete=True)


def update() -> None:
    """Template from the sources; each language's ``.po`` follows it; ``.mo`` compiled."""
    template = extract()
    _write_po(catalogue_folder() / f"{DOMAIN}.pot", template)
    for language in LANGUAGES:
        if language == "en":
            continue
        catalog = read(language)
        catalog.update(template, no_fuzzy_matching=True)
        _write_po(po_path(language), catalog)
        po_path(language).with_suffix(".mo").write_bytes(compiled(read(language)))
        missing = [m.id for m in read(language) if m.id and (not m.string or m.fuzzy)]
        print(f"{language}: {len(template)} texts, {len(missing)} without a translation")


def init(language: str) -> None:
    catalog = Catalog(locale=language, domain=DOMAIN, project="Neuron Lab")
    catalog.update(extract())
    _write_po(po_path(language), catalog)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--init", metavar="LANG", help="start an empty catalogue for LANG")
    arguments = parser.parse_args()
    if arguments.init:
        init(arguments.init)
    else:
        update()
