"""Command-line arguments shared by the window and the headless run.

Turns argv into a ``TrainConfig`` and the starting points. Every user mistake becomes
``UsageError`` with one line of text; ``main.py`` prints it and exits with status 2.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.config import DEFAULT_LEARNING_RATES, OPTIMIZERS, ConfigError, TrainConfig
from core.csv_io import DataFileError, load_csv
from core.presets import DEFAULT_PRESET, PRESETS, make_preset

HEADLESS_DEFAULT_EPOCHS = 100


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


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="neuron-lab",
        description="Watch one sigmoid neuron learn. Without --headless, opens the window.",
    )
    parser.add_argument("--headless", action="store_true", help="train without a window")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--preset", choices=list(PRESETS),
                        help=f"data set (default {DEFAULT_PRESET})")
    source.add_argument("--data", type=Path, metavar="FILE.csv", help="points from a CSV x,y,label")
    parser.add_argument("--epochs", type=int, help="epoch limit (headless default "
                        f"{HEADLESS_DEFAULT_EPOCHS}; window default 0 = until paused)")
    parser.add_argument("--optimizer", choices=OPTIMIZERS, default="sgd")
    parser.add_argument("--lr", type=float,
                        help="learning rate (default: Keras's for the optimizer)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--batchnorm", action="store_true", help="BatchNormalization before Dense")
    parser.add_argument("--normalize", action="store_true",
                        help="Normalization adapted to the data")
    parser.add_argument("--l2", type=float, default=0.0, help="L2 factor on the kernel")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--test-split", type=float, default=0.0, help="held-out fraction")
    parser.add_argument("--json", type=Path, metavar="OUT", help="headless: write all figures")
    parser.add_argument("--screenshot", type=Path, metavar="OUT.png",
                        help="render the window offscreen after training and save it")
    parser.add_argument("--quiet", action="store_true", help="headless: no per-epoch lines")
    return parser


def parse(argv: list[str]) -> Options:
    args = build_parser().parse_args(argv)
    headless = args.headless
    epochs = args.epochs
    if epochs is None:
        epochs = HEADLESS_DEFAULT_EPOCHS if headless or args.screenshot else 0
    if (headless or args.screenshot) and epochs < 1:
        raise UsageError("--epochs must be at least 1 for a headless run")
    if args.json and not headless:
        raise UsageError("--json needs --headless")
    learning_rate = args.lr if args.lr is not None else DEFAULT_LEARNING_RATES[args.optimizer]
    try:
        config = TrainConfig(
            optimizer=args.optimizer, learning_rate=learning_rate, batch_size=args.batch_size,
            epochs=epochs, batchnorm=args.batchnorm, normalize=args.normalize, l2=args.l2,
            seed=args.seed, test_split=args.test_split,
        )
    except ConfigError as error:
        raise UsageError(str(error)) from None
    if args.data is not None:
        try:
            xy, labels = load_csv(args.data)
        except DataFileError as error:
            raise UsageError(str(error)) from None
        source, path = str(args.data), args.data
        if headless and len(labels) == 0:  # the window can start empty; a run cannot
            raise UsageError(f"{args.data}: no points to train on (only a header)")
    else:
        source, path = args.preset or DEFAULT_PRESET, None
        xy, labels = make_preset(source, config.seed)
    for out in (args.json, args.screenshot):
        if out is not None and not out.resolve().parent.is_dir():
            raise UsageError(f"{out}: the folder does not exist")
        if out is not None and out.is_dir():
            raise UsageError(f"{out}: is a folder, not a file name")
    return Options(config, xy, labels, source, path, headless, args.json, args.screenshot,
                   args.quiet)
