"""Start-up: process start -> window shown (target < 1.5 s) -> first epoch drawn (< 5 s).

Runs a fresh interpreter (offscreen) so imports are counted, as a user's ``make run`` pays them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import json, sys, time
began = float(sys.argv[1])
from PyQt6.QtWidgets import QApplication
from core.cli import parse
from gui.app import _make_window
app = QApplication(sys.argv[:1])
window = _make_window(parse([]))
window.show()
app.processEvents()
shown = time.time()
marks = {}
def drawn(batch):
    if any(b.epoch[-1] >= 1 for b in batch) and "first_epoch" not in marks:
        app.processEvents()
        marks["first_epoch"] = time.time()
        app.quit()
window.bridge.epochsReady.connect(drawn)
window.bridge.start()
app.exec()
window.close()
from gui.app import dispose_window
dispose_window(app, window)
print(json.dumps({"window_shown_s": shown - began,
                  "first_epoch_drawn_s": marks["first_epoch"] - began}))
"""


def main(runs: int = 3) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TF_CPP_MIN_LOG_LEVEL="2")
    samples = []
    for _ in range(runs):
        began = time.time()
        out = subprocess.run([sys.executable, "-c", CHILD, repr(began)], cwd=ROOT, env=env,
                             capture_output=True, text=True, check=True)
        samples.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {key: round(min(s[key] for s in samples), 3) for key in samples[0]} | {
        "runs": runs, "worst_first_epoch_drawn_s": round(
            max(s["first_epoch_drawn_s"] for s in samples), 3)}


if __name__ == "__main__":
    print(main())
