"""``python main.py --headless``: train without a window, print a line per epoch, write JSON."""

from __future__ import annotations

import json
import sys
import time
from typing import TextIO

from core.cli import Options
from core.dataset import Dataset
from core.record import EpochBatch, EpochStats
from core.trainer import Trainer, TrainerState

MAX_LINES = 60  # long runs print about this many epoch lines


def format_stats(stats: EpochStats) -> str:
    """One readable line: both accuracies side by side, since their gap is the first lesson."""

    def f(value: float | None, width: int = 6) -> str:
        return "-".rjust(width) if value is None else f"{value:{width}.4f}"

    a, b, c = stats.line
    text = (f"epoch {stats.epoch:6d}  loss {f(stats.loss, 8)}  acc {f(stats.accuracy)}  "
            f"predict-acc {f(stats.eval_accuracy)}")
    if stats.test_accuracy is not None:
        text += f"  test-acc {f(stats.test_accuracy)}"
    return text + f"  line {a:+.3g}*x {b:+.3g}*y {c:+.3g} = 0"


def run(options: Options, out: TextIO = sys.stdout) -> int:
    """Train to the epoch limit; returns the exit status (0, or 1 when training failed)."""
    config = options.config
    dataset = Dataset(options.xy, options.labels)
    history: list[EpochStats] = []
    every = max(1, config.epochs // MAX_LINES)

    def on_epochs(batch: EpochBatch) -> None:
        for stats in batch:
            if history and history[-1].epoch == stats.epoch:
                history[-1] = stats  # a re-evaluation of the same epoch replaces it
                continue
            history.append(stats)
            if not options.quiet and (stats.epoch % every == 0 or stats.epoch == config.epochs):
                print(format_stats(stats), file=out, flush=True)

    messages: list[str] = []
    trainer = Trainer(dataset, config, on_epochs,
                      on_state=lambda state, message: messages.append(message) if message else None)
    try:
        trainer.prepare()
        trainer.wait_until_settled()  # TensorFlow imported, model built and traced
        if trainer.state is TrainerState.ERROR:
            print(f"neuron-lab: error: {trainer.error}", file=sys.stderr)
            return 1
        began = time.perf_counter()
        trainer.start()
        trainer.wait_until_settled()
        seconds = time.perf_counter() - began
        state = trainer.state
    finally:
        trainer.stop()
    if state is TrainerState.ERROR:
        print(f"neuron-lab: error: {trainer.error}", file=sys.stderr)
        return 1
    if state is TrainerState.WAITING:
        print("neuron-lab: error: the data set has no training points", file=sys.stderr)
        return 2
    diverged = state is TrainerState.DIVERGED
    if diverged:
        print(f"neuron-lab: {messages[-1] if messages else 'diverged'}", file=sys.stderr)
    trained = history[-1].epoch if history else 0
    if options.json_path is not None:
        report = {
            "config": config.to_dict(),
            "data": {"source": options.source, "points": len(options.labels),
                     "scenario": options.scenario},
            "epochs": [s.to_dict() for s in history if s.epoch > 0],
            "final": history[-1].to_dict() if history else None,
            "diverged": diverged,
            "train_seconds": seconds,
            "epochs_per_second": trained / seconds if seconds > 0 else None,
        }
        try:
            options.json_path.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
        except OSError as error:
            print(f"neuron-lab: error: {options.json_path}: {error.strerror}", file=sys.stderr)
            return 2
    if not options.quiet:
        rate = trained / seconds if seconds > 0 else float("nan")
        print(f"trained {trained} epochs in {seconds:.2f} s ({rate:.0f} epochs/s)", file=out)
    return 0
