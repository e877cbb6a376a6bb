"""Before Qt loads: is there a display that answers, and are Qt's X11 libraries installed?

Without this, a bare Linux machine only gets Qt's "could not load the Qt platform plugin xcb"
and an abort. ``gui.app.run_app`` asks ``problem()`` before it creates the QApplication, and
``make run`` runs ``python -m gui.preflight`` first. Only the standard library is imported here,
so the answer comes before Qt is loaded.
"""

from __future__ import annotations

import ctypes.util
import os
import socket
import sys

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


def problem() -> str | None:
    """One line saying why a window cannot open here, or None when it can."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if not sys.platform.startswith("linux") or platform.startswith(("offscreen", "minimal")):
        return None
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return ("no display found (DISPLAY is not set); to train without a window run "
                "'python main.py --headless' (see --help)")
    if platform.startswith("wayland") or (not os.environ.get("DISPLAY")):
        return None
    display = os.environ["DISPLAY"]
    if not x_server_answers(display):
        return (f"cannot connect to the X display '{display}' (is an X server running "
                "there?); to train without a window run 'python main.py --headless'")
    missing = [pkg for lib, pkg in XCB_LIBRARIES.items() if ctypes.util.find_library(lib) is None]
    if missing:
        return ("Qt's X11 plugin needs libraries that are not installed; on Debian/Ubuntu run: "
                f"sudo apt-get install {' '.join(missing)}")
    return None


if __name__ == "__main__":
    message = problem()
    if message:
        print(f"neuron-lab: {message}", file=sys.stderr)
        sys.exit(1)
