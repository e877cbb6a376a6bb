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
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("neuron-lab: interrupted", file=sys.stderr)
        return INTERRUPTED


def _main(argv: list[str] | None = None) -> int:
    from core.cli import UsageError, parse

    argv = sys.argv[1:] if argv is None else argv
    try:
        options = parse(argv)
    except UsageError as error:
        print(f"neuron-lab: error: {error}", file=sys.stderr)
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
