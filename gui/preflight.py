"""Before Qt loads: is there a display that answers, and are Qt's X11 libraries installed?

Without this, a bare Linux machine only gets Qt's "could not load the Qt platform plugin xcb"
and an abort. ``gui.app.run_app`` asks ``problem()`` before it creates the QApplication, and
``make run`` runs ``python -m gui.preflight`` first. Only the standard library is imported here,
so the answer comes before Qt is loaded.
"""

from __future__ import annotations

import ctypes.util
import os
import shutil
import socket
import subprocess
import sys

from core.i18n import _, language

# Shared library -> Debian/Ubuntu package that provides it, for the libraries Qt's xcb plugin
# loads (measured on Debian: icccm and keysyms were the ones missing on a bare machine).
XCB_LIBRARIES = {
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
    "xcb-image": "libxcb-image0",
    "xcb-render-util": "libxcb-render-util0",
    "xcb-xkb": "libxcb-xkb1",
    "xkbcommon-x11": "libxkbcommon-x11-0",
    "xcb-cursor": "libxcb-cursor0",
    "xcb-shape": "libxcb-shape0",
    "xcb-randr": "libxcb-randr0",
    "EGL": "libegl1",
    "fontconfig": "libfontconfig1",
    "dbus-1": "libdbus-1-3",
}
# The package with fonts for the languages that need their own script (Debian/Ubuntu).
SCRIPT_FONTS = {"zh": ("zh", "fonts-noto-cjk")}  # language -> (fontconfig lang, package)


def missing_font_package(code: str) -> str | None:
    """The package to install when no font can show ``code``'s script (Chinese text would be
    boxes), else None. Asks fontconfig's ``fc-list``; without it, gives the benefit of the
    doubt."""
    needed = SCRIPT_FONTS.get(code.split("_")[0])
    fc_list = shutil.which("fc-list")
    if needed is None or fc_list is None:
        return None
    try:
        fonts = subprocess.run([fc_list, f":lang={needed[0]}", "family"], capture_output=True,
                               text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return None if fonts.strip() else needed[1]


def x_server_answers(display: str, timeout: float = 2.0) -> bool:
    """Whether an X server accepts connections at ``display`` ("[host]:N[.screen]").

    Qt aborts the process (qFatal) when it cannot connect, so this is asked first. Displays
    in a form this does not know are given the benefit of the doubt."""
    host, _, rest = display.rpartition(":")
    number = rest.split(".")[0]
    if not number.isdigit():
        return True
    if host in ("", "unix"):
        for address in (f"\0/tmp/.X11-unix/X{number}", f"/tmp/.X11-unix/X{number}"):
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
                connection.settimeout(timeout)
                try:
                    connection.connect(address)
                    return True
                except OSError:
                    continue
        return False
    if "/" in host:  # e.g. a launchd socket path on macOS: not ours to judge
        return True
    try:
        socket.create_connection((host, 6000 + int(number)), timeout=timeout).close()
        return True
    except OSError:
        return False


def problem(code: str | None = None) -> str | None:
    """One line saying why a window cannot open here, or None when it can. ``code``: the
    interface's language (default: the one chosen), whose script needs a font."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if not sys.platform.startswith("linux") or platform.startswith(("offscreen", "minimal")):
        return None
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return _("no display found (DISPLAY is not set); to train without a window run "
                 "'python main.py --headless' (see --help)")
    if not platform.startswith("wayland") and os.environ.get("DISPLAY"):
        display = os.environ["DISPLAY"]
        if not x_server_answers(display):
            return _("cannot connect to the X display '{display}' (is an X server running "
                     "there?); to train without a window run 'python main.py --headless'"
                     ).format(display=display)
        missing = [pkg for lib, pkg in XCB_LIBRARIES.items()
                   if ctypes.util.find_library(lib) is None]
        if missing:
            return _("Qt's X11 plugin needs libraries that are not installed; on "
                     "Debian/Ubuntu run: sudo apt-get install {packages}").format(
                         packages=" ".join(missing))
    package = missing_font_package(code or language())
    if package is not None:
        return _("no font here can show Chinese text (it would be boxes); on Debian/Ubuntu "
                 "run: sudo apt-get install {package}, or start with --lang en").format(
                     package=package)
    return None


if __name__ == "__main__":
    from core import i18n

    i18n.set_language(i18n.system_language())
    message = problem()
    if message:
        print(_("neuron-lab: {message}").format(message=message), file=sys.stderr)
        sys.exit(1)
