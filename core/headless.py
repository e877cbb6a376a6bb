"""``python main.py --headless``: train without a window, print a line per epoch, write JSON.

After training, the coach (``core.coach``) looks at the run as the window's Coach tab does,
with scikit-learn's LogisticRegression on the same points as its yardstick: each advice is one
line (with the command-line flags of its fix) and ``--json`` carries them under ``"advice"``.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TextIO

import numpy as np

from core.atomic_write import atomic_write_text
from core.cli import Options
from core.coach import Advice, advise
from core.dataset import Dataset, DataSnapshot
from core.export import ExportError, save_model, write_history, write_script
from core.history import COLUMNS, EpochHistory
from core.i18n import _
from core.record import EpochBatch, EpochStats
from core.reference import logistic_regression
from core.session import SessionFileError, save_session, session_of
from core.split import held_out_mask
from core.trainer import Trainer, TrainerState

INTERRUPTED_STATUS = 130  # 128 + SIGINT, as shells report a Ctrl+C
DIVERGED_STATUS = 3  # the loss became NaN/inf: scripts must notice (the JSON is still written)
MAX_LINES = 60  # long runs print about this many epoch lines
RECORDED_EPOCHS = 20_000  # epochs kept one by one; past that, every k-th (see EpochHistory)


def format_stats(stats: EpochStats) -> str:
    """One readable line: both accuracies side by side, since their gap is the first lesson."""

    def f(value: float | None, width: int = 6) -> str:
        return "-".rjust(width) if value is None else f"{value:{width}.4f}"

    a, b, c = stats.line
    text = _("epoch {epoch:6d}  loss {loss}  acc {accuracy}  predict-acc {predict}").format(
        epoch=stats.epoch, loss=f(stats.loss, 8), accuracy=f(stats.accuracy),
        predict=f(stats.eval_accuracy))
    if stats.test_accuracy is not None:
        text += _("  test-acc {accuracy}").format(accuracy=f(stats.test_accuracy))
    return text + _("  line {a:+.3g}*x {b:+.3g}*y {c:+.3g} = 0").format(a=a, b=b, c=c)


def run(options: Options, out: TextIO = sys.stdout) -> int:
    """Train to the epoch limit; returns the exit status: 0, 1 when training failed, 2 for a
    file that cannot be written, 3 (``DIVERGED_STATUS``) when the loss diverged."""
    config = options.config
    dataset = Dataset(options.xy, options.labels, options.ids)
    # Every epoch up to RECORDED_EPOCHS, then every k-th (and the last): what the coach
    # reads, the JSON's epochs and the exported history. Memory stays bounded however long
    # the run: one object per epoch took 2.6 GB at 400,000 epochs.
    columns = EpochHistory(max_rows=RECORDED_EPOCHS)
    first = options.session.epoch if options.session is not None else 0  # a session goes on
    every = max(1, (config.epochs - first) // MAX_LINES)

    def on_epochs(batch: EpochBatch) -> None:
        columns.add(batch)
        if options.quiet:
            return
        epochs = batch.epoch
        shown = (epochs > first) & (((epochs - first) % every == 0) | (epochs == config.epochs))
        if first == 0:
            shown |= epochs == 0  # the untrained model's line, before training
        for index in np.flatnonzero(shown):  # a line for a few epochs, not an object each
            print(format_stats(batch[int(index)]), file=out, flush=True)

    messages: list[str] = []
    trainer = Trainer(dataset, config, on_epochs,
                      on_state=lambda state, message: messages.append(message) if message else None)
    session = options.session
    interrupted = False
    began = time.perf_counter()
    try:
        try:
            with interrupts_raised():
                if session is not None:
                    trainer.resume(config, session.model, session.history)
                trainer.prepare()
                trainer.wait_until_settled()  # TensorFlow imported, model built and traced
                if trainer.state is TrainerState.ERROR:
                    print(_("neuron-lab: error: {message}").format(message=trainer.error),
                          file=sys.stderr)
                    return 1
                if trainer.resume_problem is not None:  # not a silent restart from epoch 0
                    print(_("neuron-lab: error: {path}: {reason}").format(
                        path=options.source, reason=trainer.resume_problem), file=sys.stderr)
                    return 2
                began = time.perf_counter()
                trainer.start()
                trainer.wait_until_settled()
        except KeyboardInterrupt:  # Ctrl+C or SIGTERM: stop after this chunk, keep the epochs
            interrupted = True
            trainer.pause()
            if trainer.state not in (TrainerState.IDLE, TrainerState.LOADING):
                trainer.wait_until_settled(timeout=30)
        seconds = time.perf_counter() - began
        state = trainer.state
        ready = state not in (TrainerState.ERROR, TrainerState.IDLE, TrainerState.LOADING)
        export_error = _export_model(trainer, options) if ready else None
        model = None
        if options.save_session is not None and ready:
            model = trainer.capture().result(timeout=120)
    finally:
        trainer.stop(timeout=0 if interrupted else 10.0)
    if model is not None:
        try:
            save_session(options.save_session, session_of(
                dataset.snapshot(), config, model, columns,
                view=session.view if session is not None else None, source=options.source))
        except SessionFileError as error:
            export_error = export_error or str(error)
    history = _recorded(columns, state is TrainerState.DIVERGED)
    export_error = export_error or _export_files(options, dataset.snapshot(), columns)
    if export_error:
        print(_("neuron-lab: error: {message}").format(message=export_error), file=sys.stderr)
        return 2
    if interrupted:
        trained = history[-1].epoch if history else 0
        print(_("neuron-lab: interrupted at epoch {epoch}").format(epoch=trained),
              file=sys.stderr)
        if options.json_path is not None:
            return _write_json(options, {"config": config.to_dict(), "interrupted": True,
                                         "recorded": _which(columns),
                                         "epochs": [s.to_dict() for s in history if s.epoch > 0],
                                         "final": history[-1].to_dict() if history else None},
                               INTERRUPTED_STATUS)
        return INTERRUPTED_STATUS
    if state is TrainerState.ERROR:
        print(_("neuron-lab: error: {message}").format(message=trainer.error), file=sys.stderr)
        return 1
    if state is TrainerState.WAITING:
        print(_("neuron-lab: error: the data set has no training points"), file=sys.stderr)
        return 2
    diverged = state is TrainerState.DIVERGED
    if diverged:
        # the trainer's message is already in the user's language (core.trainer)
        said = messages[-1] if messages else _("diverged")
        print(f"neuron-lab: {said}", file=sys.stderr)
    trained = history[-1].epoch - first if history else 0
    reference = logistic_regression(options.xy, options.labels)
    advice = advise(config, options.xy, options.labels,
                    {name: columns.column(name) for name in COLUMNS},
                    history[-1] if history else None, reference)
    if options.json_path is not None:  # for scripts: the advice's messages stay English
        report = {
            "config": config.to_dict(),
            "data": {"source": options.source, "points": len(options.labels),
                     "scenario": options.scenario},
            "recorded": _which(columns),
            "epochs": [s.to_dict() for s in history if s.epoch > 0],
            "final": history[-1].to_dict() if history else None,
            "diverged": diverged,
            "reference": None if reference is None else {
                "name": reference.name, "c": reference.c, "accuracy": reference.accuracy,
                "line": reference.line, "fitted_points": reference.fitted},
            "advice": [a.to_dict() for a in advice],
            "train_seconds": seconds,
            "epochs_per_second": trained / seconds if seconds > 0 else None,
            "interrupted": False,
        }
        if _write_json(options, report, 0):
            return 2
    if not options.quiet:
        rate = trained / seconds if seconds > 0 else float("nan")
        print(_("trained {epochs} epochs in {seconds:.2f} s ({rate:.0f} epochs/s)").format(
            epochs=trained, seconds=seconds, rate=rate), file=out)
        for item in advice:
            print(format_advice(item), file=out)
    return DIVERGED_STATUS if diverged else 0


def _recorded(columns: EpochHistory, diverged: bool) -> list[EpochStats]:
    """The recorded epochs as records (at most ``RECORDED_EPOCHS`` of them); the last says
    whether the run diverged."""
    rows = np.stack([columns.column(name) for name in COLUMNS], axis=1)
    history = list(EpochBatch.from_rows(rows, columns.n_train, columns.n_test))
    if history and diverged:
        history[-1] = replace(history[-1], diverged=True)
    return history


def _which(columns: EpochHistory) -> dict[str, int]:
    """Which epochs ``"epochs"`` lists: every one while the run was short, else epoch 0,
    every ``every``-th and the last."""
    return {"count": int(np.count_nonzero(columns.column("epoch") > 0)), "every": columns.stride}


def _write_json(options: Options, report: dict, status: int) -> int:
    """Write ``--json`` atomically (a failure leaves an old report whole); ``status``, or 2
    when it cannot be written."""
    try:
        atomic_write_text(options.json_path, json.dumps(report, indent=1) + "\n")
    except OSError as error:
        print(_("neuron-lab: error: {path}: {reason}").format(
            path=options.json_path, reason=error.strerror), file=sys.stderr)
        return 2
    return status


@contextmanager
def interrupts_raised() -> Iterator[None]:
    """SIGTERM stops a headless run as Ctrl+C does (a ``KeyboardInterrupt``), so a killed job
    still writes the epochs it trained; the handlers before are restored after."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach only the main thread (tests call run() from others)
        return

    def interrupt(_signal, _frame) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _export_model(trainer: Trainer, options: Options) -> str | None:
    """``--export-model``: saved on the training thread, where the model lives; the error
    line, or None."""
    if options.export_model is None or trainer.state is TrainerState.ERROR:
        return None
    path = options.export_model
    try:
        trainer.ask(lambda neuron: save_model(neuron, path)).result(timeout=120)
    except ExportError as error:
        return str(error)
    return None


def _export_files(options: Options, snapshot: DataSnapshot,
                  columns: EpochHistory) -> str | None:
    """``--export-script`` (the points trained on, and the ones held out, as the trainer
    split them) and ``--export-history``; the error line, or None."""
    config = options.config
    try:
        if options.export_script is not None:
            held_out = held_out_mask(snapshot.ids, config.seed, config.test_split)
            write_script(options.export_script, config, snapshot.xy, snapshot.labels, held_out)
        if options.export_history is not None:
            write_history(options.export_history,
                          {name: columns.column(name) for name in COLUMNS})
    except ExportError as error:
        return str(error)
    return None


def format_advice(advice: Advice) -> str:
    """``advice CODE: sentence (fix: --flags)``; the fix as the flags that apply it (the
    sentence in the user's language, the code and the flags as they are typed)."""
    text = _("advice {code}: {message}").format(code=advice.code, message=advice.translated())
    flags = []
    for name, value in advice.fix.items():
        flag = "--" + _FLAGS.get(name, name).replace("_", "-")
        if isinstance(value, bool):
            flags.append(flag if value else _("without {flag}").format(flag=flag))
        else:
            flags.append(f"{flag} {value:g}" if isinstance(value, float) else f"{flag} {value}")
    return text + (_(" (fix: {flags})").format(flags=" ".join(flags)) if flags else "")


_FLAGS = {"learning_rate": "lr"}  # TrainConfig fields whose flag has another name
