"""Every text a user reads has its translation, in every language there is a catalogue for.

The texts are extracted from the sources exactly as ``make translations`` does
(``tools/translations.py``), so a new feature whose texts were not translated fails here, not
in front of a Chinese user. The compiled ``.mo`` the app reads must be the ``.po`` as it is,
and a translation must keep its text's placeholders and markup (a lost ``{path}`` would raise
a KeyError when the message is shown).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from core import i18n
from tools.translations import compiled, extract, po_path, read

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = [code for code in i18n.LANGUAGES if code != i18n.DEFAULT]
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[sdr]|%[sdr]")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


@pytest.fixture(scope="module")
def template():
    return extract()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_has_a_translation(template, language):
    catalog = read(language)
    missing = [m.id for m in template if m.id and (
        m.id not in catalog or not catalog[m.id].string or catalog[m.id].fuzzy)]
    assert not missing, f"{len(missing)} texts without a {language} translation: {missing[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_is_the_source_as_it_is(language):
    mo = po_path(language).with_suffix(".mo")
    assert mo.read_bytes() == compiled(read(language)), "run make translations"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_placeholders_and_markup(language):
    wrong = []
    for message in read(language):
        if not message.id or not message.string:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        target = message.string if isinstance(message.string, str) else message.string[0]
        for pattern in (PLACEHOLDER, TAG):
            if sorted(pattern.findall(source)) != sorted(pattern.findall(target)):
                wrong.append(source)
    assert not wrong, wrong[:10]


@pytest.mark.parametrize("environment, expected", [
    ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
    ({"LANG": "zh_SG.UTF-8"}, "zh_CN"),
    ({"LANGUAGE": "zh_CN:en", "LANG": "en_US.UTF-8"}, "zh_CN"),
    ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
    ({"LANG": "de_DE.UTF-8"}, "en"),  # no German catalogue: the source language
    ({"LANG": "C"}, "en"),
    ({}, "en"),
])
def test_the_system_language_is_read_as_gettext_reads_it(monkeypatch, environment, expected):
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    assert i18n.system_language() == expected


def _run(*args, **environment):
    env = {k: v for k, v in os.environ.items()
           if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    env.update(environment)
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=env)


def test_a_chinese_system_gets_the_command_lines_errors_in_chinese():
    done = _run("--headless", "--preset", "nope", LANG="zh_CN.UTF-8")
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stderr
    assert "错误" in lines[0] and "nope" in lines[0]


def test_lang_overrides_the_system_language():
    english = _run("--lang", "en", "--headless", "--preset", "nope", LANG="zh_CN.UTF-8")
    assert english.returncode == 2 and "invalid choice" in english.stderr
    chinese = _run("--lang=zh_CN", "--help", LANG="en_US.UTF-8")
    assert chinese.returncode == 0 and "用法" in chinese.stdout


def test_core_messages_follow_the_chosen_language(tmp_path):
    """A data file's error, raised in core, reads in the chosen language."""
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y,label\n0,0,2\n")
    done = _run("--headless", "--data", str(bad), LANG="zh_CN.UTF-8")
    assert done.returncode == 2 and "bad.csv:2" in done.stderr
    assert re.search(r"[\u4e00-\u9fff]", done.stderr), done.stderr
