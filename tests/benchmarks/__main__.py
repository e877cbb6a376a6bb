"""``make bench``: run every benchmark and print one JSON object per benchmark.

Pass names to run a subset: ``python -m tests.benchmarks engine startup``.
"""

import json
import sys

from tests.benchmarks import (
    bench_bigdata,
    bench_compile,
    bench_engine,
    bench_gui,
    bench_lr_finder,
    bench_memory,
    bench_pace,
    bench_session,
    bench_soak,
    bench_startup,
)

BENCHMARKS = {
    "engine": bench_engine.main,
    "startup": bench_startup.main,
    "gui": bench_gui.main,
    "memory": bench_memory.main,
    "pace": bench_pace.main,
    "lr_finder": bench_lr_finder.main,
    "session": bench_session.main,
    "compile": bench_compile.main,
    "bigdata": bench_bigdata.main,
}
LONG = {"soak": bench_soak.main}  # minutes long: run by name (make soak), not by make bench

if __name__ == "__main__":
    chosen = sys.argv[1:] or list(BENCHMARKS)
    for name in chosen:
        print(json.dumps({name: {**BENCHMARKS, **LONG}[name]()}, indent=1), flush=True)
