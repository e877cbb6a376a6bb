"""``python main.py --headless --find-lr``: the learning-rate range test without a window.

Runs ``core.lr_finder`` on the initial model of the given settings (the config seed's weights,
before any training), prints one line, writes the sweep with ``--json``, and exits without
training: the suggestion is meant to be passed back as ``--lr`` (or typed into the window).
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

from core.cli import Options
from core.dataset import Dataset
from core.i18n import _
from core.lr_finder import find_learning_rate
from core.native_logs import routine_native_logs_hidden
from core.split import training_points


def run_finder(options: Options, out: TextIO = sys.stdout) -> int:
    """Sweep, print the suggestion; 0 with a suggestion, 1 when none was possible (the line
    says why, on stderr), 2 when the JSON file cannot be written."""
    config = options.config
    xy, labels = training_points(Dataset(options.xy, options.labels).snapshot(), config)
    with routine_native_logs_hidden():  # TensorFlow's start-up lines are not the answer
        sweep = find_learning_rate(config, None, xy, labels)
    if options.json_path is not None:
        report = {"config": config.to_dict(),
                  "data": {"source": options.source, "points": len(options.labels),
                           "training_points": len(labels), "scenario": options.scenario},
                  **sweep.to_dict()}
        try:
            options.json_path.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
        except OSError as error:
            print(_("neuron-lab: error: {path}: {reason}").format(
                path=options.json_path, reason=error.strerror), file=sys.stderr)
            return 2
    # The printed line is in the user's language; the JSON above keeps English (for scripts).
    if sweep.suggestion is None:
        print(f"neuron-lab: {sweep.translated()}", file=sys.stderr)
        return 1
    print(sweep.translated(), file=out)
    return 0
