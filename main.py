"""Neuron Lab: watch one sigmoid neuron learn.

``python main.py`` opens the window; ``python main.py --headless ...`` trains without one.
See ``python main.py --help``.
"""

from __future__ import annotations

import os
import sys

INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl+C


def main(argv: list[str] | None = None) -> int:
    """The exit status; a Ctrl+C anywhere (while modules load, say) is one line and 130."""
    from core import i18n

    argv = sys.argv[1:] if argv is None else argv
    # Chosen before anything is said, --help and argparse's own errors included: --lang,
    # else the system's locale (the window may still take the one chosen in its menu).
    i18n.set_language(_lang_argument(argv) or i18n.system_language())
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print(i18n._("neuron-lab: interrupted"), file=sys.stderr)
        return INTERRUPTED


def _lang_argument(argv: list[str]) -> str | None:
    """The value of ``--lang`` (``--lang zh_CN`` or ``--lang=zh_CN``), if given; parse()
    checks it properly."""
    for index, word in enumerate(argv):
        if word == "--":
            break
        if word.startswith("--lang="):
            return word.split("=", 1)[1]
        if word == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
    return None


def _main(argv: list[str]) -> int:
    from core.cli import UsageError, parse
    from core.i18n import _

    try:
        options = parse(argv)
    except UsageError as error:
        print(_("neuron-lab: error: {message}").format(message=error), file=sys.stderr)
        return 2
    if options.find_lr:
        from core.lr_finder_cli import run_finder

        return run_finder(options)
    if options.headless:
        from core.headless import DIVERGED_STATUS, run

        status = run(options)
        if options.screenshot is None or status not in (0, DIVERGED_STATUS):
            return status
        return run_app_status(options) or status
    return run_app_status(options)


def run_app_status(options) -> int:
    from gui.app import run_app  # Qt is imported only when a window is wanted

    return run_app(options)


if __name__ == "__main__":
    status = main()
    if status == INTERRUPTED:
        # A training thread may still be importing TensorFlow; tearing the interpreter down
        # under it can hang or abort. Everything is written and flushed: leave now.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    sys.exit(status)
