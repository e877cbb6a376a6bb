"""Neuron Lab: watch one sigmoid neuron learn.

``python main.py`` opens the window; ``python main.py --headless ...`` trains without one.
See ``python main.py --help``.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
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
        from core.headless import run

        status = run(options)
        if status != 0 or options.screenshot is None:
            return status
    from gui.app import run_app  # Qt is imported only when a window is wanted

    return run_app(options)


if __name__ == "__main__":
    sys.exit(main())
