"""The start-up check names the font package Chinese text needs, as it names Qt's libraries."""

import os
import stat

from gui import preflight


def fake_fc_list(tmp_path, output: str) -> str:
    """An ``fc-list`` that prints ``output`` (a machine with or without CJK fonts)."""
    script = tmp_path / "fc-list"
    script.write_text(f"#!/bin/sh\nprintf '{output}'\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_chinese_without_a_cjk_font_names_the_package(tmp_path, monkeypatch):
    monkeypatch.setattr(preflight.shutil, "which", lambda name: fake_fc_list(tmp_path, ""))
    assert preflight.missing_font_package("zh_CN") == "fonts-noto-cjk"
    assert preflight.missing_font_package("en") is None  # Latin needs nothing extra


def test_chinese_with_a_cjk_font_is_fine(tmp_path, monkeypatch):
    monkeypatch.setattr(preflight.shutil, "which",
                        lambda name: fake_fc_list(tmp_path, "Noto Sans CJK SC\\n"))
    assert preflight.missing_font_package("zh_CN") is None


def test_without_fc_list_the_check_gives_the_benefit_of_the_doubt(monkeypatch):
    monkeypatch.setattr(preflight.shutil, "which", lambda name: None)
    assert preflight.missing_font_package("zh_CN") is None


def test_the_message_says_what_to_install_and_how_to_go_on(tmp_path, monkeypatch):
    monkeypatch.setattr(preflight.shutil, "which", lambda name: fake_fc_list(tmp_path, ""))
    monkeypatch.setenv("QT_QPA_PLATFORM", "wayland")  # no X server to ask about here
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    monkeypatch.setattr(preflight.sys, "platform", "linux")
    message = preflight.problem("zh_CN")
    assert "fonts-noto-cjk" in message and "--lang en" in message
    assert os.linesep not in message
