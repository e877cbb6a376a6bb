"""Before Qt loads: is there a display, and are Qt's X11 libraries installed?

Without this, a bare Linux machine only gets Qt's "could not load the Qt platform plugin xcb"
and an abort. ``make run`` runs ``python -m gui.preflight`` first; ``main.py`` calls ``check``.
"""

from __future__ import annotations

import ctypes.util
import os
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
