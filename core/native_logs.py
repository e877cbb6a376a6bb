"""TensorFlow's native start-up chatter, kept off the user's terminal.

Since TF 2.19 the C++ side logs through absl before absl is initialised, so
``TF_CPP_MIN_LOG_LEVEL`` no longer silences it (tensorflow/tensorflow#100442): every start
printed ten lines about oneDNN, missing CUDA drivers and the XLA service before the first
useful one. While TensorFlow loads, file descriptor 2 goes through a pipe and a thread
forwards every line except those routine ones; anything else, errors included, still reaches
stderr at once. Set NEURON_LAB_NATIVE_LOGS=1 to see everything.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_ROUTINE = re.compile(
    rb"^(?:[IW]\d{4} .*"  # absl INFO / WARNING lines
    rb"|E\d{4} .*(?:cuInit|cuda_platform|cuda_dnn|cuda_blas|cuda_fft).*"  # no GPU here: fine
    rb"|WARNING: All log messages before absl::InitializeLog\(\) is called.*"
    rb"|To enable the following instructions: .*"
    rb"|[\d\-: .]+: I .*)$"  # the older TensorFlow timestamped INFO format
)
_PIPE_BYTES = 1 << 20  # native code writing while holding the GIL must not fill the pipe
_ACTIVE = threading.Lock()  # fd 2 is one per process: one filter at a time


def _forward(source: int, target: int) -> None:
    """Copy lines from ``source`` to ``target`` until every writer has closed the pipe, then
    close both: the caller may have stopped waiting (a child process still holds the pipe)."""
    pending = b""
    try:
        while chunk := os.read(source, 65536):
            pending += chunk
            *lines, pending = pending.split(b"\n")
            kept = [line + b"\n" for line in lines if not _ROUTINE.match(line)]
            if kept:
                os.write(target, b"".join(kept))
        if pending and not _ROUTINE.match(pending):
            os.write(target, pending)
    except OSError:
        pass  # stderr went away: nothing left to write to
    finally:
        os.close(source)
        os.close(target)


def _stderr_usable() -> bool:
    if sys.stderr is None:  # pythonw, or a launcher that closed it
        return False
    try:
        os.fstat(2)
    except OSError:
        return False
    return True


@contextmanager
def routine_native_logs_hidden() -> Iterator[None]:
    """Within this block, drop TensorFlow's routine native log lines from stderr."""
    if (os.environ.get("NEURON_LAB_NATIVE_LOGS") or not hasattr(os, "pipe")
            or not _stderr_usable() or not _ACTIVE.acquire(blocking=False)):
        yield
        return
    try:
        sys.stderr.flush()
        real_stderr = os.dup(2)
        read_end, write_end = os.pipe()
        try:
            import fcntl

            fcntl.fcntl(write_end, 1031, _PIPE_BYTES)  # F_SETPIPE_SZ (Linux)
        except (ImportError, OSError):
            pass
        os.dup2(write_end, 2)
        os.close(write_end)
        forwarder = threading.Thread(target=_forward, args=(read_end, os.dup(real_stderr)),
                                     name="native-logs", daemon=True)
        forwarder.start()
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(real_stderr, 2)  # closes this process's last write end of the pipe
            os.close(real_stderr)
            forwarder.join(1.0)  # a child process may still hold the pipe; it drains later
    finally:
        _ACTIVE.release()
