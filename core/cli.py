"""Command-line arguments shared by the window and the headless run.

Turns argv into a ``TrainConfig`` and the starting points. Defaults are ``TrainConfig``'s own,
so the window and the command line start alike; ``--scenario`` applies a scenario from
``core.scenarios`` exactly as the window's button does. Every user mistake becomes
``UsageError`` with one line of text; ``main.py`` prints it and exits with status 2.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.config import (
    DEFAULT_LEARNING_RATES,
    EPOCH_LIMIT_RANGE,
    OPTIMIZERS,
    ConfigError,
    TrainConfig,
)
from core.csv_io import DataFileError, load_csv
from core.i18n import LANGUAGES, _, supported
from core.presets import DEFAULT_PRESET, PRESETS, make_preset
from core.scenarios import SCENARIOS
from core.session import SUFFIX as SESSION_SUFFIX
from core.session import Session, SessionFileError, load_session

HEADLESS_DEFAULT_EPOCHS = 100
_DEFAULTS = TrainConfig()  # the window's and the command line's defaults are the config's


class UsageError(Exception):
    """A bad argument or input file; the message is one line for stderr."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, no usage dump
        raise UsageError(message)


@dataclass(frozen=True)
class Options:
    config: TrainConfig
    xy: np.ndarray
    labels: np.ndarray
    source: str  # preset name or file path, for titles and reports
    source_path: Path | None
    headless: bool
    json_path: Path | None
    screenshot: Path | None
    quiet: bool
    scenario: str | None = None  # the scenario's name when --scenario chose the run
    find_lr: bool = False  # --find-lr: sweep the learning rate, print a suggestion, exit
    export_model: Path | None = None  # --export-model OUT.keras (headless, after training)
    export_script: Path | None = None  # --export-script OUT.py
    export_history: Path | None = None  # --export-history OUT.csv
    reset_settings: bool = False  # --reset-settings: forget what the window remembered, exit
    session: Session | None = None  # --session FILE: go on from a saved session
    save_session: Path | None = None  # --save-session OUT.neuronlab (headless, after training)
    lang: str | None = None  # --lang: the interface's language for this run (core.i18n)

    @property
    def ids(self) -> np.ndarray | None:
        """The points' ids: a session's own (its split depends on them), else 0..n-1."""
        return self.session.ids if self.session is not None else None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="neuron-lab",
        description=_("Watch one sigmoid neuron learn. Without --headless, opens the window."),
    )
    parser.add_argument("file", nargs="?", type=Path, metavar="FILE",
                        help=_("a data file to open (the same as --data FILE), or a session "
                               "(*{suffix}, the same as --session FILE)").format(
                                   suffix=SESSION_SUFFIX))
    parser.add_argument("--headless", action="store_true", help=_("train without a window"))
    parser.add_argument("--scenario", choices=list(SCENARIOS), metavar="NAME",
                        help=_("run what the window's scenario button runs: its points (if it "
                               "has its own) and its settings on top of the other options; "
                               "one of {names}").format(names=", ".join(SCENARIOS)))
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--preset", choices=list(PRESETS),
                        help=_("data set (default {preset})").format(preset=DEFAULT_PRESET))
    source.add_argument("--data", type=Path, metavar="FILE.csv",
                        help=_("points from a text table: x, y, label (0 or 1); comma, "
                               "semicolon, tab or space separated, header or none, "
                               "numpy.savetxt and pandas to_csv files read as they are"))
    source.add_argument("--session", type=Path, metavar=f"FILE{SESSION_SUFFIX}",
                        help=_("go on from a saved session: its points, settings, weights, "
                               "optimizer state and history; headless, --epochs N trains N "
                               "epochs more"))
    parser.add_argument("--epochs", type=int,
                        help=_("epoch limit (headless default {headless}; window default "
                               "{window} = until paused; overrides a scenario's)").format(
                                   headless=HEADLESS_DEFAULT_EPOCHS, window=_DEFAULTS.epochs))
    parser.add_argument("--optimizer", choices=OPTIMIZERS, default=_DEFAULTS.optimizer,
                        help=_("default %(default)s"))
    parser.add_argument("--lr", type=float,
                        help=_("learning rate (default: Keras's for the optimizer)"))
    parser.add_argument("--batch-size", type=int, default=_DEFAULTS.batch_size,
                        help=_("default %(default)s"))
    parser.add_argument("--batchnorm", action="store_true",
                        help=_("BatchNormalization before Dense"))
    parser.add_argument("--normalize", action="store_true",
                        help=_("Normalization adapted to the data"))
    parser.add_argument("--l2", type=float, default=_DEFAULTS.l2,
                        help=_("L2 factor on the kernel (default %(default)s)"))
    parser.add_argument("--seed", type=int, default=_DEFAULTS.seed,
                        help=_("default %(default)s; a question scenario brings its own, as "
                               "its button does"))
    parser.add_argument("--test-split", type=float, default=_DEFAULTS.test_split,
                        help=_("held-out fraction (default %(default)s)"))
    parser.add_argument("--start-weights", type=_weight_pair, metavar="W1,W2",
                        help=_("start the Dense kernel here instead of the seed's draw (the "
                               "bias starts at 0; write --start-weights=-1,2 when W1 is "
                               "negative); a question scenario resets it"))
    parser.add_argument("--json", type=Path, metavar="OUT", help=_("headless: write all figures"))
    parser.add_argument("--screenshot", type=Path, metavar="OUT.png",
                        help=_("render the window offscreen after training and save it"))
    parser.add_argument("--quiet", action="store_true", help=_("headless: no per-epoch lines"))
    parser.add_argument("--export-model", type=Path, metavar="OUT.keras",
                        help=_("headless: save the trained model for plain Keras "
                               "(keras.models.load_model)"))
    parser.add_argument("--export-script", type=Path, metavar="OUT.py",
                        help=_("headless: write a plain Keras script that rebuilds and trains "
                               "this model on these points"))
    parser.add_argument("--export-history", type=Path, metavar="OUT.csv",
                        help=_("headless: write the training history, one row per epoch"))
    parser.add_argument("--save-session", type=Path, metavar=f"OUT{SESSION_SUFFIX}",
                        help=_("headless: save the whole session after training, to go on "
                               "from it later (--session, or File → Open in the window)"))
    parser.add_argument("--reset-settings", action="store_true",
                        help=_("forget what the window remembers (size, splitter, last "
                               "folder, pace, brush, recent files, the welcome) and exit"))
    parser.add_argument("--find-lr", action="store_true",
                        help=_("headless: instead of training, sweep the learning rate "
                               "exponentially on the initial model (the LR range test), print "
                               "the suggested rate and exit (status 0; 1 when no rate can be "
                               "suggested); --json OUT writes the sweep"))
    parser.add_argument("--lang", type=_language, metavar="LANG",
                        help=_("the interface's language: {languages} (default: the one chosen "
                               "in View > Language, else the system's)").format(
                                   languages=", ".join(LANGUAGES)))
    return parser


def _language(code: str) -> str:
    """--lang's value as a language there is a catalogue for (zh, zh_CN.UTF-8: zh_CN)."""
    found = supported(code)
    if found is None:
        raise argparse.ArgumentTypeError(_("no {code} translation; one of {languages}").format(
            code=code, languages=", ".join(LANGUAGES)))
    return found


def parse(argv: list[str]) -> Options:
    args = build_parser().parse_args(argv)
    if args.file is not None:
        if args.data is not None or args.preset is not None or args.session is not None:
            raise UsageError(_("{file}: give the points once (a FILE, --data, --preset "
                               "or --session)").format(file=args.file))
        if args.file.suffix.lower() == SESSION_SUFFIX:
            args.session = args.file
        else:
            args.data = args.file
    headless = args.headless
    trains_alone = headless or args.screenshot is not None  # no one there to press Pause
    if args.json and not headless:
        raise UsageError(_("--json needs --headless"))
    if args.reset_settings and (headless or args.screenshot is not None or args.find_lr):
        raise UsageError(_("--reset-settings is for the window's settings; give it alone"))
    exports = (args.export_model, args.export_script, args.export_history)
    if any(out is not None for out in (*exports, args.save_session)) and (
            not headless or args.find_lr):
        raise UsageError(_("--export-model, --export-script, --export-history and "
                           "--save-session need --headless training (the window has them in "
                           "its File menu)"))
    if args.export_model is not None and args.export_model.suffix != ".keras":
        raise UsageError(_("{file}: a Keras model file must end in .keras").format(
            file=args.export_model))
    if args.session is not None:
        return _with_session(args)
    if args.find_lr and not headless:
        raise UsageError(_("--find-lr needs --headless (the window has a Rate finder tab)"))
    if args.find_lr and args.screenshot is not None:
        raise UsageError(_("--find-lr does not train, so there is nothing to screenshot"))
    config = _config(args, trains_alone)
    scenario = SCENARIOS[args.scenario] if args.scenario else None
    if scenario is not None:
        if scenario.preset is not None and (args.preset or args.data):
            given = "--preset" if args.preset else "--data"
            raise UsageError(_("--scenario {name} brings its own points ({preset}); drop "
                               "{flag}").format(name=scenario.name, preset=scenario.preset,
                                                flag=given))
        # Exactly what the window's button does, except that an explicit --epochs wins.
        config = _checked(lambda: scenario.config_from(config))
        if args.epochs is not None:
            config = config.with_changes(epochs=args.epochs)
        elif trains_alone and config.epochs == 0 and not args.find_lr:
            raise UsageError(_("--scenario {name} trains until paused; give --epochs N for a "
                               "headless run").format(name=scenario.name))
    if trains_alone and config.epochs < 1 and not args.find_lr:  # the finder does not train
        raise UsageError(_("--epochs must be at least 1 for a headless run"))
    if args.data is not None:
        try:
            xy, labels = load_csv(args.data)
        except DataFileError as error:
            raise UsageError(str(error)) from None
        source, path = str(args.data), args.data
        if headless and len(labels) == 0:  # the window can start empty; a run cannot
            raise UsageError(_("{file}: no points to train on (only a header)").format(
                file=args.data))
    else:
        preset = scenario.preset if scenario and scenario.preset else args.preset
        source, path = preset or DEFAULT_PRESET, None
        xy, labels = make_preset(source, config.seed)
    _check_outputs(args)
    return Options(config, xy, labels, source, path, headless, args.json, args.screenshot,
                   args.quiet, scenario.name if scenario else None, args.find_lr,
                   *exports, reset_settings=args.reset_settings, save_session=args.save_session,
                   lang=args.lang)


# The flags a session's own settings replace: given with --session they would be ignored.
_SESSION_SETTINGS = ("scenario", "optimizer", "lr", "batch_size", "batchnorm", "normalize", "l2",
                     "seed", "test_split", "start_weights", "find_lr", "reset_settings")


def _with_session(args: argparse.Namespace) -> Options:
    """``--session FILE``: the session's points and settings; headless, ``--epochs N`` trains
    N epochs beyond the saved epoch. (``parse`` has checked the output flags.)"""
    parser = build_parser()
    for name in _SESSION_SETTINGS:
        if getattr(args, name) != parser.get_default(name):
            flag = "--" + name.replace("_", "-")
            raise UsageError(_("--session brings its own settings; drop {flag} (change them "
                               "in the window, or start a new run without --session)").format(
                                   flag=flag))
    try:
        session = load_session(args.session)
    except SessionFileError as error:
        raise UsageError(str(error)) from None
    config = session.config
    if args.headless or args.screenshot is not None:
        more = HEADLESS_DEFAULT_EPOCHS if args.epochs is None else args.epochs
        if more < 1:
            raise UsageError(_("--epochs must be at least 1 for a headless run"))
        try:
            config = config.with_changes(epochs=session.epoch + more)
        except ConfigError:
            raise UsageError(_("--epochs {more}: the session is at epoch {epoch}, and a run "
                               "stops by epoch {most}").format(
                                   more=more, epoch=session.epoch,
                                   most=EPOCH_LIMIT_RANGE[1])) from None
    elif args.epochs is not None:
        config = _checked(lambda: config.with_changes(epochs=args.epochs))
    _check_outputs(args)
    return Options(config, session.xy, session.labels, str(args.session), args.session,
                   args.headless, args.json, args.screenshot, args.quiet, None, False,
                   args.export_model, args.export_script, args.export_history,
                   session=session, save_session=args.save_session, lang=args.lang)


def _check_outputs(args: argparse.Namespace) -> None:
    for out in (args.json, args.screenshot, args.export_model, args.export_script,
                args.export_history, args.save_session):
        if out is not None and not out.resolve().parent.is_dir():
            raise UsageError(_("{file}: the folder does not exist").format(file=out))
        if out is not None and out.is_dir():
            raise UsageError(_("{file}: is a folder, not a file name").format(file=out))
        if out is not None and not os.access(out.resolve().parent, os.W_OK | os.X_OK):
            raise UsageError(_("{file}: the folder cannot be written").format(file=out))
        if out is not None and out.exists() and not os.access(out, os.W_OK):
            raise UsageError(_("{file}: the file cannot be written over").format(file=out))


def _config(args: argparse.Namespace, trains_alone: bool) -> TrainConfig:
    """The config the flags describe (before any scenario)."""
    epochs = args.epochs
    if epochs is None:
        epochs = HEADLESS_DEFAULT_EPOCHS if trains_alone else _DEFAULTS.epochs
    learning_rate = args.lr if args.lr is not None else DEFAULT_LEARNING_RATES[args.optimizer]
    return _checked(lambda: TrainConfig(
        optimizer=args.optimizer, learning_rate=learning_rate, batch_size=args.batch_size,
        epochs=epochs, batchnorm=args.batchnorm, normalize=args.normalize, l2=args.l2,
        seed=args.seed, test_split=args.test_split, start_weights=args.start_weights,
    ))


def _weight_pair(text: str) -> tuple[float, float]:
    """``--start-weights 0.5,-2``: two numbers separated by a comma."""
    try:
        w1, w2 = (float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("expected two numbers W1,W2, not '{text}'").format(text=text)) from None
    return w1, w2


def _checked(make: Callable[[], TrainConfig]) -> TrainConfig:
    try:
        return make()
    except ConfigError as error:
        raise UsageError(str(error)) from None
